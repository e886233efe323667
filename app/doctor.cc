#include "app/doctor.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/disk_check.h"
#include "generator/dataset.h"

namespace cb {
namespace fs = std::filesystem;

RunConfig DoctorConfig(const DoctorArgs& a) {
  RunConfig c;
  const fs::path config_file = fs::path(a.out) / "config.json";
  std::error_code ec;
  if (fs::exists(config_file, ec)) {
    absl::StatusOr<RunConfig> loaded = RunConfig::Load(config_file);
    if (loaded.ok()) c = *loaded;
  } else {
    c.dataset_dir = "dataset";
    c.coop_comm_runs = 1;  // cbgen's default settings include coop-comm
  }
  if (!a.dataset_dir.empty()) c.dataset_dir = a.dataset_dir;
  if (!a.cooperbench.empty()) c.cooperbench = a.cooperbench;
  if (!a.docker.empty()) c.docker = a.docker;
  if (!a.redis_url.empty()) {
    c.SetRedisUrl(a.redis_url);  // shown with its password as ***
    c.RestoreRedisSecret(a.out).IgnoreError();  // a typed *** (PING needs no password)
  }
  if (!a.redis_server.empty()) c.redis_server = a.redis_server;
  if (!a.api_key_env.empty()) {
    c.api_key_env = a.api_key_env;
    c.models.clear();  // the one key named on doctor's command line
  }
  if (!a.model.empty()) c.model = a.model;
  if (a.min_free_gb >= 0) c.min_free_gb = a.min_free_gb;
  if (!a.settings.empty()) {
    c.coop_comm_runs = 0;
    for (const std::string& s : a.settings)
      if (ParseSetting(s) == Setting::kCoopComm) c.coop_comm_runs = 1;
  }
  return c;
}

CheckResult CheckDataset(const std::string& dataset_dir, const std::string& subset) {
  if (subset.empty()) return CheckDatasetDir(dataset_dir);
  CheckResult r{"dataset", false, ""};
  absl::StatusOr<DatasetSelection> sel = SelectTasks(dataset_dir, subset);
  if (!sel.ok()) {
    r.detail = std::string(sel.status().message());
    return r;
  }
  size_t pairs = 0;
  for (const TaskSpec& t : sel->tasks) pairs += t.pairs.size();
  r.ok = !sel->tasks.empty();
  r.detail = absl::StrCat(dataset_dir, ", subset ", subset, ": ", sel->tasks.size(), " tasks, ",
                          pairs, " pairs", r.ok ? "" : " (an empty subset: nothing to run)");
  return r;
}

bool DoctorNeedsDocker(const DoctorArgs& a, const RunConfig& config) {
  if (!a.backend.empty()) return a.backend == "docker";
  std::error_code ec;
  if (fs::exists(fs::path(a.out) / "config.json", ec)) return config.image_targets > 0;
  return true;
}

int RunDoctor(const DoctorArgs& a, std::ostream& os) {
  const RunConfig config = DoctorConfig(a);
  std::vector<CheckResult> checks;
  if (DoctorNeedsDocker(a, config)) {
    checks.push_back(
        CheckDocker(config, ImagesStillToPull(fs::path(a.out) / "images", config.image_targets)));
  } else {
    // As the build's preflight: a cloud backend has no image to pull and no sandbox here.
    checks.push_back(
        {"docker", true,
         a.backend.empty()
             ? absl::StrCat("not needed: the build in ", a.out,
                            " has no image to pull (a cloud backend runs its sandboxes)")
             : absl::StrCat("not needed: the ", a.backend,
                            " backend runs the sandboxes (no image to pull here)")});
  }
  CooperbenchRelease release;
  checks.push_back(CheckCooperbench(config, &release));
  if (checks.back().ok) {
    if (config.models.size() < 2) checks.push_back(CheckModelPrice(release, config.model));
    for (size_t i = 0; config.models.size() > 1 && i < config.models.size(); ++i)
      checks.push_back(CheckModelPrice(release, config.models[i].model));
  }
  // Every provider's key by its variable's name (never its value); with
  // several providers, which models each one serves.
  for (const std::string& var : config.KeyVariables()) {
    checks.push_back(CheckApiKey(var, std::getenv(var.c_str())));
    const std::string models = config.ModelsUsing(var);
    if (config.Providers().size() > 1 && !models.empty())
      checks.back().detail += absl::StrCat(" (for ", models, ")");
  }
  if (config.coop_comm_runs > 0) checks.push_back(CheckRedis(config));
  checks.push_back(CheckDataset(config.dataset_dir, a.subset));
  int failed = 0, warned = 0;
  // What the checks quote (cooperbench's own output among it) without secrets.
  const Redactor redactor = config.MakeRedactor();
  for (const CheckResult& c : checks) {
    os << redactor.Redact(FormatCheck(c)) << "\n";
    if (!c.ok) ++failed;
    if (c.ok && c.warning) ++warned;
  }
  if (failed == 0) {
    os << "doctor: all " << checks.size() << " checks passed";
    if (warned > 0) os << " (" << warned << " with a warning)";
    os << "\n";
    return 0;
  }
  os << "doctor: " << failed << " of " << checks.size() << " checks failed\n";
  return 1;
}

}  // namespace cb
