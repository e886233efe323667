#include "runner/preflight.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/atomic_file.h"
#include "common/file_lock.h"
#include "common/json_read.h"
#include "common/redis_url.h"
#include "runner/capture.h"
#include "runner/disk_check.h"
#include "runner/launch.h"
#include "runner/redis_service.h"

namespace cb {
namespace fs = std::filesystem;

std::string FormatCheck(const CheckResult& c) {
  return absl::StrCat(c.ok ? "ok    " : "FAIL  ", c.name, ": ", c.detail);
}

CheckResult CheckDocker(const RunConfig& config, int images_to_pull) {
  CheckResult r{"docker", false, ""};
  Captured v = Capture({config.docker, "version", "--format", "{{.Server.Version}}"}, 60);
  if (!v.started) {
    r.detail = absl::StrCat("cannot run ", config.docker, ": ", v.error,
                            " (install Docker, or pass --docker PATH)");
    return r;
  }
  if (!v.ok()) {
    r.detail = absl::StrCat("the Docker daemon does not answer (", FirstLine(v.output),
                            "): start dockerd, or set DOCKER_HOST");
    return r;
  }
  const std::string version(absl::StripAsciiWhitespace(v.output));
  absl::StatusOr<std::string> root = DockerRootDir(config.docker);
  if (!root.ok()) {
    r.detail = std::string(root.status().message());
    return r;
  }
  absl::StatusOr<uint64_t> free = FreeBytes(*root);
  if (!free.ok()) {
    r.detail = std::string(free.status().message());
    return r;
  }
  if (absl::Status s = CheckDisk({*root, *free, images_to_pull, config.min_free_gb}); !s.ok()) {
    r.detail = std::string(s.message());
    return r;
  }
  r.ok = true;
  r.detail = absl::StrCat("daemon ", version, " answers; root dir ", *root, " has ",
                          FormatBytes(*free), " free");
  if (images_to_pull > 0)
    absl::StrAppend(&r.detail, " (", images_to_pull, " image", images_to_pull == 1 ? "" : "s",
                    " still to pull need ",
                    FormatBytes(static_cast<uint64_t>(config.min_free_gb * 1e9 * images_to_pull)),
                    ")");
  return r;
}

CheckResult CheckCooperbench(const RunConfig& config) {
  CheckResult r{"cooperbench", false, ""};
  const std::string exe = FindExecutable(config.cooperbench);
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0) {
    r.detail = absl::StrCat(config.cooperbench, " not found",
                            config.cooperbench.find('/') == std::string::npos ? " on PATH" : "",
                            ": install it (pip install cooperbench) or pass --cooperbench PATH");
    return r;
  }
  Captured v = Capture({exe, "--version"}, 60);
  if (!v.ok()) {
    r.detail = absl::StrCat(exe, " --version failed: ",
                            v.timed_out ? "no answer in 60s" : FirstLine(v.output));
    return r;
  }
  r.ok = true;
  r.detail = absl::StrCat(exe, " (", FirstLine(v.output), ")");
  return r;
}

CheckResult CheckApiKey(const std::string& env_name, const char* value) {
  CheckResult r{env_name, false, ""};
  if (value == nullptr || *value == '\0') {
    r.detail = absl::StrCat(env_name, " is not set: export ", env_name,
                            "=<your key> before ninja (or pass --api-key-env NAME to cbgen for "
                            "another model's key)");
    return r;
  }
  r.ok = true;
  r.detail = "set (value not shown)";
  return r;
}

CheckResult CheckRedis(const RunConfig& config) {
  CheckResult r{"redis", false, ""};
  absl::StatusOr<RedisUrl> url = ParseRedisUrl(config.redis_url);
  if (!url.ok()) {
    r.detail = std::string(url.status().message());
    return r;
  }
  absl::Status ping = PingRedis(*url, 2);
  if (ping.ok()) {
    r.ok = true;
    r.detail = absl::StrCat("answers PING at ", config.redis_url);
    return r;
  }
  if (absl::Status s = CanStartRedis(config.redis_url, *url); !s.ok()) {
    r.detail = absl::StrCat(s.message(), " (PING: ", ping.message(), ")");
    return r;
  }
  const std::string exe = FindExecutable(config.redis_server);
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0) {
    r.detail = absl::StrCat("nothing answers at ", config.redis_url, " and ", config.redis_server,
                            " is not found: apt-get install redis-server, pass --redis-server "
                            "PATH, or start Redis yourself");
    return r;
  }
  r.ok = true;
  r.detail = absl::StrCat("not running at ", config.redis_url, "; cbrun will start ", exe,
                          " there before the first coop-comm run");
  return r;
}

CheckResult CheckDatasetDir(const std::string& dataset_dir) {
  CheckResult r{"dataset", false, ""};
  std::error_code ec;
  fs::directory_iterator it(dataset_dir, ec);
  if (dataset_dir.empty() || ec) {
    r.detail = absl::StrCat("cannot read ", dataset_dir.empty() ? "(none)" : dataset_dir, ": ",
                            ec ? ec.message() : "no folder",
                            " (run `cooperbench prepare`, or pass --dataset-dir)");
    return r;
  }
  r.ok = true;
  r.detail = absl::StrCat(dataset_dir, " readable");
  return r;
}

std::vector<CheckResult> PreflightChecks(const RunConfig& config, const fs::path&) {
  std::vector<CheckResult> checks;
  // Reachability here; the free space is checked before each pull, when cbrun
  // knows the image is really missing.
  if (config.image_targets > 0) checks.push_back(CheckDocker(config, 0));
  checks.push_back(CheckCooperbench(config));
  checks.push_back(CheckApiKey(config.api_key_env, std::getenv(config.api_key_env.c_str())));
  if (config.coop_comm_runs > 0) checks.push_back(CheckRedis(config));
  if (!config.dataset_dir.empty()) checks.push_back(CheckDatasetDir(config.dataset_dir));
  return checks;
}

std::optional<ProcStat> ParseProcStat(const std::string& text) {
  // "PID (COMM) STATE PPID ..." where COMM may hold spaces and parentheses.
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  ProcStat s;
  s.comm = text.substr(open + 1, close - open - 1);
  std::vector<absl::string_view> f =
      absl::StrSplit(absl::string_view(text).substr(close + 1), ' ', absl::SkipEmpty());
  // f[0] is field 3 (state): ppid is field 4, starttime field 22.
  if (f.size() < 20 || !absl::SimpleAtoi(f[1], &s.ppid) ||
      !absl::SimpleAtoi(absl::StripAsciiWhitespace(f[19]), &s.start_time))
    return std::nullopt;
  return s;
}

std::optional<NinjaProcess> FindNinjaAncestor() {
  int pid = static_cast<int>(::getppid());
  for (int depth = 0; depth < 32 && pid > 1; ++depth) {
    absl::StatusOr<std::string> text = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
    if (!text.ok()) return std::nullopt;
    std::optional<ProcStat> s = ParseProcStat(*text);
    if (!s) return std::nullopt;
    if (s->comm == "ninja" || s->comm == "ninja-build") return NinjaProcess{pid, s->start_time};
    pid = s->ppid;
  }
  return std::nullopt;
}

namespace {

absl::Status PreflightVerdict(bool ok, const std::string& message) {
  if (ok) return absl::OkStatus();
  return absl::FailedPreconditionError(message);
}

bool ProcessIsStill(int pid, unsigned long long start_time) {
  absl::StatusOr<std::string> text = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!text.ok()) return false;
  std::optional<ProcStat> s = ParseProcStat(*text);
  return s && s->start_time == start_time;
}

// Verdicts of ninja runs that have ended.
void RemoveStaleVerdicts(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    absl::string_view rest = name;
    if (!absl::ConsumePrefix(&rest, "preflight-") || !absl::ConsumeSuffix(&rest, ".json")) continue;
    std::vector<absl::string_view> parts = absl::StrSplit(rest, '-');
    int pid = 0;
    unsigned long long start = 0;
    if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &pid) &&
        absl::SimpleAtoi(parts[1], &start) && ProcessIsStill(pid, start))
      continue;
    fs::remove(e.path(), ec);
  }
}

}  // namespace

absl::Status Preflight(const RunConfig& config, const fs::path& out_dir) {
  const fs::path dir = out_dir / "services";
  std::optional<NinjaProcess> ninja = FindNinjaAncestor();
  auto run_checks = [&](std::string* message) {
    std::vector<std::string> failed;
    for (const CheckResult& c : PreflightChecks(config, out_dir))
      if (!c.ok) failed.push_back(absl::StrCat(c.name, ": ", c.detail));
    *message = absl::StrCat("preflight failed, nothing was started: ",
                            absl::StrJoin(failed, "; "), " (then run ninja again; `cbgen doctor` "
                            "shows every check)");
    return failed.empty();
  };
  std::string message;
  if (!ninja) return PreflightVerdict(run_checks(&message), message);  // cbrun by hand: check every time

  absl::StatusOr<FileLock> lock = FileLock::Acquire(dir / "preflight.lock", FileLock::Wait::kBlock);
  if (!lock.ok()) return lock.status();
  const fs::path verdict_file =
      dir / absl::StrCat("preflight-", ninja->pid, "-", ninja->start_time, ".json");
  if (absl::StatusOr<boost::json::value> v = ReadJsonFile(verdict_file); v.ok()) {
    std::optional<bool> ok = BoolField(*v, "ok");
    std::optional<std::string> m = StringField(*v, "message");
    if (ok) return PreflightVerdict(*ok, m.value_or("preflight failed"));
  }
  RemoveStaleVerdicts(dir);
  const bool ok = run_checks(&message);
  boost::json::object verdict{{"ok", ok}, {"message", ok ? "" : message}, {"ninja_pid", ninja->pid}};
  (void)WriteFileAtomically(verdict_file, PrettyJson(verdict));
  return PreflightVerdict(ok, message);
}

}  // namespace cb
