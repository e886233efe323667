// A pair's attempts from earlier runs of cbrun, read back from their attempt
// files (core/attempt_file.h), so the record lists and sums every attempt
// the pair ever made: those of a run that was interrupted, stopped by a fatal
// error or by a full disk included. An attempt whose cbrun died during it
// (its file never said it ended, or an older cbrun wrote none) is counted as
// `interrupted`, with the cost upstream reported if it got that far, else
// unknown.
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/naming.h"
#include "core/record.h"
#include "core/setting.h"

namespace cb {

struct PairAttemptsQuery {
  std::filesystem::path pair_log_dir;  // OUT/logs/RUN/REPO/taskID/fA_fB
  std::string run_name;
  Setting setting = Setting::kSolo;
  PairId pair;
  // Where an agent attempt's cooperbench left its logs (its --log-dir).
  std::function<std::filesystem::path(const std::filesystem::path& attempt_dir)> log_root_of;
};

// In order: agent attempt 1, its evaluations, agent attempt 2, ...
std::vector<AttemptRecord> LoadEarlierAttempts(const PairAttemptsQuery& query);

}  // namespace cb
