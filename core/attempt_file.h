// Each attempt's own small file, OUT/logs/RUN/REPO/taskID/fA_fB/attempt-N/attempt.json
// (an evaluation's: attempt-N/eval-M/attempt.json): what the attempt was and what it
// cost, written when it starts and again the moment it ends, so an attempt that ends
// before an interrupt, a fatal stop or a full disk is still counted by the pair's next
// record. Also the re-evaluation request `cbgen reeval` leaves for cbrun.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/record.h"

namespace cb {

inline constexpr char kAttemptFileName[] = "attempt.json";

// "attempt-3", "eval-1".
std::filesystem::path AgentAttemptDir(const std::filesystem::path& pair_log_dir, int n);
std::filesystem::path EvalAttemptDir(const std::filesystem::path& agent_attempt_dir, int m);

// An attempt file: the attempt as records list it, plus whether it ended. One
// that never ended belongs to a cbrun that died during it.
struct AttemptFile {
  AttemptRecord attempt;
  bool ended = false;
};
// Written atomically (replacing the start's file at the end).
absl::Status WriteAttemptFile(const std::filesystem::path& attempt_dir, const AttemptFile& file);
// nullopt when the folder has no attempt file; an error for an unreadable one.
absl::StatusOr<std::optional<AttemptFile>> ReadAttemptFile(
    const std::filesystem::path& attempt_dir);

// The attempt folders of a pair (attempt-N, numerically), and the evaluation
// folders of an agent attempt (eval-M); folders that do not match are ignored.
std::vector<std::pair<int, std::filesystem::path>> NumberedDirs(const std::filesystem::path& dir,
                                                                 const std::string& prefix);

// How many of the pair's attempts (in LoadEarlierAttempts' order) a written
// record covered (PAIR_LOG_DIR/recorded.json): attempts after them ended
// without a record (an interrupt, a fatal stop, a full disk) and the next run
// resumes from them; when none did, a missing record was deleted or forgotten
// on purpose and the pair runs again. -1 when no record was ever written.
int RecordedAttempts(const std::filesystem::path& pair_log_dir);
absl::Status MarkRecordedAttempts(const std::filesystem::path& pair_log_dir, int attempts);

// `cbgen reeval` asks the pair's next cbrun to evaluate agent attempt N again
// (PAIR_LOG_DIR/reeval.json) instead of running the agents.
inline constexpr char kReevalFileName[] = "reeval.json";
absl::Status WriteReevalRequest(const std::filesystem::path& pair_log_dir, int agent_attempt);
// 0 when there is none.
absl::StatusOr<int> ReadReevalRequest(const std::filesystem::path& pair_log_dir);
absl::Status RemoveReevalRequest(const std::filesystem::path& pair_log_dir);

}  // namespace cb
