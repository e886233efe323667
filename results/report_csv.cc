#include "results/report_csv.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "results/cost_estimate.h"

namespace cb {

std::string CsvField(absl::string_view s) {
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(s);
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

namespace {
std::string OptBool(const std::optional<bool>& b) {
  return b ? (*b ? "true" : "false") : "";
}
std::string OptCount(const std::optional<long long>& n) {
  return n ? absl::StrCat(*n) : "";
}
}  // namespace

void WriteRecordsCsv(const std::vector<RecordRow>& rows, std::ostream& os) {
  os << "setting,run_name,repo,task_id,feature_a,feature_b,tag,reason,cost_usd,input_tokens,"
        "output_tokens,duration_s,attempts,started_at,finished_at,model,agent,backend,"
        "feature1_passed,feature2_passed,detail,record,cost_unknown_attempts,"
        "tokens_unknown_attempts,merge_status,merge_strategy,cost_estimate_usd,agent_attempts,"
        "eval_attempts,cooperbench_release\r\n";
  // cost_estimate_usd: results/cost_estimate.h's estimate for the record's
  // attempts of unknown cost (an estimate, empty when it has no basis).
  const CostBases bases = BuildCostBases(rows);
  for (const RecordRow& r : rows) {
    const std::optional<double> estimate = EstimateCost({r}, bases).estimate_usd();
    std::vector<std::string> f = {std::string(SettingName(r.setting)),
                                  r.run_name,
                                  r.pair.repo,
                                  absl::StrCat(r.pair.task_id),
                                  absl::StrCat(r.pair.feature_a),
                                  absl::StrCat(r.pair.feature_b),
                                  std::string(TagName(r.tag)),
                                  std::string(ReasonName(r.reason)),
                                  absl::StrFormat("%.6f", r.cost_usd),
                                  OptCount(r.input_tokens),
                                  OptCount(r.output_tokens),
                                  absl::StrFormat("%.3f", r.duration_s),
                                  absl::StrCat(r.attempts),
                                  r.started_at,
                                  r.finished_at,
                                  r.model,
                                  r.agent,
                                  r.backend,
                                  OptBool(r.feature1_passed),
                                  OptBool(r.feature2_passed),
                                  r.detail,
                                  r.rel_path.generic_string(),
                                  absl::StrCat(r.cost_unknown_attempts),
                                  absl::StrCat(r.tokens_unknown_attempts),
                                  r.merge_status.value_or(""),
                                  r.merge_strategy.value_or(""),
                                  estimate ? absl::StrFormat("%.6f", *estimate) : "",
                                  absl::StrCat(r.agent_attempts),
                                  absl::StrCat(r.eval_attempts),
                                  r.cooperbench_release};
    for (std::string& field : f) field = CsvField(field);
    os << absl::StrJoin(f, ",") << "\r\n";
  }
}

}  // namespace cb
