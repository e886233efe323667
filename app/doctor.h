// `cbgen doctor [SUBSET]`: one line per check with a clear verdict: the Docker
// daemon and its root dir's free space, cooperbench and its version, the API
// key variable (never its value), Redis for coop-comm (reachable or
// startable), the dataset and subset. Exits non-zero when any check fails.
// Settings come from OUT/config.json when cbgen wrote one; options override.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/checks.h"
#include "core/run_config.h"

namespace cb {

struct DoctorArgs {
  std::string subset;       // empty: the dataset folder only
  std::string out = "out";  // its config.json, when present, gives the defaults
  std::string dataset_dir, cooperbench, docker, redis_url, redis_server, api_key_env, model;
  std::string backend;  // empty: the build's (image targets in its config.json), else docker
  std::vector<std::string> settings;  // empty: from the config, else all three
  double min_free_gb = -1;            // < 0: from the config
};

// The run configuration doctor checks: OUT/config.json (or defaults) with the
// options given on top.
RunConfig DoctorConfig(const DoctorArgs& args);

// The subset check (tasks and pairs the subset selects), or the dataset folder's.
CheckResult CheckDataset(const std::string& dataset_dir, const std::string& subset);

// Whether the build doctor checks runs on the Docker backend: --backend, else the build's
// config.json (image targets only with Docker), else the default, docker.
bool DoctorNeedsDocker(const DoctorArgs& args, const RunConfig& config);

// Runs every check, prints one line each and a summary; returns the exit code.
int RunDoctor(const DoctorArgs& args, std::ostream& os);

}  // namespace cb
