#include "generator/plan.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/provider.h"

namespace cb {

std::string DefaultRunPrefix(absl::string_view model) {
  std::string name(model.substr(
      model.find_last_of('/') == absl::string_view::npos ? 0 : model.find_last_of('/') + 1));
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

std::vector<ModelRun> ExperimentOptions::Models() const {
  if (!models.empty()) return models;
  return {ModelRun{model, run_prefix, ProviderOf(model)}};
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

PairId Plan::Pair(const RunTarget& run) const {
  const PlannedTask& t = tasks[run.task];
  return PairId{t.repo, t.task_id, run.feature_a, run.feature_b};
}

std::string Plan::RunName(const RunTarget& run) const {
  return cb::RunName(models.empty() ? run_prefix : models[run.model].run_prefix, run.setting);
}

std::string Plan::RecordPath(const RunTarget& run) const {
  return RecordPathText(out, RunName(run), Pair(run));
}

void AppendRunDescription(std::string* text, absl::string_view setting_name,
                          absl::string_view short_name, int feature_a, int feature_b) {
  absl::StrAppend(text, setting_name, " ", short_name, " [", feature_a, ",", feature_b, "]");
}

std::string Plan::Description(const RunTarget& run) const {
  std::string text;
  if (models.size() > 1) absl::StrAppend(&text, models[run.model].run_prefix, " ");
  AppendRunDescription(&text, SettingName(run.setting), tasks[run.task].short_name, run.feature_a,
                       run.feature_b);
  return text;
}

double ExpectedDuration(const PairId& pair, const DurationHistory& history) {
  return DurationEstimate(history).For(pair);
}

namespace {

// The records of `recorded` that no run of the plan names, as build.ninja
// names them, sorted. A record is planned when its run folder is the run name
// of a chosen setting, its task is in the subset and its pair among the
// task's pairs: a lookup per record, nothing per run target.
std::vector<std::string> RecordsLeftOut(const std::vector<TaskSpec>& tasks,
                                        const ExperimentOptions& opts,
                                        const std::vector<RecordedPair>& recorded) {
  std::vector<std::string> kept;
  if (recorded.empty()) return kept;
  std::set<std::string> planned_runs;
  for (const ModelRun& m : opts.Models())
    for (Setting setting : opts.settings) planned_runs.insert(RunName(m.run_prefix, setting));
  std::map<std::pair<absl::string_view, long long>, const TaskSpec*> by_task;
  for (const TaskSpec& t : tasks) by_task[{t.repo, t.task_id}] = &t;
  for (const RecordedPair& rec : recorded) {
    const PairId& p = rec.pair;
    bool planned = false;
    if (planned_runs.count(rec.run_name)) {
      auto it = by_task.find({p.repo, p.task_id});
      planned = it != by_task.end() &&
                std::find(it->second->pairs.begin(), it->second->pairs.end(),
                          std::pair<int, int>{p.feature_a, p.feature_b}) != it->second->pairs.end();
    }
    if (!planned) kept.push_back(RecordPathText(opts.out.string(), rec.run_name, p));
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

// The names build.ninja gives phony targets besides the records: "all",
// "images", the settings and, in a matrix, each model's run prefix and run names.
absl::Status CheckTargetNames(const std::vector<ModelRun>& models,
                              const std::vector<Setting>& settings) {
  std::map<std::string, std::string> taken = {{"all", "a Ninja target"},
                                              {"images", "a Ninja target"}};
  for (Setting s : AllSettings()) taken[std::string(SettingName(s))] = "a setting's target";
  if (models.size() < 2) return absl::OkStatus();
  for (const ModelRun& m : models) {
    std::vector<std::string> names = {m.run_prefix};
    for (Setting s : settings) names.push_back(RunName(m.run_prefix, s));
    for (const std::string& name : names) {
      const std::string what = absl::StrCat("model ", m.model, "'s target");
      auto [it, inserted] = taken.emplace(name, what);
      if (!inserted)
        return absl::InvalidArgumentError(absl::StrCat(
            "--models: ", what, " \"", name, "\" is also ", it->second,
            ": give the model another prefix with --run-prefix ", m.model, "=PREFIX"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckModels(const std::vector<ModelRun>& models, const std::vector<Setting>& settings) {
  if (models.empty()) return absl::InvalidArgumentError("--model must not be empty");
  std::map<std::string, std::string> prefixes;  // prefix -> model
  std::set<std::string> names;
  for (const ModelRun& m : models) {
    if (m.model.empty()) return absl::InvalidArgumentError("--model must not be empty");
    if (!names.insert(m.model).second)
      return absl::InvalidArgumentError(
          absl::StrCat("--models: ", m.model, " is named twice: name each model once"));
    for (Setting setting : settings) {
      if (absl::Status s = CheckRunName(RunName(m.run_prefix, setting)); !s.ok())
        return absl::InvalidArgumentError(absl::StrCat("--run-prefix: ", s.message()));
    }
    auto [it, inserted] = prefixes.emplace(m.run_prefix, m.model);
    if (!inserted)
      return absl::InvalidArgumentError(absl::StrCat(
          "--models: ", it->second, " and ", m.model, " would both run as \"", m.run_prefix,
          "-...\": give one of them its own prefix, e.g. --run-prefix ", m.model, "=",
          m.run_prefix, "-2"));
  }
  return CheckTargetNames(models, settings);
}

absl::StatusOr<Plan> MakePlan(const std::vector<TaskSpec>& tasks, const ExperimentOptions& opts,
                              const DurationHistory& history,
                              const std::vector<RecordedPair>& recorded) {
  static const std::set<std::string> kBackends = {"docker", "modal", "gcp"};
  if (!kBackends.count(opts.backend))
    return absl::InvalidArgumentError(
        absl::StrCat("unknown backend \"", opts.backend, "\": use docker, modal or gcp"));
  if (opts.settings.empty())
    return absl::InvalidArgumentError("no settings chosen: use solo, coop-comm, coop-nocomm");
  Plan plan;
  plan.out = opts.out.string();
  plan.run_prefix = opts.run_prefix;
  plan.models = opts.Models();
  if (absl::Status s = CheckModels(plan.models, opts.settings); !s.ok()) return s;
  plan.tasks.reserve(tasks.size());
  for (const TaskSpec& t : tasks)
    plan.tasks.push_back(PlannedTask{t.repo, t.task_id, ShortTaskName(t.repo, t.task_id)});
  if (opts.backend == "docker") {
    for (const TaskSpec& t : tasks) {
      plan.images.push_back(ImageTarget{t.repo, t.task_id, CanonicalImageName(t.repo, t.task_id),
                                        ImageStampPath(opts.out, t.repo, t.task_id)});
    }
  }
  // One setting's order (longest expected first, then by name) serves them all.
  const DurationEstimate estimate(history);
  std::vector<RunTarget> order;
  for (uint32_t i = 0; i < tasks.size(); ++i) {
    const TaskSpec& t = tasks[i];
    for (auto [a, b] : t.pairs)
      order.push_back(RunTarget{Setting::kSolo, 0, i, a, b,
                                estimate.For(PairId{t.repo, t.task_id, a, b})});
  }
  std::stable_sort(order.begin(), order.end(), [&](const RunTarget& x, const RunTarget& y) {
    if (x.expected_duration_s != y.expected_duration_s)
      return x.expected_duration_s > y.expected_duration_s;
    const TaskSpec& tx = tasks[x.task];
    const TaskSpec& ty = tasks[y.task];
    return std::tie(tx.repo, tx.task_id, x.feature_a, x.feature_b) <
           std::tie(ty.repo, ty.task_id, y.feature_a, y.feature_b);
  });
  // Settings in priority order whatever order the user listed them in.
  for (Setting setting : AllSettings()) {
    if (std::find(opts.settings.begin(), opts.settings.end(), setting) == opts.settings.end())
      continue;
    // Models interleaved, so that every provider's pool has work from the start.
    plan.runs.reserve(plan.runs.size() + order.size() * plan.models.size());
    for (RunTarget run : order) {
      run.setting = setting;
      for (size_t m = 0; m < plan.models.size(); ++m) {
        run.model = static_cast<uint16_t>(m);
        plan.runs.push_back(run);
      }
    }
  }
  plan.kept_records = RecordsLeftOut(tasks, opts, recorded);
  return plan;
}

}  // namespace cb
