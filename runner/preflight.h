// The checks that must pass before a build pulls or runs anything (Docker,
// cooperbench, the API key, Redis for coop-comm, the dataset), shared by
// `cbgen doctor` (which prints them) and cbrun (which runs them once per
// `ninja` invocation and stops the build when one fails).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/run_config.h"

namespace cb {

struct CheckResult {
  std::string name;    // "docker", "cooperbench", "COHERE_API_KEY", "redis", "dataset"
  bool ok = false;
  std::string detail;  // what was found, or what is wrong and the fix
};

// "ok    docker: ..." / "FAIL  COHERE_API_KEY: ...".
std::string FormatCheck(const CheckResult& c);

// Docker daemon reachable; its root dir's free space against `images_to_pull`.
CheckResult CheckDocker(const RunConfig& config, int images_to_pull);
// cooperbench found and `cooperbench --version` answers.
CheckResult CheckCooperbench(const RunConfig& config);
// Pure: the API key variable is set and not empty. Never holds the value.
CheckResult CheckApiKey(const std::string& env_name, const char* value);
// Redis answers at config.redis_url, or cbrun can start it (loopback URL and
// redis-server found). Starts nothing.
CheckResult CheckRedis(const RunConfig& config);
// The dataset folder exists and can be listed.
CheckResult CheckDatasetDir(const std::string& dataset_dir);

// cbrun's set of checks for this build (Docker only with image targets,
// Redis only with coop-comm targets).
std::vector<CheckResult> PreflightChecks(const RunConfig& config,
                                         const std::filesystem::path& out_dir);

// One process as /proc/<pid>/stat shows it.
struct ProcStat {
  std::string comm;
  int ppid = 0;
  unsigned long long start_time = 0;  // clock ticks after boot
};
// Pure: parses the text of /proc/<pid>/stat.
std::optional<ProcStat> ParseProcStat(const std::string& text);

// The nearest `ninja` among cbrun's ancestors: its pid and start time.
struct NinjaProcess {
  int pid = 0;
  unsigned long long start_time = 0;
};
std::optional<NinjaProcess> FindNinjaAncestor();

// Runs PreflightChecks once per ninja invocation: the first cbrun checks
// (under OUT/services/preflight.lock) and leaves the verdict in
// OUT/services/preflight-<ninja pid>-<start time>.json; the others read it.
// An error names every failed check and the fix.
absl::Status Preflight(const RunConfig& config, const std::filesystem::path& out_dir);

}  // namespace cb
