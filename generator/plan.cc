#include "generator/plan.h"

#include <algorithm>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cb {

std::string DefaultRunPrefix(absl::string_view model) {
  std::string name(model.substr(model.find_last_of('/') == absl::string_view::npos
                                    ? 0
                                    : model.find_last_of('/') + 1));
  static const std::regex kDate(R"(-(\d{2}-\d{4}|\d{4}-\d{2}-\d{2}|\d{8})$)");
  name = std::regex_replace(name, kDate, "");
  for (char& c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) c = '-';
  }
  while (!name.empty() && (name.front() == '-' || name.front() == '.')) name.erase(0, 1);
  return name.empty() ? "run" : name;
}

std::string RunName(absl::string_view prefix, Setting setting) {
  return absl::StrCat(prefix, "-", SettingRunSuffix(setting));
}

double ExpectedDuration(const PairId& pair, const DurationHistory& history) {
  if (history.empty()) return 0;
  if (auto it = history.find(pair); it != history.end()) return it->second;
  double task_sum = 0;
  int task_n = 0;
  for (const auto& [id, d] : history) {
    if (id.repo == pair.repo && id.task_id == pair.task_id) {
      task_sum += d;
      ++task_n;
    }
  }
  if (task_n > 0) return task_sum / task_n;
  std::vector<double> all;
  for (const auto& [id, d] : history) all.push_back(d);
  std::nth_element(all.begin(), all.begin() + all.size() / 2, all.end());
  return all[all.size() / 2];
}

absl::StatusOr<Plan> MakePlan(const std::vector<TaskSpec>& tasks, const ExperimentOptions& opts,
                              const DurationHistory& history) {
  static const std::set<std::string> kBackends = {"docker", "modal", "gcp"};
  if (!kBackends.count(opts.backend))
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown backend \"", opts.backend, "\": use docker, modal or gcp"));
  if (opts.settings.empty())
    return absl::InvalidArgumentError("no settings chosen: use solo, coop-comm, coop-nocomm");
  if (opts.model.empty() || opts.agent.empty())
    return absl::InvalidArgumentError("--model and --agent must not be empty");

  Plan plan;
  if (opts.backend == "docker") {
    for (const TaskSpec& t : tasks) {
      plan.images.push_back(ImageTarget{t.repo, t.task_id, CanonicalImageName(t.repo, t.task_id),
                                        ImageStampPath(opts.out, t.repo, t.task_id)});
    }
  }
  // Settings in priority order whatever order the user listed them in.
  for (Setting setting : AllSettings()) {
    if (std::find(opts.settings.begin(), opts.settings.end(), setting) == opts.settings.end())
      continue;
    const std::string run_name = RunName(opts.run_prefix, setting);
    if (absl::Status s = CheckRunName(run_name); !s.ok())
      return absl::InvalidArgumentError(absl::StrCat("--run-prefix: ", s.message()));
    std::vector<RunTarget> runs;
    for (const TaskSpec& t : tasks) {
      for (auto [a, b] : t.pairs) {
        PairId id{t.repo, t.task_id, a, b};
        RunTarget r;
        r.setting = setting;
        r.run_name = run_name;
        r.record = RecordPath(opts.out, run_name, id);
        r.description = absl::StrFormat("%s %s [%d,%d]", SettingName(setting),
                                        ShortTaskName(t.repo, t.task_id), a, b);
        r.expected_duration_s = ExpectedDuration(id, history);
        r.pair = std::move(id);
        runs.push_back(std::move(r));
      }
    }
    std::stable_sort(runs.begin(), runs.end(), [](const RunTarget& x, const RunTarget& y) {
      if (x.expected_duration_s != y.expected_duration_s)
        return x.expected_duration_s > y.expected_duration_s;
      return x.pair < y.pair;
    });
    for (RunTarget& r : runs) plan.runs.push_back(std::move(r));
  }
  return plan;
}

}  // namespace cb
