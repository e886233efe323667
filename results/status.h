// `cbgen status`: what a running `ninja` is doing, read from OUT while it
// runs: done / running / pending per setting, spend so far, the running pairs
// (their .lock is held) with attempt and elapsed time, and an ETA.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "results/cost_estimate.h"
#include "results/report_data.h"

namespace cb {

// A pair whose runner holds OUT/logs/RUN/REPO/taskID/fA_fB/.lock.
struct RunningPair {
  std::optional<Setting> setting;  // from the plan or the run name
  std::string run_name;
  PairId pair;
  int attempt = 0;  // from current.json; 0 when unknown
  std::optional<absl::Time> attempt_started;
  std::string previous_reason;  // why the last attempt failed, for a retry: the word
                                // current.json holds, shown as it is
};

// Scans OUT/logs for held pair locks. `run_settings` maps run names to settings.
std::vector<RunningPair> FindRunningPairs(const std::filesystem::path& out,
                                          const std::map<std::string, Setting>& run_settings);

struct SettingProgress {
  long long pairs = 0, done = 0, running = 0, pending = 0;
  long long pass = 0, fail = 0, infra_error = 0;
  double cost_usd = 0;                  // attempts whose cost is known
  long long cost_unknown_attempts = 0;  // cost unknown
  CostEstimate cost_estimate;
};

// One run (model x setting) of a build of several models.
struct RunProgress {
  std::string model;
  Setting setting = Setting::kSolo;
  SettingProgress progress;
};

// A provider's runs (litellm's, core/provider.h): those running and those
// still waiting for its pool (pending), by run name.
struct ProviderProgress {
  long long running = 0, pending = 0;
  std::map<std::string, long long> pending_by_run;
};

struct StatusView {
  bool plan_known = false;
  std::map<Setting, SettingProgress> settings;  // all three, summed over the runs (as the report)
  std::set<Setting> built;  // planned, recorded or running: the text shows rows for these only
  // By run name (PREFIX-SETTING); more than one model: the text shows these.
  std::map<std::string, RunProgress> runs;
  std::map<std::string, ProviderProgress> providers;  // "" : not known
  bool several_models = false;
  double spend_usd = 0;                         // attempts whose cost is known
  long long cost_unknown_attempts = 0;          // left out of spend_usd
  CostBases cost_bases;                         // results/cost_estimate.h
  CostEstimate cost_estimate;                   // over all records
  long long finished = 0;
  std::optional<double> mean_duration_s;  // of finished pairs
  std::vector<RunningPair> running;
  long long pending = 0;  // planned pairs with no record that nothing runs (0 without a plan)
  // 0 when every planned pair has a record; nullopt when nothing has finished yet, or when
  // nothing runs (no ninja at work: no time to estimate).
  std::optional<double> eta_s;
};

// Pure: combines the plan, the records and the running pairs at `now`.
StatusView ComputeStatus(const std::optional<std::vector<PlannedRun>>& planned,
                         const std::vector<RecordRow>& rows,
                         const std::vector<RunningPair>& running, absl::Time now);

// "1h02m", "3m20s", "42s".
std::string FormatDuration(double seconds);

void WriteStatusText(const StatusView& v, absl::Time now, std::ostream& os);
boost::json::object StatusToJson(const StatusView& v, absl::Time now);

struct StatusArgs {
  std::string out = "out";
  std::string build_file;  // optional: the build whose plan is meant (OUT/plan.json must be its)
  bool json = false;
};

absl::Status RunStatus(const StatusArgs& args, std::ostream& os);

}  // namespace cb
