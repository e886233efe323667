#include "report/report_data.h"

#include <algorithm>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json_read.h"
#include "common/records_tree.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// The error of a record without a usable `field`.
absl::Status NotARecord(absl::string_view source, absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": not a cbrun record: \"", field,
                                                 "\" is missing or of the wrong type (move the "
                                                 "file aside, or delete it to re-run the pair)"));
}

// The fields that say which (setting, pair) the record is and how it ended;
// the error names the first one missing.
absl::Status ParseIdentity(const boost::json::value& v, absl::string_view source, RecordRow* r) {
  std::optional<std::string> word = StringField(v, "tag");
  if (!word) return NotARecord(source, "tag");
  std::optional<Tag> tag = ParseTag(*word);
  if (!tag)
    return absl::InvalidArgumentError(absl::StrCat(source, ": not a cbrun record: \"tag\" is \"",
                                                   *word,
                                                   "\", not pass, fail or infra_error (move the "
                                                   "file aside, or delete it to re-run the pair)"));
  r->tag = *tag;
  std::optional<std::string> setting = StringField(v, "setting");
  std::optional<Setting> parsed = setting ? ParseSetting(*setting) : std::nullopt;
  if (!parsed) return NotARecord(source, "setting");
  r->setting = *parsed;
  std::optional<std::string> repo = StringField(v, "repo");
  std::optional<long long> task = IntField(v, "task_id");
  if (!repo) return NotARecord(source, "repo");
  if (!task) return NotARecord(source, "task_id");
  const boost::json::value* features = Field(v, "features");
  const boost::json::array* fa = features ? features->if_array() : nullptr;
  if (fa == nullptr || fa->size() != 2 || !(*fa)[0].is_int64() || !(*fa)[1].is_int64())
    return NotARecord(source, "features");
  int a = static_cast<int>((*fa)[0].as_int64()), b = static_cast<int>((*fa)[1].as_int64());
  r->pair = PairId{*repo, *task, std::min(a, b), std::max(a, b)};
  return absl::OkStatus();
}

// A record without "tokens" (or without a count) reads as 0, as it always
// did; an explicit null is unknown.
void ParseTokens(const boost::json::value& v, RecordRow* r) {
  if (const boost::json::value* tokens = Field(v, "tokens"); tokens && tokens->is_object()) {
    auto count = [&](absl::string_view key) -> std::optional<long long> {
      const boost::json::value* f = Field(*tokens, key);
      if (f && f->is_null()) return std::nullopt;
      return IntField(*tokens, key).value_or(0);
    };
    r->input_tokens = count("input");
    r->output_tokens = count("output");
  }
  r->tokens_unknown_attempts = std::max(0LL, IntField(v, "tokens_unknown_attempts").value_or(0));
}

// The attempts' phase, cost, duration and release; an attempt that is not
// an object is skipped, a phase word not known reads as agent.
void ParseAttempts(const boost::json::array& list, RecordRow* r) {
  int eval = 0;
  for (const boost::json::value& a : list) {
    if (!a.is_object()) continue;
    AttemptRow row;
    if (std::optional<std::string> phase = StringField(a, "phase"))
      row.phase = ParsePhase(*phase).value_or(Phase::kAgent);
    if (row.phase == Phase::kEval) ++eval;
    const boost::json::value* cost = Field(a, "cost_usd");
    if (cost != nullptr && !cost->is_null())
      row.cost_usd = std::max(0.0, NumberField(a, "cost_usd").value_or(0));
    row.duration_s = std::max(0.0, NumberField(a, "duration_s").value_or(0));
    row.cooperbench_release = StringField(a, "cooperbench_release").value_or("");
    row.n = static_cast<int>(std::max(0LL, IntField(a, "n").value_or(0)));
    row.evaluates = static_cast<int>(std::max(0LL, IntField(a, "evaluates").value_or(0)));
    row.tag = ParseTag(StringField(a, "tag").value_or("")).value_or(Tag::kInfraError);
    row.reason = ParseReason(StringField(a, "reason").value_or("")).value_or(Reason::kUnknown);
    row.detail = StringField(a, "detail").value_or("");
    row.log_dir = StringField(a, "log_dir").value_or("");
    r->attempt_list.push_back(std::move(row));
  }
  r->eval_attempts = eval;
}

}  // namespace

absl::StatusOr<RecordRow> ParseRecord(const boost::json::value& v, absl::string_view source) {
  RecordRow r;
  if (absl::Status s = ParseIdentity(v, source, &r); !s.ok()) return s;
  r.run_name = StringField(v, "run_name").value_or("");
  r.reason = ParseReason(StringField(v, "reason").value_or("")).value_or(Reason::kUnknown);
  r.detail = StringField(v, "detail").value_or("");
  r.model = StringField(v, "model").value_or("");
  r.agent = StringField(v, "agent").value_or("");
  r.backend = StringField(v, "backend").value_or("");
  std::optional<double> cost = NumberField(v, "cost_usd");
  if (!cost) return NotARecord(source, "cost_usd");
  r.cost_usd = *cost;
  r.cost_unknown_attempts = std::max(0LL, IntField(v, "cost_unknown_attempts").value_or(0));
  ParseTokens(v, &r);
  r.duration_s = NumberField(v, "duration_s").value_or(0);
  const boost::json::value* attempts = Field(v, "attempts");
  r.attempts = attempts && attempts->is_array() ? static_cast<int>(attempts->as_array().size()) : 0;
  if (attempts && attempts->is_array()) ParseAttempts(attempts->as_array(), &r);
  r.agent_attempts = static_cast<int>(
      std::max(0LL, IntField(v, "agent_attempts").value_or(r.attempts - r.eval_attempts)));
  r.eval_attempts =
      static_cast<int>(std::max(0LL, IntField(v, "eval_attempts").value_or(r.eval_attempts)));
  r.cooperbench_release = StringField(v, "cooperbench_release").value_or("");
  r.started_at = StringField(v, "started_at").value_or("");
  r.finished_at = StringField(v, "finished_at").value_or("");
  r.feature1_passed = BoolField(v, "feature1_passed");
  r.feature2_passed = BoolField(v, "feature2_passed");
  r.merge_status = StringField(v, "merge_status");
  r.merge_strategy = StringField(v, "merge_strategy");
  if (std::optional<long long> m = IntField(v, "messages_sent"); m && *m >= 0) r.messages_sent = *m;
  return r;
}

RecordSet LoadRecords(const fs::path& out) {
  RecordSet set;
  ForEachRecordFile(out, [&](const fs::path& file, absl::string_view run_folder) {
    absl::StatusOr<boost::json::value> doc = ReadJsonFile(file);
    if (!doc.ok()) {
      set.problems.push_back(std::string(doc.status().message()));
      return;
    }
    absl::StatusOr<RecordRow> row = ParseRecord(*doc, file.string());
    if (!row.ok()) {
      set.problems.push_back(std::string(row.status().message()));
      return;
    }
    row->rel_path = file.lexically_relative(out);
    if (row->run_name.empty()) row->run_name = std::string(run_folder);
    set.rows.push_back(std::move(*row));
  });
  std::sort(set.rows.begin(), set.rows.end(),
            [](const RecordRow& x, const RecordRow& y) { return x.rel_path < y.rel_path; });
  std::sort(set.problems.begin(), set.problems.end());
  return set;
}

absl::StatusOr<std::optional<PlanFile>> ReadPlanOf(const fs::path& out,
                                                   const fs::path& build_file) {
  absl::StatusOr<std::optional<PlanFile>> plan = ReadPlanFile(out);
  if (!plan.ok() || !plan->has_value() || build_file.empty()) return plan;
  const fs::path planned_for = (*plan)->build_file;
  std::error_code ec;
  if (fs::exists(planned_for, ec) && !fs::equivalent(planned_for, build_file, ec))
    return absl::InvalidArgumentError(absl::StrCat(
        "--build-file ", build_file.string(), ": ", PlanFilePath(out).string(),
        " is the plan of another build, ", planned_for.string(),
        "; each build's plan sits in its own OUT: pass the --out of ", build_file.string()));
  return plan;
}

std::optional<Setting> SettingFromRunName(absl::string_view run_name) {
  // Longest suffix first: "-coop-nocomm" also ends like nothing shorter, but be explicit.
  for (Setting s : {Setting::kCoopNocomm, Setting::kCoopComm, Setting::kSolo})
    if (absl::EndsWith(run_name, absl::StrCat("-", SettingName(s))) || run_name == SettingName(s))
      return s;
  return std::nullopt;
}

}  // namespace cb
