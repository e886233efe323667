#include "runner/launch.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <chrono>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace cb {
namespace bp = boost::process::v2;
namespace asio = boost::asio;

namespace {

// Hands the child exactly this environment ("KEY=VALUE" strings). (Boost 1.81's
// process_environment lacks its implementation in header-only mode.)
struct ChildEnvironment {
  explicit ChildEnvironment(const std::vector<std::string>& entries) {
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

// Runs in the child between fork and exec: a process group of its own, so the
// whole tree can be signalled at once and a terminal's Ctrl-C reaches it only
// through cbrun.
struct NewProcessGroup {
  template <typename Launcher>
  bp::error_code on_exec_setup(Launcher&, const bp::filesystem::path&, const char* const*&) {
    if (::setpgid(0, 0) != 0) return bp::error_code(errno, bp::system_category());
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    return {};
  }
};

// Reaps the group's leftovers once its leader is gone. cbrun is a child
// subreaper, so orphans of the group become its children and can be waited
// for: when this returns, the group's processes are dead, not just signalled
// (bounded, for a process stuck in the kernel).
void ReapGroup(pid_t pgid) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    int status = 0;
    const pid_t p = ::waitpid(-pgid, &status, WNOHANG);
    if (p > 0) continue;
    if (p < 0 || std::chrono::steady_clock::now() > give_up) return;  // ECHILD: none left
    ::usleep(2000);
  }
}

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(s));
}

class ProcessLauncher : public Launcher {
 public:
  ProcessLauncher() : signals_(ctx_, SIGINT, SIGTERM, SIGHUP) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    ArmSignals();
  }

  LaunchResult Run(const LaunchSpec& spec) override;
  bool Sleep(double seconds) override;
  int interrupt_signal() const override { return interrupt_signal_; }

 private:
  // A signal that arrives between waits stays queued in the signal_set and is
  // seen by the next wait; once seen it is remembered for good.
  void ArmSignals() {
    if (armed_) return;
    armed_ = true;
    signals_.async_wait([this](const bp::error_code& ec, int sig) {
      armed_ = false;
      if (ec) return;
      interrupt_signal_ = sig;
      if (on_signal_) on_signal_(sig);
    });
  }

  asio::io_context ctx_;
  asio::signal_set signals_;
  int interrupt_signal_ = 0;
  bool armed_ = false;
  std::function<void(int)> on_signal_;
};

LaunchResult ProcessLauncher::Run(const LaunchSpec& spec) {
  LaunchResult r;
  const auto start = std::chrono::steady_clock::now();
  auto finish = [&] {
    r.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  };
  if (interrupt_signal_ != 0) {
    r.interrupt_signal = interrupt_signal_;
    r.outcome.started = false;
    r.outcome.start_error = "interrupted before start";
    return finish();
  }
  const std::string exe = FindExecutable(spec.argv.at(0));
  if (exe.empty()) {
    r.outcome.started = false;
    r.outcome.start_error = absl::StrCat(spec.argv[0], ": not found on PATH");
    return finish();
  }
  if (::access(exe.c_str(), X_OK) != 0) {
    r.outcome.started = false;
    r.outcome.start_error = absl::StrCat(exe, ": not executable");
    return finish();
  }

  std::error_code dir_ec;
  if (spec.log_file.has_parent_path())
    std::filesystem::create_directories(spec.log_file.parent_path(), dir_ec);
  FILE* log = std::fopen(spec.log_file.c_str(), "ae");
  if (log == nullptr) {
    r.outcome.started = false;
    r.outcome.start_error = absl::StrCat("cannot open log file ", spec.log_file.string(), ": ",
                                         std::strerror(errno));
    return finish();
  }

  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    absl::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq != absl::string_view::npos) env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  for (const auto& [k, v] : spec.env_set) env[k] = v;
  std::vector<std::string> env_list;
  for (const auto& [k, v] : env) env_list.push_back(absl::StrCat(k, "=", v));

  std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
  std::optional<bp::process> proc;
  try {
    if (spec.cwd.empty()) {
      proc.emplace(ctx_, exe, args, bp::process_stdio{nullptr, log, log},
                   ChildEnvironment(env_list), NewProcessGroup{});
    } else {
      proc.emplace(ctx_, exe, args, bp::process_stdio{nullptr, log, log},
                   ChildEnvironment(env_list), bp::process_start_dir(spec.cwd.string()),
                   NewProcessGroup{});
    }
  } catch (const std::exception& e) {
    std::fclose(log);
    r.outcome.started = false;
    r.outcome.start_error = absl::StrCat(exe, ": ", e.what());
    return finish();
  }
  std::fclose(log);
  const pid_t pgid = proc->id();
  r.pid = pgid;

  bool exited = false;
  asio::steady_timer deadline(ctx_);
  asio::steady_timer grace(ctx_);
  bool ending = false;
  auto end_group = [&](int first_signal) {
    if (ending || exited) return;
    ending = true;
    ::kill(-pgid, first_signal);
    grace.expires_after(Seconds(spec.grace_s));
    grace.async_wait([&](const bp::error_code& ec) {
      if (!ec && !exited) ::kill(-pgid, SIGKILL);
    });
  };

  proc->async_wait([&](const bp::error_code&, int) {
    exited = true;
    deadline.cancel();
    grace.cancel();
    ctx_.stop();
  });
  if (spec.timeout_s > 0) {
    deadline.expires_after(Seconds(spec.timeout_s));
    deadline.async_wait([&](const bp::error_code& ec) {
      if (ec) return;
      r.outcome.timed_out = true;
      end_group(SIGTERM);
    });
  }
  // Forward the signal cbrun got (Ctrl-C reaches cbrun, not the child's group).
  on_signal_ = [&](int sig) {
    r.interrupt_signal = sig;
    end_group(sig);
  };
  if (interrupt_signal_ != 0) {
    r.interrupt_signal = interrupt_signal_;
    end_group(interrupt_signal_);
  }
  ArmSignals();
  ctx_.restart();
  while (!exited) {
    ctx_.run();
    ctx_.restart();
  }
  // Run the cancelled timers' handlers now, while what they refer to is alive.
  deadline.cancel();
  grace.cancel();
  ctx_.poll();
  ctx_.restart();
  on_signal_ = nullptr;
  // Leftovers of the group (a grandchild that outlived its parent) go too.
  ::kill(-pgid, SIGKILL);
  ReapGroup(pgid);

  const int status = proc->native_exit_code();
  if (WIFSIGNALED(status)) {
    r.outcome.signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    r.outcome.exit_code = WEXITSTATUS(status);
  }
  return finish();
}

bool ProcessLauncher::Sleep(double seconds) {
  if (interrupt_signal_ != 0) return false;
  if (seconds <= 0) return true;
  asio::steady_timer t(ctx_);
  bool done = false;
  t.expires_after(Seconds(seconds));
  t.async_wait([&](const bp::error_code&) {
    done = true;
    ctx_.stop();
  });
  on_signal_ = [&](int) {
    t.cancel();
  };
  ArmSignals();
  ctx_.restart();
  while (!done && interrupt_signal_ == 0) {
    ctx_.run();
    ctx_.restart();
  }
  t.cancel();
  ctx_.poll();
  on_signal_ = nullptr;
  return interrupt_signal_ == 0;
}

}  // namespace

std::unique_ptr<Launcher> MakeProcessLauncher() { return std::make_unique<ProcessLauncher>(); }

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

}  // namespace cb
