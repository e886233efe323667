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
#include "runner/launch.h"
#include "runner/reporter.h"

namespace cb {

struct PairJob {
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  std::string model, agent, backend;
  std::filesystem::path record;   // where the record goes
  std::filesystem::path out_dir;  // logs go under OUT/logs/
  // Ninja's log, where it says which records it accepted (cbrun runs in the
  // build folder); see record_copy.h.
  std::filesystem::path ninja_log = ".ninja_log";
  // What the installed cooperbench's `run` accepts (from the preflight).
  // Without either flag (releases before 0.0.12) each attempt runs in its own
  // folder, with its logs in ./logs there and the dataset linked as ./dataset.
  bool has_log_dir = true;
  bool has_dataset_dir = true;
  // The installed release (from the preflight's probe), named in every attempt
  // and record; empty when it could not be read.
  std::string cooperbench_release;
};

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

// The cooperbench command line of one agent attempt (`run ... --no-auto-eval`;
// never holds a secret).
std::vector<std::string> CooperbenchArgs(const PairJob& job, const RunConfig& config,
                                         const AttemptPlace& place);

// The `cooperbench eval` command line that evaluates what an agent attempt
// in `place` left (no model calls; --force: a fresh evaluation).
std::vector<std::string> CooperbenchEvalArgs(const PairJob& job, const RunConfig& config,
                                             const AttemptPlace& place);

// Notes while the pair runs (retries, a record set aside) go to `reporter`.
PairResult RunPair(const PairJob& job, const RunConfig& config, Launcher& launcher,
                   AttemptServices& services, Reporter& reporter);
// The same, its notes kept quiet (tests).
PairResult RunPair(const PairJob& job, const RunConfig& config, Launcher& launcher,
                   AttemptServices& services);

}  // namespace cb
