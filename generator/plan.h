// Planning: subset tasks + experiment options -> build targets. Pure: no I/O.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "generator/model.h"

namespace cb {

// "command-a-03-2025" -> "command-a": the model's last path segment without a
// trailing date (-MM-YYYY, -YYYY-MM-DD, -YYYYMMDD), other characters made safe.
std::string DefaultRunPrefix(absl::string_view model);

// "<prefix>-solo", "<prefix>-coop-comm", "<prefix>-coop-nocomm".
std::string RunName(absl::string_view prefix, Setting setting);

// Expected seconds a pair takes: its own history, else its task's mean, else
// the median of all history; 0 without history. Built once per plan: the
// task means and the median are computed up front, so each pair costs a lookup.
class DurationEstimate {
 public:
  explicit DurationEstimate(const DurationHistory& history);
  double For(const PairId& pair) const;

 private:
  const DurationHistory& history_;
  std::map<std::pair<std::string, long long>, double> task_mean_;
  double median_ = 0;
};

// Appends a run edge's description, "solo dspy/8394 [3,4]" (the writer passes
// the short name already escaped for Ninja).
void AppendRunDescription(std::string* text, absl::string_view setting_name,
                          absl::string_view short_name, int feature_a, int feature_b);

// DurationEstimate(history).For(pair), for one pair.
double ExpectedDuration(const PairId& pair, const DurationHistory& history);

// A build's models must have distinct names and run prefixes, run names that
// are valid, and (a matrix) phony target names that clash with nothing.
absl::Status CheckModels(const std::vector<ModelRun>& models, const std::vector<Setting>& settings);

// One image target per task (docker backend only) and one run target per
// (setting, pair). Runs are ordered by setting priority (solo, coop-comm,
// coop-nocomm), and within a setting longest expected first, then by name:
// Ninja 1.11 starts ready edges in manifest order, so this order is the priority.
// `recorded` (records already under OUT) that no run target names become
// Plan::kept_records.
absl::StatusOr<Plan> MakePlan(const std::vector<TaskSpec>& tasks, const ExperimentOptions& opts,
                              const DurationHistory& history,
                              const std::vector<RecordedPair>& recorded = {});

}  // namespace cb
