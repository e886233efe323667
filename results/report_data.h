// The inputs of `cbgen report`, `cbgen forget` and `cbgen status`: the records
// cbrun wrote under OUT (and, through core/plan_file.h, the pairs OUT/plan.json
// plans). Parsing is pure; LoadRecords does the I/O. Nothing here calls cooperbench.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/naming.h"
#include "core/plan_file.h"
#include "core/reason.h"
#include "core/record.h"
#include "core/setting.h"
#include "core/tag.h"

namespace cb {

// One of a record's attempts, as the reports use it.
struct AttemptRow {
  Phase phase = Phase::kAgent;     // older records: agent
  std::optional<double> cost_usd;  // nullopt: unknown (killed before upstream reported)
  double duration_s = 0;
  std::string cooperbench_release;  // empty: not known
  int n = 0;          // agent: attempt-N; eval: eval-N inside attempt-`evaluates`
  int evaluates = 0;  // eval: the agent attempt it tests
  Tag tag = Tag::kInfraError;
  Reason reason = Reason::kUnknown;
  std::string detail;
  std::string log_dir;  // as recorded (may be relative to where cbrun ran)
};

// One record, flattened to what the reports use.
struct RecordRow {
  std::filesystem::path rel_path;  // relative to OUT: RUN/REPO/taskID/fA_fB.json
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  Tag tag = Tag::kInfraError;
  Reason reason = Reason::kUnknown;  // also for no reason, or a word not in the list
  std::string detail;
  std::string model, agent, backend;
  double cost_usd = 0;                        // the attempts whose cost is known
  long long cost_unknown_attempts = 0;        // took steps but reported $0 (0 in older records)
  std::optional<long long> input_tokens = 0;  // nullopt: "tokens" is null (unknown)
  std::optional<long long> output_tokens = 0;
  long long tokens_unknown_attempts = 0;
  double duration_s = 0;
  int attempts = 0;
  std::vector<AttemptRow> attempt_list;       // in the record's order
  int agent_attempts = 0, eval_attempts = 0;  // older records: attempts, 0
  std::string cooperbench_release;            // the record's; empty: not known (older records)
  std::string started_at, finished_at;
  std::optional<bool> feature1_passed, feature2_passed;
  std::optional<std::string> merge_status, merge_strategy;  // coop, newer records only
  std::optional<long long> messages_sent;  // coop: last agent attempt's; nullopt: unknown/older
};

// The merge.strategy upstream (0.0.16+) gives a coop pair that passed through
// the first agent's patch alone after the merge failed.
inline constexpr char kAgent1AloneStrategy[] = "solo-agent1";

// A record (core/record.h, its one reader) as the reports use it; rel_path
// is left empty. The totals are the record's own (Record::totals()).
RecordRow RowFromRecord(const Record& record);

// Record::FromJson, then RowFromRecord: errors name `source` and the bad field.
absl::StatusOr<RecordRow> ParseRecord(const boost::json::value& v, absl::string_view source);

struct RecordSet {
  std::vector<RecordRow> rows;        // sorted by path
  std::vector<std::string> problems;  // unreadable files, one message each
};

// Every record OUT/RUN/REPO/taskID/fA_fB.json (core/records_tree.h). A
// missing OUT gives no rows.
RecordSet LoadRecords(const std::filesystem::path& out);

// OUT/plan.json for `cbgen report` and `cbgen status`; nullopt when it does
// not exist (the plan is then unknown). `build_file`, when not empty, is the
// --build-file the user named: plan.json must be that build's (it is not
// checked when the build plan.json names is gone, e.g. moved).
absl::StatusOr<std::optional<PlanFile>> ReadPlanOf(const std::filesystem::path& out,
                                                   const std::filesystem::path& build_file);

// The setting a run name belongs to, by cbgen's naming (PREFIX-solo, ...).
std::optional<Setting> SettingFromRunName(absl::string_view run_name);

}  // namespace cb
