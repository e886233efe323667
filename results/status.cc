#include "results/status.h"

#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "core/naming.h"
#include "core/provider.h"
#include "results/report_summary.h"
#include "util/file_lock.h"
#include "util/json_read.h"

namespace cb {
namespace fs = std::filesystem;

std::vector<RunningPair> FindRunningPairs(const fs::path& out,
                                          const std::map<std::string, Setting>& run_settings) {
  std::vector<RunningPair> running;
  std::error_code ec;
  const fs::path logs = out / "logs";
  if (!fs::is_directory(logs, ec)) return running;
  // logs/RUN/REPO/taskID/fA_fB/.lock
  for (auto it = fs::recursive_directory_iterator(logs, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it.depth() >= 4) it.disable_recursion_pending();  // attempt folders: not needed
    if (it.depth() != 4 || it->path().filename() != ".lock") continue;
    const fs::path pair_dir = it->path().parent_path();
    RunningPair r;
    r.run_name = pair_dir.parent_path().parent_path().parent_path().filename().string();
    r.pair.repo = pair_dir.parent_path().parent_path().filename().string();
    const std::optional<long long> task_id =
        ParseTaskFolder(pair_dir.parent_path().filename().string());
    const std::optional<std::pair<int, int>> features =
        ParsePairFolder(pair_dir.filename().string());
    if (!task_id || !features) continue;
    r.pair.task_id = *task_id;
    std::tie(r.pair.feature_a, r.pair.feature_b) = *features;
    if (!FileLock::Held(it->path())) continue;
    auto known = run_settings.find(r.run_name);
    r.setting = known != run_settings.end() ? std::optional<Setting>(known->second)
                                            : SettingFromRunName(r.run_name);
    absl::StatusOr<boost::json::value> current = ReadJsonFile(pair_dir / "current.json");
    if (current.ok()) {
      r.attempt = static_cast<int>(IntField(*current, "attempt").value_or(0));
      r.previous_reason = StringField(*current, "previous_reason").value_or("");
      absl::Time t;
      std::string err;
      if (std::optional<std::string> s = StringField(*current, "started_at");
          s && absl::ParseTime(absl::RFC3339_full, *s, &t, &err))
        r.attempt_started = t;
    }
    running.push_back(std::move(r));
  }
  std::sort(running.begin(), running.end(), [](const RunningPair& x, const RunningPair& y) {
    return std::tie(x.run_name, x.pair) < std::tie(y.run_name, y.pair);
  });
  return running;
}

namespace {

// A (setting, run, pair): runs of several models share their pairs, never
// their records.
using Key = std::tuple<Setting, std::string, PairId>;

void CountRecord(const RecordRow& r, const CostBases& bases, SettingProgress* p) {
  ++p->done;
  switch (r.tag) {
    case Tag::kPass: ++p->pass; break;
    case Tag::kFail: ++p->fail; break;
    case Tag::kInfraError: ++p->infra_error; break;
  }
  p->cost_usd += r.cost_usd;
  p->cost_unknown_attempts += r.cost_unknown_attempts;
  p->cost_estimate.Add(r, bases);
}

RunProgress& RunOf(StatusView* v, const std::string& run_name, const std::string& model,
                   Setting setting) {
  RunProgress& run = v->runs[run_name];
  if (run.model.empty()) run.model = model;
  run.setting = setting;
  return run;
}

// Counts the records into `v`; returns their (run, pair)s.
std::set<Key> CountRecords(const std::vector<RecordRow>& rows, StatusView* v) {
  std::set<Key> recorded;
  double duration_sum = 0;
  v->cost_bases = BuildCostBases(rows);
  for (const RecordRow& r : rows) {
    CountRecord(r, v->cost_bases, &v->settings[r.setting]);
    CountRecord(r, v->cost_bases, &RunOf(v, r.run_name, r.model, r.setting).progress);
    v->spend_usd += r.cost_usd;
    v->cost_unknown_attempts += r.cost_unknown_attempts;
    v->cost_estimate.Add(r, v->cost_bases);
    duration_sum += r.duration_s;
    recorded.insert({r.setting, r.run_name, r.pair});
  }
  v->finished = static_cast<long long>(rows.size());
  if (!rows.empty()) v->mean_duration_s = duration_sum / static_cast<double>(rows.size());
  return recorded;
}

// The work left (pending pairs, and what remains of the running ones at the
// mean duration) spread over the pairs running in parallel.
std::optional<double> Eta(const StatusView& v, long long pending, size_t parallel, absl::Time now) {
  if (!v.mean_duration_s) return std::nullopt;
  double work = static_cast<double>(pending) * *v.mean_duration_s;
  for (const RunningPair& r : v.running) {
    const double elapsed = r.attempt_started ? absl::ToDoubleSeconds(now - *r.attempt_started) : 0;
    work += std::max(0.0, *v.mean_duration_s - elapsed);
  }
  return work / std::max<double>(1, static_cast<double>(parallel));
}

}  // namespace

StatusView ComputeStatus(const std::optional<std::vector<PlannedRun>>& planned,
                         const std::vector<RecordRow>& rows,
                         const std::vector<RunningPair>& running, absl::Time now) {
  StatusView v;
  v.plan_known = planned.has_value();
  v.running = running;
  for (Setting s : AllSettings()) v.settings[s];
  std::map<std::string, std::string> model_of;  // run name -> model, from the plan
  if (planned)
    for (const PlannedRun& p : *planned) model_of.emplace(p.run_name, p.model);
  const std::set<Key> recorded = CountRecords(rows, &v);
  std::set<Key> busy, all = recorded;
  for (const RunningPair& r : running) {
    if (!r.setting || recorded.count({*r.setting, r.run_name, r.pair})) continue;
    ++v.settings[*r.setting].running;
    RunProgress& run = RunOf(&v, r.run_name, model_of[r.run_name], *r.setting);
    ++run.progress.running;
    ++v.providers[ProviderOf(run.model)].running;
    busy.insert({*r.setting, r.run_name, r.pair});
    all.insert({*r.setting, r.run_name, r.pair});
  }
  long long pending = 0;
  if (planned) {
    for (const PlannedRun& p : *planned) {
      const Key k{p.setting, p.run_name, p.pair};
      if (recorded.count(k) || busy.count(k)) continue;
      ++v.settings[p.setting].pending;
      ++RunOf(&v, p.run_name, p.model, p.setting).progress.pending;
      ProviderProgress& provider = v.providers[ProviderOf(p.model)];
      ++provider.pending;
      ++provider.pending_by_run[p.run_name];
      ++pending;
      all.insert(k);
    }
  }
  std::set<std::string> models;
  for (auto& [run_name, run] : v.runs) models.insert(run.model);
  v.several_models = models.size() > 1;
  for (const auto& [setting, run_name, pair] : all) {
    v.built.insert(setting);
    ++v.settings[setting].pairs;
    ++v.runs[run_name].progress.pairs;
  }
  v.pending = pending;
  if (!busy.empty() || pending == 0) v.eta_s = Eta(v, pending, busy.size(), now);
  if (busy.empty() && pending == 0 && v.plan_known) v.eta_s = 0;
  return v;
}

std::string FormatDuration(double seconds) {
  const long long s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return absl::StrFormat("%dh%02dm", s / 3600, (s % 3600) / 60);
  if (s >= 60) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%ds", s);
}

namespace {

std::string Describe(const RunningPair& r) {
  return absl::StrFormat("%s %s [%d,%d]", r.setting ? SettingName(*r.setting) : r.run_name,
                         ShortTaskName(r.pair.repo, r.pair.task_id), r.pair.feature_a,
                         r.pair.feature_b);
}

}  // namespace

namespace {

void WriteProgressRow(absl::string_view name, const SettingProgress& p, bool plan_known,
                      std::ostream& os) {
  os << absl::StrFormat("%-12s %6d %6d %8d %8s %6d %6d %6d %10.2f\n", name, p.pairs, p.done,
                        p.running, plan_known ? absl::StrCat(p.pending) : "?", p.pass, p.fail,
                        p.infra_error, p.cost_usd);
}

// A build of several models: a row per model and setting, then each
// provider's runs running and waiting for its pool.
void WriteRunsText(const StatusView& v, std::ostream& os) {
  size_t width = 5;
  for (const auto& [name, run] : v.runs) width = std::max(width, run.model.size());
  os << absl::StrFormat("%-*s ", width, "model");
  os << absl::StrFormat("%-12s %6s %6s %8s %8s %6s %6s %6s %10s\n", "setting", "pairs", "done",
                        "running", "pending", "pass", "fail", "infra", "spend USD");
  for (const auto& [name, run] : v.runs) {
    os << absl::StrFormat("%-*s ", width, run.model.empty() ? "?" : run.model);
    WriteProgressRow(SettingName(run.setting), run.progress, v.plan_known, os);
  }
  for (const auto& [provider, p] : v.providers) {
    std::string waiting;
    for (const auto& [run_name, n] : p.pending_by_run)
      absl::StrAppend(&waiting, waiting.empty() ? "" : ", ", run_name, " ", n);
    os << absl::StrFormat("provider %s: %d running, %d waiting for its pool%s\n",
                          provider.empty() ? "(unknown)" : provider, p.running, p.pending,
                          waiting.empty() ? "" : absl::StrCat(" (", waiting, ")"));
  }
}

}  // namespace

void WriteStatusText(const StatusView& v, absl::Time now, std::ostream& os) {
  if (v.several_models) {
    WriteRunsText(v, os);
  } else {
    os << absl::StrFormat("%-12s %6s %6s %8s %8s %6s %6s %6s %10s\n", "setting", "pairs", "done",
                          "running", "pending", "pass", "fail", "infra", "spend USD");
    for (const auto& [st, p] : v.settings)
      if (v.built.count(st)) WriteProgressRow(SettingName(st), p, v.plan_known, os);
  }
  if (!v.plan_known) os << "(no plan.json in OUT: pending unknown; run cbgen again to write it)\n";
  os << absl::StrFormat(
      "spend so far: $%.2f over %d finished pairs (all attempts; attempts still "
      "running are not counted yet)\n",
      v.spend_usd, v.finished);
  if (v.cost_unknown_attempts > 0) {
    std::string per_setting;
    for (const auto& [st, p] : v.settings)
      if (p.cost_unknown_attempts > 0)
        absl::StrAppend(&per_setting, per_setting.empty() ? "" : ", ", SettingName(st), " ",
                        p.cost_unknown_attempts);
    os << absl::StrFormat("cost unknown for %d attempt%s (%s), not in the spend: %s\n",
                          v.cost_unknown_attempts, v.cost_unknown_attempts == 1 ? "" : "s",
                          per_setting, kCostUnknownWhy);
    std::string estimates;
    for (const auto& [st, p] : v.settings)
      if (p.cost_unknown_attempts > 0)
        absl::StrAppend(&estimates, estimates.empty() ? "" : ", ", SettingName(st), " ",
                        FormatEstimate(p.cost_estimate));
    const std::optional<double> estimate = v.cost_estimate.estimate_usd();
    os << absl::StrFormat(
        "estimated cost of those attempts: %s (%s), ESTIMATE; known spend + estimate = %s; "
        "basis: %s\n",
        FormatEstimate(v.cost_estimate), estimates,
        estimate ? absl::StrFormat("$%.2f", v.spend_usd + *estimate) : std::string("unknown"),
        DescribeBasis(v.cost_estimate, v.cost_bases));
  }
  os << "running (" << v.running.size() << "):\n";
  for (const RunningPair& r : v.running) {
    os << "  " << Describe(r);
    if (r.attempt > 0) os << "  attempt " << r.attempt;
    if (r.attempt_started)
      os << "  elapsed " << FormatDuration(absl::ToDoubleSeconds(now - *r.attempt_started));
    if (!r.previous_reason.empty()) os << "  (retry: previous attempt " << r.previous_reason << ")";
    os << "\n";
  }
  if (v.running.empty() && v.plan_known && v.pending == 0) {
    os << "done: every planned pair has a record\n";
  } else if (v.running.empty()) {
    os << "ETA: none while nothing runs";
    if (v.plan_known)
      os << absl::StrFormat(" (%d pair%s pending: `ninja` runs them)", v.pending,
                            v.pending == 1 ? "" : "s");
    os << "\n";
  } else if (v.eta_s) {
    os << "ETA: ~" << FormatDuration(*v.eta_s)
       << absl::StrFormat(" (mean %.1fs over %d finished pairs, %d running in parallel)\n",
                          *v.mean_duration_s, v.finished, v.running.size());
  } else {
    os << "ETA: unknown until a pair finishes\n";
  }
}

namespace {
boost::json::value OptionalNumber(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object ProgressJson(const SettingProgress& p, bool plan_known) {
  return boost::json::object{
      {"pairs", p.pairs},
      {"done", p.done},
      {"running", p.running},
      {"pending", plan_known ? boost::json::value(p.pending) : boost::json::value(nullptr)},
      {"pass", p.pass},
      {"fail", p.fail},
      {"infra_error", p.infra_error},
      {"cost_usd", p.cost_usd},
      {"cost_unknown_attempts", p.cost_unknown_attempts},
      {"cost_estimate_usd", OptionalNumber(p.cost_estimate.estimate_usd())}};
}

// "models": {MODEL: {SETTING: {...}}}, "providers": {PROVIDER: {...}}.
void AddRunsJson(const StatusView& v, boost::json::object* root) {
  boost::json::object models;
  for (const auto& [name, run] : v.runs) {
    boost::json::object entry = ProgressJson(run.progress, v.plan_known);
    entry["run_name"] = name;
    boost::json::value& model = models[run.model];
    if (!model.is_object()) model.emplace_object();
    model.as_object()[std::string(SettingName(run.setting))] = std::move(entry);
  }
  boost::json::object providers;
  for (const auto& [provider, p] : v.providers) {
    boost::json::object waiting;
    for (const auto& [run_name, n] : p.pending_by_run) waiting[run_name] = n;
    providers[provider] = boost::json::object{
        {"running", p.running}, {"pending", p.pending}, {"pending_by_run", std::move(waiting)}};
  }
  (*root)["models"] = std::move(models);
  (*root)["providers"] = std::move(providers);
}

}  // namespace

boost::json::object StatusToJson(const StatusView& v, absl::Time now) {
  boost::json::object root;
  boost::json::object settings;
  for (const auto& [st, p] : v.settings)
    settings[std::string(SettingName(st))] = ProgressJson(p, v.plan_known);
  root["settings"] = std::move(settings);
  if (v.several_models) AddRunsJson(v, &root);
  root["spend_usd"] = v.spend_usd;
  root["cost_unknown_attempts"] = v.cost_unknown_attempts;
  root["cost_estimate"] =
      boost::json::object{{"estimate_usd", OptionalNumber(v.cost_estimate.estimate_usd())},
                          {"estimated_attempts", v.cost_estimate.estimated_attempts},
                          {"basis", DescribeBasis(v.cost_estimate, v.cost_bases)},
                          {"method", kEstimateMethod}};
  root["finished"] = v.finished;
  boost::json::array running;
  for (const RunningPair& r : v.running) {
    boost::json::object o{
        {"setting", r.setting ? boost::json::value(std::string(SettingName(*r.setting)))
                              : boost::json::value(nullptr)},
        {"run_name", r.run_name},
        {"repo", r.pair.repo},
        {"task_id", r.pair.task_id},
        {"features", boost::json::array{r.pair.feature_a, r.pair.feature_b}},
        {"attempt", r.attempt},
        {"previous_reason", r.previous_reason.empty() ? boost::json::value(nullptr)
                                                      : boost::json::value(r.previous_reason)},
        {"elapsed_s", r.attempt_started
                          ? boost::json::value(absl::ToDoubleSeconds(now - *r.attempt_started))
                          : boost::json::value(nullptr)}};
    running.push_back(std::move(o));
  }
  root["running"] = std::move(running);
  root["eta_s"] = v.eta_s ? boost::json::value(*v.eta_s) : boost::json::value(nullptr);
  return root;
}

absl::Status RunStatus(const StatusArgs& args, std::ostream& os) {
  const fs::path out = args.out;
  std::error_code ec;
  if (!fs::is_directory(out, ec))
    return absl::NotFoundError(absl::StrCat(
        "--out ", out.string(), ": no such folder; has ninja started? (or pass cbgen's --out)"));
  // A --build-file that does not exist leaves the plan unknown, as it always did.
  std::optional<std::vector<PlannedRun>> planned;
  if (args.build_file.empty() || fs::exists(args.build_file, ec)) {
    absl::StatusOr<std::optional<PlanFile>> plan = ReadPlanOf(out, args.build_file);
    if (!plan.ok()) return plan.status();
    if (plan->has_value()) planned = std::move((*plan)->runs);
  }
  std::map<std::string, Setting> run_settings;
  if (planned)
    for (const PlannedRun& p : *planned) run_settings[p.run_name] = p.setting;
  // Records first: a pair that finishes between the two scans counts as done, not twice.
  RecordSet records = LoadRecords(out);
  std::vector<RunningPair> running = FindRunningPairs(out, run_settings);
  const absl::Time now = absl::Now();
  StatusView view = ComputeStatus(planned, records.rows, running, now);
  if (args.json) {
    os << PrettyJson(StatusToJson(view, now));
  } else {
    os << "cbgen status: " << out.string() << "/ at "
       << absl::FormatTime("%H:%M:%S UTC", now, absl::UTCTimeZone()) << "\n";
    WriteStatusText(view, now, os);
  }
  return absl::OkStatus();
}

}  // namespace cb
