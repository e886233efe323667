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
#include "common/naming.h"
#include "common/reason.h"
#include "common/setting.h"
#include "common/tag.h"

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
// back; errors name `source` and the field.
boost::json::object AttemptToJson(const AttemptRecord& attempt);
absl::StatusOr<AttemptRecord> ParseAttempt(const boost::json::value& v, absl::string_view source);

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

  // All attempts with a known cost: failed ones cost money too.
  double cost_usd() const;
  long long cost_unknown_attempts() const;
  int agent_attempts() const;
  int eval_attempts() const;
  // Sums over the attempts whose counts are known; nullopt when none is.
  std::optional<long long> input_tokens() const;
  std::optional<long long> output_tokens() const;
  long long tokens_unknown_attempts() const;
  // The last agent attempt's messages_sent; nullopt: unknown (or solo).
  std::optional<long long> messages_sent() const;
  boost::json::value ToJson() const;
};

// Writes the record atomically; AlreadyExists if one is there (it is kept).
absl::Status WriteRecord(const std::filesystem::path& path, const Record& record);

// "2026-11-24T09:31:36Z"
std::string IsoTimeNow();

}  // namespace cb
