#include "core/record.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "util/atomic_file.h"
#include "util/json_read.h"

namespace cb {

absl::string_view PhaseName(Phase phase) { return phase == Phase::kEval ? "eval" : "agent"; }
std::optional<Phase> ParsePhase(absl::string_view word) {
  if (word == "agent") return Phase::kAgent;
  if (word == "eval") return Phase::kEval;
  return std::nullopt;
}

namespace {
boost::json::value OptString(const std::string& s) {
  return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}
template <typename T>
boost::json::value OptValue(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
}  // namespace

RecordTotals Record::totals() const {
  if (stated_totals) return *stated_totals;
  RecordTotals t;
  t.listed_attempts = static_cast<int>(attempts.size());
  for (const AttemptRecord& a : attempts) {
    t.cost_usd += a.cost_usd.value_or(0);
    t.cost_unknown_attempts += a.cost_usd ? 0 : 1;
    if (a.phase == Phase::kEval) {  // evaluations make no model calls
      ++t.eval_attempts;
      continue;
    }
    ++t.agent_attempts;
    t.tokens_unknown_attempts += a.input_tokens && a.output_tokens ? 0 : 1;
    t.messages_sent = a.messages_sent;
  }
  auto sum_known = [&](std::optional<long long> AttemptRecord::*field) {
    std::optional<long long> sum;
    for (const AttemptRecord& a : attempts)
      if (a.phase == Phase::kAgent && a.*field) sum = sum.value_or(0) + *(a.*field);
    return sum;
  };
  t.input_tokens = sum_known(&AttemptRecord::input_tokens);
  t.output_tokens = sum_known(&AttemptRecord::output_tokens);
  return t;
}

boost::json::object AttemptToJson(const AttemptRecord& a) {
  boost::json::object j;
  j["n"] = a.n;
  j["phase"] = std::string(PhaseName(a.phase));
  if (a.phase == Phase::kEval) j["evaluates"] = a.evaluates;
  j["cooperbench_release"] = OptString(a.cooperbench_release);
  j["started_at"] = a.started_at;
  j["duration_s"] = a.duration_s;
  if (a.exit_code) j["exit_code"] = *a.exit_code;
  if (a.signal) j["signal"] = *a.signal;
  if (a.timed_out) j["timed_out"] = true;
  j["tag"] = std::string(TagName(a.tag));
  j["reason"] = std::string(ReasonName(a.reason));
  j["detail"] = a.detail;
  j["cost_usd"] = OptValue(a.cost_usd);
  j["tokens"] = boost::json::object{{"input", OptValue(a.input_tokens)},
                                    {"output", OptValue(a.output_tokens)}};
  j["log_dir"] = a.log_dir;
  if (a.messages_sent) j["messages_sent"] = *a.messages_sent;
  return j;
}

namespace {

absl::Status NotAnAttempt(absl::string_view source, absl::string_view field) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": not an attempt of cbrun's: field \"", field, "\" missing or wrong"));
}

// A count from an attempt: absent or null is unknown; a negative one is refused.
bool ReadCount(const boost::json::value& tokens, absl::string_view key,
               std::optional<long long>* out) {
  const boost::json::value* v = Field(tokens, key);
  if (v == nullptr || v->is_null()) return true;
  *out = IntField(tokens, key);
  return *out && **out >= 0;
}

int ClampToInt(long long n, long long max) { return static_cast<int>(std::clamp(n, 0LL, max)); }

// The cost and tokens of attempt `v`; see ReadAttempt for `strict`.
absl::Status ReadAttemptUsage(const boost::json::value& v, absl::string_view source, bool strict,
                              AttemptRecord* a) {
  a->cost_usd.reset();  // absent or null: unknown
  if (const boost::json::value* cost = Field(v, "cost_usd"); cost && !cost->is_null()) {
    const std::optional<double> usd = NumberField(v, "cost_usd");
    if (strict && (!usd || !(*usd >= 0) || *usd > 1e9)) return NotAnAttempt(source, "cost_usd");
    a->cost_usd = std::max(0.0, usd.value_or(0));
  }
  if (const boost::json::value* tokens = Field(v, "tokens"); tokens && tokens->is_object()) {
    auto read = [&](absl::string_view key, std::optional<long long>* count) {
      if (ReadCount(*tokens, key, count)) return true;
      count->reset();  // not strict: unknown
      return !strict;
    };
    if (!read("input", &a->input_tokens) || !read("output", &a->output_tokens))
      return NotAnAttempt(source, "tokens");
  }
  return absl::OkStatus();
}

// The one reader of an attempt object. `strict` (attempt files): a missing or
// bad n, phase, tag, cost_usd or token count is an error naming `source` and
// the field. Not strict (a record's list): such a field reads as the reports
// always read it (Record::FromJson).
absl::Status ReadAttempt(const boost::json::value& v, absl::string_view source, bool strict,
                         AttemptRecord* a) {
  const std::optional<long long> n = IntField(v, "n");
  if (strict && (!n || *n < 0 || *n > 1'000'000)) return NotAnAttempt(source, "n");
  a->n = ClampToInt(n.value_or(0), INT_MAX);
  if (const std::optional<std::string> phase = StringField(v, "phase")) {
    const std::optional<Phase> p = ParsePhase(*phase);
    if (strict && !p) return NotAnAttempt(source, "phase");
    a->phase = p.value_or(Phase::kAgent);
  }
  a->evaluates = ClampToInt(IntField(v, "evaluates").value_or(0), strict ? 1'000'000 : INT_MAX);
  a->cooperbench_release = StringField(v, "cooperbench_release").value_or("");
  a->started_at = StringField(v, "started_at").value_or("");
  a->duration_s = std::max(0.0, NumberField(v, "duration_s").value_or(0));
  if (std::optional<long long> c = IntField(v, "exit_code")) a->exit_code = static_cast<int>(*c);
  if (std::optional<long long> c = IntField(v, "signal")) a->signal = static_cast<int>(*c);
  a->timed_out = BoolField(v, "timed_out").value_or(false);
  const std::optional<std::string> tag = StringField(v, "tag");
  const std::optional<Tag> t = tag ? ParseTag(*tag) : std::nullopt;
  if (strict && !t) return NotAnAttempt(source, "tag");
  a->tag = t.value_or(Tag::kInfraError);
  a->reason = ParseReason(StringField(v, "reason").value_or("")).value_or(Reason::kUnknown);
  a->detail = StringField(v, "detail").value_or("");
  if (absl::Status s = ReadAttemptUsage(v, source, strict, a); !s.ok()) return s;
  a->log_dir = StringField(v, "log_dir").value_or("");
  if (std::optional<long long> m = IntField(v, "messages_sent"); m && *m >= 0) a->messages_sent = *m;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AttemptRecord> ParseAttempt(const boost::json::value& v, absl::string_view source) {
  if (!v.is_object()) return NotAnAttempt(source, "{}");
  AttemptRecord a;
  if (absl::Status s = ReadAttempt(v, source, /*strict=*/true, &a); !s.ok()) return s;
  return a;
}

boost::json::value Record::ToJson() const {
  boost::json::object o;
  o["schema"] = kSchema;
  o["tag"] = std::string(TagName(tag));
  o["reason"] = std::string(ReasonName(reason));
  o["detail"] = detail;
  o["setting"] = std::string(SettingName(setting));
  o["run_name"] = run_name;
  o["repo"] = pair.repo;
  o["task_id"] = pair.task_id;
  o["features"] = boost::json::array{pair.feature_a, pair.feature_b};
  o["model"] = model;
  o["agent"] = agent;
  o["backend"] = backend;
  const RecordTotals t = totals();
  o["cost_usd"] = t.cost_usd;
  o["cost_unknown_attempts"] = t.cost_unknown_attempts;
  o["agent_attempts"] = t.agent_attempts;
  o["eval_attempts"] = t.eval_attempts;
  o["cooperbench_release"] = OptString(cooperbench_release);
  o["tokens"] = boost::json::object{{"input", OptValue(t.input_tokens)},
                                    {"output", OptValue(t.output_tokens)}};
  o["tokens_unknown_attempts"] = t.tokens_unknown_attempts;
  o["duration_s"] = duration_s;
  o["started_at"] = started_at;
  o["finished_at"] = finished_at;
  o["feature1_passed"] = OptValue(feature1_passed);
  o["feature2_passed"] = OptValue(feature2_passed);
  o["merge_status"] = OptValue(merge_status);
  o["merge_strategy"] = OptValue(merge_strategy);
  o["messages_sent"] = OptValue(t.messages_sent);
  boost::json::array list;
  for (const AttemptRecord& a : attempts) list.push_back(AttemptToJson(a));
  o["attempts"] = std::move(list);
  return o;
}

namespace {

// The error of a record without a usable `field`.
absl::Status NotARecord(absl::string_view source, absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": not a cbrun record: \"", field,
                                                 "\" is missing or of the wrong type (move the "
                                                 "file aside, or delete it to re-run the pair)"));
}

// The fields that say which (setting, pair) the record is and how it ended;
// the error names the first one missing.
absl::Status ReadIdentity(const boost::json::value& v, absl::string_view source, Record* r) {
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

// "cost_usd" (nullopt when absent or not a number) and "cost_unknown_attempts".
std::optional<double> ReadStatedCost(const boost::json::value& v, RecordTotals* t) {
  t->cost_unknown_attempts = std::max(0LL, IntField(v, "cost_unknown_attempts").value_or(0));
  return NumberField(v, "cost_usd");
}

// The totals as `v` states them (RecordTotals), `r`'s attempts already read.
absl::Status ReadTotals(const boost::json::value& v, absl::string_view source, const Record& r,
                        int listed, RecordTotals* t) {
  const std::optional<double> cost = ReadStatedCost(v, t);
  if (!cost) return NotARecord(source, "cost_usd");
  t->cost_usd = *cost;
  t->listed_attempts = listed;
  if (const boost::json::value* tokens = Field(v, "tokens"); tokens && tokens->is_object()) {
    auto count = [&](absl::string_view key) -> std::optional<long long> {
      const boost::json::value* f = Field(*tokens, key);
      if (f && f->is_null()) return std::nullopt;
      return IntField(*tokens, key).value_or(0);
    };
    t->input_tokens = count("input");
    t->output_tokens = count("output");
  }
  t->tokens_unknown_attempts = std::max(0LL, IntField(v, "tokens_unknown_attempts").value_or(0));
  long long evals = 0;
  for (const AttemptRecord& a : r.attempts) evals += a.phase == Phase::kEval ? 1 : 0;
  t->agent_attempts =
      static_cast<int>(std::max(0LL, IntField(v, "agent_attempts").value_or(listed - evals)));
  t->eval_attempts = static_cast<int>(std::max(0LL, IntField(v, "eval_attempts").value_or(evals)));
  if (std::optional<long long> m = IntField(v, "messages_sent"); m && *m >= 0) t->messages_sent = *m;
  return absl::OkStatus();
}

// The attempts `v` lists (not strict; those that are not objects left out)
// and how many it lists.
int ReadAttemptList(const boost::json::value& v, absl::string_view source, Record* r) {
  const boost::json::value* list = Field(v, "attempts");
  if (list == nullptr || !list->is_array()) return 0;
  for (const boost::json::value& item : list->get_array()) {
    if (!item.is_object()) continue;
    AttemptRecord a;
    (void)ReadAttempt(item, source, /*strict=*/false, &a);  // never an error
    r->attempts.push_back(std::move(a));
  }
  return static_cast<int>(list->get_array().size());
}

}  // namespace

absl::StatusOr<Record> Record::FromJson(const boost::json::value& v, absl::string_view source) {
  Record r;
  if (absl::Status s = ReadIdentity(v, source, &r); !s.ok()) return s;
  const int listed = ReadAttemptList(v, source, &r);
  RecordTotals totals;
  if (absl::Status s = ReadTotals(v, source, r, listed, &totals); !s.ok()) return s;
  r.stated_totals = totals;
  r.run_name = StringField(v, "run_name").value_or("");
  r.reason = ParseReason(StringField(v, "reason").value_or("")).value_or(Reason::kUnknown);
  r.detail = StringField(v, "detail").value_or("");
  r.model = StringField(v, "model").value_or("");
  r.agent = StringField(v, "agent").value_or("");
  r.backend = StringField(v, "backend").value_or("");
  r.duration_s = NumberField(v, "duration_s").value_or(0);
  r.cooperbench_release = StringField(v, "cooperbench_release").value_or("");
  r.started_at = StringField(v, "started_at").value_or("");
  r.finished_at = StringField(v, "finished_at").value_or("");
  r.feature1_passed = BoolField(v, "feature1_passed");
  r.feature2_passed = BoolField(v, "feature2_passed");
  r.merge_status = StringField(v, "merge_status");
  r.merge_strategy = StringField(v, "merge_strategy");
  return r;
}

RecordTotals StatedCostOfUnreadableRecord(const boost::json::value& v) {
  RecordTotals t;
  t.cost_usd = ReadStatedCost(v, &t).value_or(0);
  return t;
}

absl::StatusOr<Record> ReadRecordFile(const std::filesystem::path& path) {
  absl::StatusOr<boost::json::value> doc = ReadJsonFile(path);
  if (!doc.ok()) return doc.status();
  return Record::FromJson(*doc, path.string());
}

absl::Status WriteRecord(const std::filesystem::path& path, const Record& record) {
  return WriteFileAtomically(path, PrettyJson(record.ToJson()), Overwrite::kNever);
}

std::string IsoTimeNow() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

}  // namespace cb
