// cbrun's preflight: the checks of core/checks.h this build needs, run once
// per `ninja` invocation (the first cbrun checks, the others read its
// verdict); the build stops when one fails.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/checks.h"
#include "core/cooperbench_release.h"
#include "core/run_config.h"
#include "runner/reporter.h"

namespace cb {

// cbrun's set of checks for this build (Docker only with image targets,
// Redis only with coop-comm targets).
// `release`, when given, receives the cooperbench release found.
std::vector<CheckResult> PreflightChecks(const RunConfig& config,
                                         const std::filesystem::path& out_dir,
                                         CooperbenchRelease* release = nullptr);

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
// An error names every failed check and the fix. A check that passed with a
// warning (a cooperbench newer than the tested releases) is told to
// `reporter` by the cbrun that ran the checks: once per ninja. `release`,
// when given, receives the cooperbench release the checks found (the
// verdict file keeps it for the other cbruns).
absl::Status Preflight(const RunConfig& config, const std::filesystem::path& out_dir,
                       Reporter& reporter, std::optional<CooperbenchRelease>* release = nullptr);

}  // namespace cb
