#include "runner/preflight.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "util/atomic_file.h"
#include "util/file_lock.h"
#include "util/json_read.h"

namespace cb {
namespace fs = std::filesystem;

std::vector<CheckResult> PreflightChecks(const RunConfig& config, const fs::path&,
                                         CooperbenchRelease* release) {
  std::vector<CheckResult> checks;
  // Reachability here; the free space is checked before each pull, when cbrun
  // knows the image is really missing.
  if (config.image_targets > 0) checks.push_back(CheckDocker(config, 0));
  checks.push_back(CheckCooperbench(config, release));
  // One provider: its key stops the build, as always. Several: each run
  // checks its own provider's key (runner/provider_gate.h).
  if (config.Providers().size() < 2) {
    for (const std::string& var : config.KeyVariables())
      checks.push_back(CheckApiKey(var, std::getenv(var.c_str())));
  }
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

absl::Status Preflight(const RunConfig& config, const fs::path& out_dir, Reporter& reporter,
                       std::optional<CooperbenchRelease>* release) {
  const fs::path dir = out_dir / "services";
  std::optional<NinjaProcess> ninja = FindNinjaAncestor();
  CooperbenchRelease found;
  auto run_checks = [&](std::string* message) {
    std::vector<std::string> failed;
    for (const CheckResult& c : PreflightChecks(config, out_dir, &found)) {
      if (!c.ok) failed.push_back(absl::StrCat(c.name, ": ", c.detail));
      if (c.ok && c.warning) reporter.Note(absl::StrCat("warning: ", c.name, ": ", c.detail));
    }
    *message = absl::StrCat("preflight failed, nothing was started: ", absl::StrJoin(failed, "; "),
                            " (then run ninja again; `cbgen doctor` "
                            "shows every check)");
    return failed.empty();
  };
  std::string message;
  auto pass_release = [&] {
    if (release != nullptr && !found.executable.empty()) *release = found;
  };
  if (!ninja) {  // cbrun by hand: check every time
    const bool ok = run_checks(&message);
    pass_release();
    return PreflightVerdict(ok, message);
  }

  absl::StatusOr<FileLock> lock = FileLock::Acquire(dir / "preflight.lock", FileLock::Wait::kBlock);
  if (!lock.ok()) return lock.status();
  const fs::path verdict_file =
      dir / absl::StrCat("preflight-", ninja->pid, "-", ninja->start_time, ".json");
  if (absl::StatusOr<boost::json::value> v = ReadJsonFile(verdict_file); v.ok()) {
    std::optional<bool> ok = BoolField(*v, "ok");
    std::optional<std::string> m = StringField(*v, "message");
    const boost::json::value* r = Field(*v, "cooperbench");
    if (r != nullptr && release != nullptr) *release = CooperbenchRelease::FromJson(*r);
    if (ok) return PreflightVerdict(*ok, m.value_or("preflight failed"));
  }
  RemoveStaleVerdicts(dir);
  const bool ok = run_checks(&message);
  pass_release();
  boost::json::object verdict{
      {"ok", ok}, {"message", ok ? "" : message}, {"ninja_pid", ninja->pid}};
  if (!found.executable.empty()) verdict["cooperbench"] = found.ToJson();
  (void)WriteFileAtomically(verdict_file, PrettyJson(verdict));
  return PreflightVerdict(ok, message);
}

}  // namespace cb
