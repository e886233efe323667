// Making one task's Docker image ready: inspect, pull if missing (retried with
// backoff), tag with the canonical name, verify, then write the stamp.
#pragma once

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "core/run_config.h"
#include "runner/launch.h"
#include "runner/reporter.h"

namespace cb {

struct PullJob {
  std::string repo;
  long long task_id = 0;
  std::filesystem::path stamp;
  std::filesystem::path log_file;  // docker's output, appended
};

// Notes (a failed try, the wait before the next) go to `reporter`. A signal
// to cbrun (SIGINT, SIGTERM, SIGHUP) ends the docker command and gives a
// Cancelled status; `launcher.interrupt_signal()` is the signal, cbrun exits
// with ExitInterrupted of it (core/exit_codes.h).
absl::Status PullImage(const PullJob& job, const RunConfig& config, Launcher& launcher,
                       Reporter& reporter);

}  // namespace cb
