#include "results/report_data.h"

#include <algorithm>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/records_tree.h"

namespace cb {
namespace fs = std::filesystem;

RecordRow RowFromRecord(const Record& record) {
  const RecordTotals t = record.totals();
  RecordRow r;
  r.setting = record.setting;
  r.run_name = record.run_name;
  r.pair = record.pair;
  r.tag = record.tag;
  r.reason = record.reason;
  r.detail = record.detail;
  r.model = record.model;
  r.agent = record.agent;
  r.backend = record.backend;
  r.cost_usd = t.cost_usd;
  r.cost_unknown_attempts = t.cost_unknown_attempts;
  r.input_tokens = t.input_tokens;
  r.output_tokens = t.output_tokens;
  r.tokens_unknown_attempts = t.tokens_unknown_attempts;
  r.duration_s = record.duration_s;
  r.attempts = t.listed_attempts;
  for (const AttemptRecord& a : record.attempts)
    r.attempt_list.push_back(AttemptRow{a.phase, a.cost_usd, a.duration_s, a.cooperbench_release,
                                        a.n, a.evaluates, a.tag, a.reason, a.detail, a.log_dir});
  r.agent_attempts = t.agent_attempts;
  r.eval_attempts = t.eval_attempts;
  r.cooperbench_release = record.cooperbench_release;
  r.started_at = record.started_at;
  r.finished_at = record.finished_at;
  r.feature1_passed = record.feature1_passed;
  r.feature2_passed = record.feature2_passed;
  r.merge_status = record.merge_status;
  r.merge_strategy = record.merge_strategy;
  r.messages_sent = t.messages_sent;
  return r;
}

absl::StatusOr<RecordRow> ParseRecord(const boost::json::value& v, absl::string_view source) {
  absl::StatusOr<Record> record = Record::FromJson(v, source);
  if (!record.ok()) return record.status();
  return RowFromRecord(*record);
}

RecordSet LoadRecords(const fs::path& out) {
  RecordSet set;
  ForEachRecordFile(out, [&](const fs::path& file, absl::string_view run_folder) {
    absl::StatusOr<Record> record = ReadRecordFile(file);
    if (!record.ok()) {
      set.problems.push_back(std::string(record.status().message()));
      return;
    }
    RecordRow row = RowFromRecord(*record);
    row.rel_path = file.lexically_relative(out);
    if (row.run_name.empty()) row.run_name = std::string(run_folder);
    set.rows.push_back(std::move(row));
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
