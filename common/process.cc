#include "common/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect_pipe.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

extern char** environ;

namespace cb {
namespace bp = boost::process::v2;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

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

// Reaps the group's leftovers once its leader is gone. Where we are a child
// subreaper (cbrun), orphans of the group become our children and can be
// waited for: when this returns, the group's processes are dead, not just
// signalled (bounded, for a process stuck in the kernel). Elsewhere there is
// nothing to wait for and it returns at once.
void ReapGroup(pid_t pgid) {
  const auto give_up = Clock::now() + std::chrono::seconds(5);
  while (true) {
    int status = 0;
    const pid_t p = ::waitpid(-pgid, &status, WNOHANG);
    if (p > 0) continue;
    if (p < 0 || Clock::now() > give_up) return;  // ECHILD: none left
    ::usleep(2000);
  }
}

// The child as RunProcess's handlers and the caller's see it.
class Child final : public RunningProcess {
 public:
  Child(asio::io_context& ctx, int pid, double grace_s)
      : grace_(ctx), pid_(pid), grace_s_(grace_s) {}

  int pid() const override { return pid_; }

  void End(int first_signal) override {
    if (ending_ || exited_) return;
    ending_ = true;
    ::kill(-pid_, first_signal);
    grace_.expires_after(Seconds(grace_s_));
    grace_.async_wait([this](const bp::error_code& ec) {
      if (!ec && !exited_) ::kill(-pid_, SIGKILL);
    });
  }

  void Exited() {
    exited_ = true;
    grace_.cancel();
  }
  bool exited() const { return exited_; }
  bool ending() const { return ending_; }
  void CancelGrace() { grace_.cancel(); }

 private:
  asio::steady_timer grace_;
  const int pid_;
  const double grace_s_;
  bool exited_ = false;
  bool ending_ = false;
};

// A file descriptor closed at the end of its scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

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
  ProcessResult r;
  const auto start = Clock::now();
  auto finish = [&] {
    r.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
  };
  if (spec.argv.empty()) {
    r.start_error = "empty command";
    return finish();
  }
  std::string exe = FindExecutable(spec.argv[0]);
  if (exe.empty()) {
    r.start_error = absl::StrCat(spec.argv[0], ": not found on PATH");
    return finish();
  }
  if (::access(exe.c_str(), X_OK) != 0) {
    r.start_error = absl::StrCat(exe, ": not executable");
    return finish();
  }
  // Found from here; the child looks from its own folder.
  if (!spec.cwd.empty() && exe[0] != '/') exe = fs::absolute(exe).string();

  // Where stdin, stdout and stderr come from and go.
  Fd devnull;
  int in_fd = STDIN_FILENO, out_fd = STDOUT_FILENO, err_fd = STDERR_FILENO;
  if (!spec.inherit_stdin) {
    devnull.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull.fd < 0) {
      r.start_error = absl::StrCat("cannot open /dev/null: ", std::strerror(errno));
      return finish();
    }
    in_fd = devnull.fd;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> log(nullptr, &std::fclose);
  asio::readable_pipe reader(ctx);
  asio::writable_pipe writer(ctx);
  if (!spec.log_file.empty()) {
    std::error_code dir_ec;
    if (spec.log_file.has_parent_path())
      fs::create_directories(spec.log_file.parent_path(), dir_ec);
    log.reset(std::fopen(spec.log_file.c_str(), "ae"));
    if (log == nullptr) {
      r.start_error =
          absl::StrCat("cannot open log file ", spec.log_file.string(), ": ", std::strerror(errno));
      return finish();
    }
    out_fd = err_fd = ::fileno(log.get());
  } else if (spec.capture) {
    bp::error_code ec;
    asio::connect_pipe(reader, writer, ec);
    if (ec) {
      r.start_error = absl::StrCat("cannot make a pipe for ", exe, ": ", ec.message());
      return finish();
    }
    out_fd = err_fd = writer.native_handle();
  }

  const std::vector<std::string> env = ChildEnvironment(spec.env_set);
  const std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  const std::string cwd = spec.cwd.string();
  std::optional<bp::process> proc;
  try {
    proc.emplace(ctx, exe, args, bp::process_stdio{in_fd, out_fd, err_fd}, EnvironmentInit(env),
                 ChildSetup{spec.new_session, cwd.empty() ? nullptr : cwd.c_str()});
  } catch (const std::exception& e) {
    r.start_error = absl::StrCat(exe, ": ", e.what());
    return finish();
  }
  // The child holds its own copies now: the pipe's end comes when it (and
  // whatever it started) is done writing.
  log.reset();
  if (writer.is_open()) writer.close();
  r.started = true;
  const int pgid = proc->id();
  r.pid = pgid;

  Child child(ctx, pgid, spec.grace_s);
  bool output_done = !spec.capture;
  asio::steady_timer deadline(ctx);
  std::array<char, 4096> buf;
  std::function<void()> read_more = [&] {
    reader.async_read_some(asio::buffer(buf), [&](const bp::error_code& ec, size_t n) {
      if (n > 0 && r.output.size() < spec.capture_limit)
        r.output.append(buf.data(), std::min(n, spec.capture_limit - r.output.size()));
      if (!ec) return read_more();
      output_done = true;
      if (child.exited()) ctx.stop();
    });
  };
  if (spec.capture) read_more();

  proc->async_wait([&](const bp::error_code&, int) {
    child.Exited();
    // Leftovers of the group (a grandchild that outlived its parent) go too,
    // unless the child was a daemon's starter in a session of its own.
    if (!spec.new_session || child.ending()) ::kill(-pgid, SIGKILL);
    if (output_done) {
      deadline.cancel();
      ctx.stop();
    }
  });
  if (spec.timeout_s > 0) {
    deadline.expires_after(Seconds(spec.timeout_s));
    deadline.async_wait([&](const bp::error_code& ec) {
      if (ec) return;
      if (child.exited()) {  // something outside the group still holds the output
        reader.close();
        return;
      }
      r.timed_out = true;
      child.End(SIGTERM);
    });
  }
  if (on_started) on_started(child);
  ctx.restart();
  while (!(child.exited() && output_done)) {
    ctx.run();
    ctx.restart();
  }
  // Run the cancelled handlers now, while what they refer to is alive.
  deadline.cancel();
  child.CancelGrace();
  if (reader.is_open()) reader.close();
  ctx.poll();
  ctx.restart();
  if (!spec.new_session || child.ending()) {
    ::kill(-pgid, SIGKILL);
    ReapGroup(pgid);
  }

  const int status = proc->native_exit_code();
  if (WIFSIGNALED(status)) {
    r.signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  }
  return finish();
}

ProcessResult RunProcess(const ProcessSpec& spec) {
  asio::io_context ctx;
  return RunProcess(ctx, spec);
}

Captured Capture(const std::vector<std::string>& argv, double timeout_s,
                 const EnvironmentOverrides& env_set) {
  Captured c;
  if (argv.empty()) {
    c.error = "empty command";
    return c;
  }
  const std::string exe = FindExecutable(argv[0]);
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0) {
    c.error =
        absl::StrCat(argv[0], ": not found",
                     argv[0].find('/') == std::string::npos ? " on PATH" : " or not executable");
    return c;
  }
  ProcessSpec spec;
  spec.argv = argv;
  spec.argv[0] = exe;
  spec.capture = true;
  spec.env_set = env_set;
  spec.timeout_s = timeout_s;
  spec.grace_s = 2;
  ProcessResult p = RunProcess(spec);
  c.started = p.started;
  c.error = p.start_error;
  c.timed_out = p.timed_out;
  c.output = std::move(p.output);
  if (p.exit_code)
    c.exit_code = *p.exit_code;
  else if (p.signal)
    c.exit_code = 128 + *p.signal;
  return c;
}

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
    line.pop_back();
  return line;
}

}  // namespace cb
