// Runs one (setting, pair): lock, skip if recorded, attempts with retries,
// classification, one record. The heart of cbrun.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "core/naming.h"
#include "core/record.h"
#include "core/run_config.h"
#include "core/setting.h"
#include "runner/attempt_services.h"
#include "runner/cooperbench_command.h"
#include "runner/launch.h"
#include "runner/pair_job.h"
#include "runner/reporter.h"

namespace cb {

enum class PairStatus {
  kRecorded,     // a new record was written (exit 0)
  kAlreadyDone,  // a record existed; cooperbench was not started (exit 0)
  kFatal,        // an error that would fail every pair: no record (exit 2)
  kInterrupted,  // cbrun got SIGINT/SIGTERM/SIGHUP: no record (exit 128+signal)
  kError,        // the record could not be written (exit 1)
};

struct PairResult {
  PairStatus status = PairStatus::kError;
  int exit_code = 1;
  std::string message;  // one line for the user
  std::optional<Record> record;
  // kFatal from an attempt's verdict: its reason (auth_failed,
  // permission_denied, ...); nullopt for other fatal stops.
  std::optional<Reason> fatal_reason;
};

// Notes while the pair runs (retries, a record set aside) go to `reporter`.
PairResult RunPair(const PairJob& job, const RunConfig& config, Launcher& launcher,
                   AttemptServices& services, Reporter& reporter);

}  // namespace cb
