#include "generator/plan.h"

#include <algorithm>
#include <regex>
#include <set>
#include <tuple>
#include <vector>

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

DurationEstimate::DurationEstimate(const DurationHistory& history) : history_(history) {
  if (history.empty()) return;
  std::map<std::pair<std::string, long long>, std::pair<double, int>> sums;
  std::vector<double> all;
  all.reserve(history.size());
  for (const auto& [id, d] : history) {
    auto& [sum, n] = sums[{id.repo, id.task_id}];
    sum += d;
    ++n;
    all.push_back(d);
  }
  for (const auto& [task, sn] : sums) task_mean_[task] = sn.first / sn.second;
  std::nth_element(all.begin(), all.begin() + all.size() / 2, all.end());
  median_ = all[all.size() / 2];
}

double DurationEstimate::For(const PairId& pair) const {
  if (history_.empty()) return 0;
  if (auto it = history_.find(pair); it != history_.end()) return it->second;
  if (auto it = task_mean_.find({pair.repo, pair.task_id}); it != task_mean_.end())
    return it->second;
  return median_;
}

double ExpectedDuration(const PairId& pair, const DurationHistory& history) {
  return DurationEstimate(history).For(pair);
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
  // Order light keys, then build each RunTarget once, in place: sorting
  // 135,000 full targets (strings, paths) would cost more than making them.
  struct Key {
    double expected_s;
    const TaskSpec* task;
    std::string short_name;  // shared by the task's pairs
    int a, b;
  };
  const DurationEstimate estimate(history);
  std::vector<Key> keys;
  for (const TaskSpec& t : tasks) {
    const std::string short_name = ShortTaskName(t.repo, t.task_id);
    for (auto [a, b] : t.pairs)
      keys.push_back(Key{estimate.For(PairId{t.repo, t.task_id, a, b}), &t, short_name, a, b});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) {
    if (x.expected_s != y.expected_s) return x.expected_s > y.expected_s;
    return std::tie(x.task->repo, x.task->task_id, x.a, x.b) <
           std::tie(y.task->repo, y.task->task_id, y.a, y.b);
  });

  const std::string out = opts.out.string();
  // Settings in priority order whatever order the user listed them in.
  for (Setting setting : AllSettings()) {
    if (std::find(opts.settings.begin(), opts.settings.end(), setting) == opts.settings.end())
      continue;
    const std::string run_name = RunName(opts.run_prefix, setting);
    if (absl::Status s = CheckRunName(run_name); !s.ok())
      return absl::InvalidArgumentError(absl::StrCat("--run-prefix: ", s.message()));
    const absl::string_view setting_name = SettingName(setting);
    plan.runs.reserve(plan.runs.size() + keys.size());
    for (const Key& k : keys) {
      RunTarget& r = plan.runs.emplace_back();
      r.setting = setting;
      r.run_name = run_name;
      r.pair = PairId{k.task->repo, k.task->task_id, k.a, k.b};
      r.record = RecordPathText(out, run_name, r.pair);
      r.description = absl::StrCat(setting_name, " ", k.short_name, " [", k.a, ",", k.b, "]");
      r.expected_duration_s = k.expected_s;
    }
  }
  return plan;
}

}  // namespace cb
