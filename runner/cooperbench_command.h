// What cbrun gives cooperbench for one attempt: the folder it runs in and
// leaves its logs in, and the command lines of `cooperbench run` (the agents)
// and `cooperbench eval` (their evaluation, apart). Pure but for
// PrepareAttemptPlace, which makes the folder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/run_config.h"
#include "runner/pair_job.h"

namespace cb {

// Where one attempt's cooperbench runs and where it leaves its logs.
struct AttemptPlace {
  std::filesystem::path dir;       // OUT/logs/.../attempt-N: everything of this attempt
  std::filesystem::path cwd;       // empty: cbrun's own working directory
  std::filesystem::path log_root;  // cooperbench's --log-dir (or ./logs under cwd)
};
// Pure: the place of an attempt in `attempt_dir` for this job.
AttemptPlace PlaceAttempt(const PairJob& job, const std::filesystem::path& attempt_dir);
// Makes the attempt's folder, and for an isolated attempt its ./dataset link.
absl::Status PrepareAttemptPlace(const AttemptPlace& place, const RunConfig& config);

// The cooperbench command line of one agent attempt (`run ... --no-auto-eval`;
// never holds a secret).
std::vector<std::string> CooperbenchArgs(const PairJob& job, const RunConfig& config,
                                         const AttemptPlace& place);

// The `cooperbench eval` command line that evaluates what an agent attempt
// in `place` left (no model calls; --force: a fresh evaluation).
std::vector<std::string> CooperbenchEvalArgs(const PairJob& job, const RunConfig& config,
                                             const AttemptPlace& place);

}  // namespace cb
