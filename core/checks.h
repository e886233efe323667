// The checks that must pass before a build pulls or runs anything (Docker,
// cooperbench, the API key, Redis for coop-comm, the dataset), shared by
// `cbgen doctor` (which prints them) and cbrun's preflight (runner/preflight.h,
// which runs them once per `ninja` invocation and stops the build when one fails).
#pragma once

#include <string>

#include "core/cooperbench_release.h"
#include "core/run_config.h"

namespace cb {

struct CheckResult {
  std::string name;  // "docker", "cooperbench", "COHERE_API_KEY", "redis", "dataset"
  bool ok = false;
  std::string detail;    // what was found, or what is wrong and the fix
  bool warning = false;  // ok, but the user should know (printed "warn")
};

// "ok    docker: ..." / "FAIL  COHERE_API_KEY: ...".
std::string FormatCheck(const CheckResult& c);

// Docker daemon reachable; its root dir's free space against `images_to_pull`.
CheckResult CheckDocker(const RunConfig& config, int images_to_pull);
// cooperbench found, its release read and not older than the oldest
// supported; a release newer than the tested ones passes with a warning that
// says what is known to differ (`release`, when given, receives what was found).
CheckResult CheckCooperbench(const RunConfig& config, CooperbenchRelease* release = nullptr);
// Whether cooperbench's own litellm can price config.model (a warning, not a
// failure: upstream then records a cost of 0, which cbrun records as unknown).
CheckResult CheckModelPrice(const CooperbenchRelease& release, const std::string& model);
// Pure: the API key variable is set and not empty. Never holds the value.
CheckResult CheckApiKey(const std::string& env_name, const char* value);
// Redis answers at config.redis_url, or cbrun can start it (loopback URL and
// redis-server found). Starts nothing.
CheckResult CheckRedis(const RunConfig& config);
// The dataset folder exists and can be listed.
CheckResult CheckDatasetDir(const std::string& dataset_dir);

}  // namespace cb
