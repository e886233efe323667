#include "util/process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <algorithm>
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

// The signals a child starts with at their default action, whatever we do
// with them (cbrun handles INT, TERM and HUP and ignores PIPE).
sigset_t SignalsReset() {
  sigset_t reset;
  sigemptyset(&reset);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&reset, s);
  return reset;
}

// posix_spawn's two setup objects, destroyed at the end of their scope.
struct SpawnFileActions {
  SpawnFileActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  posix_spawn_file_actions_t actions;
};
struct SpawnAttributes {
  SpawnAttributes() { posix_spawnattr_init(&attributes); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attributes); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t attributes;
};

// What the child does before the exec: stdio, the working folder, every
// other descriptor closed. 0, or the error number.
int SetUpFiles(const ProcessSpec& spec, const ChildStdio& stdio, posix_spawn_file_actions_t* a) {
  const int fds[3] = {stdio.in_fd(), stdio.out_fd(), stdio.err_fd()};
  for (int target = 0; target < 3; ++target)
    if (int rc = posix_spawn_file_actions_adddup2(a, fds[target], target); rc != 0) return rc;
  if (!spec.cwd.empty())
    if (int rc = posix_spawn_file_actions_addchdir_np(a, spec.cwd.c_str()); rc != 0) return rc;
  return posix_spawn_file_actions_addclosefrom_np(a, 3);
}

// A process group of its own, so the whole tree can be signalled at once and
// a terminal's Ctrl-C reaches it only through us, or a session of its own for
// a daemon; default signal handling; no signal blocked. 0, or the error number.
int SetUpAttributes(const ProcessSpec& spec, posix_spawnattr_t* a) {
  const short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                      (spec.new_session ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP);
  const sigset_t reset = SignalsReset();
  sigset_t none;
  sigemptyset(&none);
  if (int rc = posix_spawnattr_setflags(a, flags); rc != 0) return rc;
  if (int rc = posix_spawnattr_setsigdefault(a, &reset); rc != 0) return rc;
  if (int rc = posix_spawnattr_setsigmask(a, &none); rc != 0) return rc;
  return posix_spawnattr_setpgroup(a, 0);
}

// Starts `exe` with spec's arguments, environment and working folder, in a
// process group (or session) of its own. Empty, with `error` set, on failure.
//
// With posix_spawn, not Boost.Process's launchers: between the fork and the
// exec the child runs only the C library's setup above, no code of ours or
// Boost's. Boost's launchers tell Asio of the fork in the child, which
// allocates; a child forked while another thread held an allocator lock then
// waits for it for good, and so does its parent, before any timeout is armed
// (seen under AddressSanitizer, whose allocator is not reset in a fork's
// child: cbgen probes cooperbench on a thread while it plans, cbrun's Docker
// proxy has threads). Boost.Process then takes the child over, as its own
// launcher does once the child runs.
std::optional<bp::process> LaunchInOwnGroup(asio::io_context& ctx, const std::string& exe,
                                            const ProcessSpec& spec, const ChildStdio& stdio,
                                            std::string* error) {
  const std::vector<std::string> env = ChildEnvironment(spec.env_set);
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::vector<char*> argv{const_cast<char*>(exe.c_str())};
  for (size_t i = 1; i < spec.argv.size(); ++i) argv.push_back(const_cast<char*>(spec.argv[i].c_str()));
  argv.push_back(nullptr);

  SpawnFileActions files;
  SpawnAttributes attributes;
  pid_t pid = -1;
  int rc = SetUpFiles(spec, stdio, &files.actions);
  if (rc == 0) rc = SetUpAttributes(spec, &attributes.attributes);
  if (rc == 0)
    rc = ::posix_spawn(&pid, exe.c_str(), &files.actions, &attributes.attributes, argv.data(),
                       envp.data());
  if (rc != 0) {
    std::error_code ec;
    *error = !spec.cwd.empty() && !fs::is_directory(spec.cwd, ec)
                 ? absl::StrCat(exe, ": cannot start in ", spec.cwd.string(), ": no such folder")
                 : absl::StrCat(exe, ": cannot start: ", std::strerror(rc));
    return std::nullopt;
  }
  return std::optional<bp::process>(std::in_place, ctx.get_executor(), pid);
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
  // The first line that says something: `docker version --format ...` without a daemon
  // prints an empty line on stdout before its error on stderr.
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (text.find_first_not_of(" \t\r", start) < end) break;
    start = end + 1;
  }
  if (start >= text.size()) return "";
  std::string line = text.substr(start, text.find('\n', start) - start);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
    line.pop_back();
  return line;
}

}  // namespace cb
