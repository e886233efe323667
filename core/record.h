// The result record of one (setting, pair): what cbrun leaves for Ninja and
// for people. Written once, atomically, never overwritten.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/naming.h"
#include "core/reason.h"
#include "core/setting.h"
#include "core/tag.h"

namespace cb {

// Which part of a pair an attempt ran: the agents (`cooperbench run
// --no-auto-eval`, all of the model's cost) or the evaluation of what they
// left (`cooperbench eval`, no model calls). Records made before the split
// have agent attempts only, each with its own evaluation.
enum class Phase { kAgent, kEval };
absl::string_view PhaseName(Phase phase);              // "agent", "eval"
std::optional<Phase> ParsePhase(absl::string_view word);

struct AttemptRecord {
  int n = 0;  // agent: the attempt-N folder; eval: the eval-N folder inside attempt-`evaluates`
  Phase phase = Phase::kAgent;
  int evaluates = 0;       // eval: the agent attempt whose patches it tests; agent: 0
  std::string started_at;  // ISO 8601, UTC
  double duration_s = 0;
  std::optional<int> exit_code;
  std::optional<int> signal;
  bool timed_out = false;
  Tag tag = Tag::kInfraError;
  Reason reason = Reason::kUnknown;
  std::string detail;
  std::optional<double> cost_usd = 0;     // nullopt: unknown (steps taken, $0 reported)
  std::optional<long long> input_tokens;  // nullopt: unknown (see AttemptUsage)
  std::optional<long long> output_tokens;
  std::string log_dir;
  std::string cooperbench_release;  // "0.0.19"; empty: not known
  // Agent attempts of coop: result.json's messages_sent; nullopt: unknown, solo or evaluation.
  std::optional<long long> messages_sent;
};

// One attempt as JSON (records' "attempts" and each attempt's attempt.json), and
// back; errors name `source` and the field. Record::FromJson reads a record's
// attempts with the same reader, but never refuses one (see there).
boost::json::object AttemptToJson(const AttemptRecord& attempt);
absl::StatusOr<AttemptRecord> ParseAttempt(const boost::json::value& v, absl::string_view source);

// What a record states over its attempts. A record being made sums them from
// its attempts; a record read back keeps them as its file states them, since
// older records list fewer attempts than they count (or none) and predate some
// fields: an absent count reads as 0, an absent "tokens" as 0 and 0, a null
// token count as unknown, no "agent_attempts" as the listed attempts that are
// not evaluations.
struct RecordTotals {
  int listed_attempts = 0;  // the length of "attempts"
  int agent_attempts = 0, eval_attempts = 0;
  double cost_usd = 0;  // the attempts whose cost is known
  long long cost_unknown_attempts = 0;
  std::optional<long long> input_tokens = 0;  // nullopt: unknown
  std::optional<long long> output_tokens = 0;
  long long tokens_unknown_attempts = 0;
  std::optional<long long> messages_sent;  // the last agent attempt's; nullopt: unknown (or solo)
};

struct Record {
  static constexpr int kSchema = 1;
  Tag tag = Tag::kInfraError;
  Reason reason = Reason::kUnknown;
  std::string detail;
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  std::string model, agent, backend;
  std::vector<AttemptRecord> attempts;
  std::string started_at, finished_at;
  double duration_s = 0;                // wall clock, first start to last end
  std::optional<bool> feature1_passed;  // from the last attempt's eval.json
  std::optional<bool> feature2_passed;
  std::optional<std::string> merge_status;    // coop: eval.json merge.status of the last attempt
  std::optional<std::string> merge_strategy;  // coop: merge.strategy ("solo-agent1", ...)
  std::string cooperbench_release;            // of the last attempt; empty: not known
  // Set by FromJson: the totals as the file states them (reset it before
  // changing a read record's attempts). Unset while cbrun makes the record:
  // they are summed from `attempts`.
  std::optional<RecordTotals> stated_totals;

  // stated_totals, or the sums over `attempts`: the cost of all attempts with a
  // known cost (failed ones cost money too); tokens summed over the agent
  // attempts whose counts are known (nullopt when none is); messages_sent of
  // the last agent attempt.
  RecordTotals totals() const;
  double cost_usd() const { return totals().cost_usd; }
  long long cost_unknown_attempts() const { return totals().cost_unknown_attempts; }
  int agent_attempts() const { return totals().agent_attempts; }
  int eval_attempts() const { return totals().eval_attempts; }
  std::optional<long long> input_tokens() const { return totals().input_tokens; }
  std::optional<long long> output_tokens() const { return totals().output_tokens; }
  long long tokens_unknown_attempts() const { return totals().tokens_unknown_attempts; }
  std::optional<long long> messages_sent() const { return totals().messages_sent; }

  boost::json::value ToJson() const;
  // The one reader of a record; errors name `source` and the first field
  // missing or of the wrong type: "tag" (or a word not pass, fail or
  // infra_error), "setting", "repo", "task_id", "features" (two integers, read
  // in either order), "cost_usd". Everything else may be absent (older
  // records): text reads as empty, a reason word not in core/reason.h's list
  // as Reason::kUnknown, numbers as 0, the facts as unknown. The attempts are
  // read as ParseAttempt reads them, except that none is refused: one that is
  // not an object is left out (still counted in listed_attempts), and a
  // missing or bad n reads as 0, phase as agent, tag as infra_error, a bad
  // cost_usd as 0 (absent or null: unknown), a bad token count as unknown.
  static absl::StatusOr<Record> FromJson(const boost::json::value& v, absl::string_view source);
};

// Writes the record atomically; AlreadyExists if one is there (it is kept).
absl::Status WriteRecord(const std::filesystem::path& path, const Record& record);
// Reads and parses a record file; errors name the file.
absl::StatusOr<Record> ReadRecordFile(const std::filesystem::path& path);

// What a record FromJson refuses (no pair, a tag word not in the list) still
// says it cost, for runner/budget.h: its "cost_usd" (0 when absent) and
// "cost_unknown_attempts"; the other totals are left 0.
RecordTotals StatedCostOfUnreadableRecord(const boost::json::value& v);

// "2026-11-24T09:31:36Z"
std::string IsoTimeNow();

}  // namespace cb
