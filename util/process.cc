#include "util/process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "util/process_stdio.h"
#include "util/process_waiter.h"

extern char** environ;

namespace cb {
namespace bp = boost::process::v2;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
using process_internal::ChildStdio;
using process_internal::ChildWaiter;

// Capture runs short helpers (docker ps, a Python probe) that exit at once on
// TERM; 2 s is plenty before the KILL.
constexpr double kCaptureGraceS = 2;

// Hands the child exactly this environment ("KEY=VALUE" strings). (Boost 1.81's
// process_environment lacks its implementation in header-only mode.)
struct EnvironmentInit {
  explicit EnvironmentInit(const std::vector<std::string>& entries) {
    for (const std::string& e : entries) ptrs.push_back(e.c_str());
    ptrs.push_back(nullptr);
  }
  template <typename Launcher>
  bp::error_code on_setup(Launcher& launcher, const bp::filesystem::path&, const char* const*) {
    launcher.env = ptrs.data();
    return {};
  }
  std::vector<const char*> ptrs;
};

// Runs in the child between Boost.Process's fork() and its execve()
// (async-signal-safe calls only): a process group of its own, so the whole
// tree can be signalled at once and a terminal's Ctrl-C reaches it only
// through us, or a session of its own for a daemon; default signal handling;
// the working folder.
struct ChildSetup {
  bool new_session = false;
  const char* cwd = nullptr;  // null: ours
  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
    if (new_session ? ::setsid() < 0 : ::setpgid(0, 0) != 0)
      return bp::error_code(errno, bp::system_category());
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(s, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (cwd != nullptr && ::chdir(cwd) != 0) return bp::error_code(errno, bp::system_category());
    return {};
  }
};

// spec.argv[0] as the child execs it: found on PATH, executable, and absolute
// when the child runs in another folder. Empty, with `error` set, when not.
std::string ResolveExecutable(const ProcessSpec& spec, std::string* error) {
  if (spec.argv.empty()) {
    *error = "empty command";
    return "";
  }
  std::string exe = FindExecutable(spec.argv[0]);
  if (exe.empty()) {
    *error = absl::StrCat(spec.argv[0], ": not found on PATH");
    return "";
  }
  if (::access(exe.c_str(), X_OK) != 0) {
    *error = absl::StrCat(exe, ": not executable");
    return "";
  }
  // Found from here; the child looks from its own folder.
  if (!spec.cwd.empty() && exe[0] != '/') exe = fs::absolute(exe).string();
  return exe;
}

// Starts `exe` with spec's arguments, environment and working folder, in a
// process group (or session) of its own. Empty, with `error` set, on failure.
std::optional<bp::process> LaunchInOwnGroup(asio::io_context& ctx, const std::string& exe,
                                            const ProcessSpec& spec, const ChildStdio& stdio,
                                            std::string* error) {
  const std::vector<std::string> env = ChildEnvironment(spec.env_set);
  const std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  const std::string cwd = spec.cwd.string();
  try {
    return std::optional<bp::process>(
        std::in_place, ctx, exe, args, stdio.Fds(), EnvironmentInit(env),
        ChildSetup{spec.new_session, cwd.empty() ? nullptr : cwd.c_str()});
  } catch (const std::exception& e) {
    *error = absl::StrCat(exe, ": ", e.what());
    return std::nullopt;
  }
}

// A death by signal told apart from an exit code.
void RecordExitStatus(int status, ProcessResult* result) {
  if (WIFSIGNALED(status)) {
    result->signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    result->exit_code = WEXITSTATUS(status);
  }
}

// Everything of RunProcess but the timing: start_error when the child did
// not start, else its output, timed-out flag and exit status.
void StartAndWait(asio::io_context& ctx, const ProcessSpec& spec,
                  const std::function<void(RunningProcess&)>& on_started, ProcessResult* result) {
  const std::string exe = ResolveExecutable(spec, &result->start_error);
  if (exe.empty()) return;
  ChildStdio stdio(ctx);
  if (!stdio.Open(spec, exe, &result->start_error)) return;
  std::optional<bp::process> proc = LaunchInOwnGroup(ctx, exe, spec, stdio, &result->start_error);
  if (!proc) return;
  stdio.CloseParentEnds();
  result->started = true;
  result->pid = proc->id();
  ChildWaiter waiter(ctx, spec, *proc, stdio.reader(), stdio.redacted_log(), result);
  waiter.Wait(on_started);
  RecordExitStatus(proc->native_exit_code(), result);
}

}  // namespace

std::string FindExecutable(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  absl::string_view rest(path);
  while (true) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    std::string candidate = absl::StrCat(dir.empty() ? "." : dir, "/", name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == absl::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return "";
}

std::vector<std::string> ChildEnvironment(const EnvironmentOverrides& env_set) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq != nullptr) env[std::string(*e, static_cast<size_t>(eq - *e))] = eq + 1;
  }
  for (const auto& [k, v] : env_set) env[k] = v;
  std::vector<std::string> entries;
  entries.reserve(env.size());
  for (const auto& [k, v] : env) entries.push_back(absl::StrCat(k, "=", v));
  return entries;
}

ProcessResult RunProcess(asio::io_context& ctx, const ProcessSpec& spec,
                         const std::function<void(RunningProcess&)>& on_started) {
  const auto start = Clock::now();
  ProcessResult r;
  StartAndWait(ctx, spec, on_started, &r);
  r.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

ProcessResult RunProcess(const ProcessSpec& spec) {
  asio::io_context ctx;
  return RunProcess(ctx, spec);
}

ProcessResult Capture(const std::vector<std::string>& argv, double timeout_s,
                      const EnvironmentOverrides& env_set) {
  ProcessResult r;
  if (argv.empty()) {
    r.start_error = "empty command";
    return r;
  }
  const std::string exe = FindExecutable(argv[0]);
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0) {
    r.start_error =
        absl::StrCat(argv[0], ": not found",
                     argv[0].find('/') == std::string::npos ? " on PATH" : " or not executable");
    return r;
  }
  ProcessSpec spec;
  spec.argv = argv;
  spec.argv[0] = exe;
  spec.capture = true;
  spec.env_set = env_set;
  spec.timeout_s = timeout_s;
  spec.grace_s = kCaptureGraceS;
  return RunProcess(spec);
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
    line.pop_back();
  return line;
}

}  // namespace cb
