#include "util/process.h"

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
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "util/redact.h"

extern char** environ;

namespace cb {
namespace bp = boost::process::v2;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// A process stuck in the kernel (uninterruptible I/O, a hung NFS mount) may
// never be reaped; the group was sent KILL, so 5 s covers any that can die.
constexpr auto kReapGroupTimeout = std::chrono::seconds(5);
// Between looks for a reapable leftover: KILLed processes go within a few ms.
constexpr auto kReapGroupPollInterval = std::chrono::milliseconds(2);
// Capture runs short helpers (docker ps, a Python probe) that exit at once on
// TERM; 2 s is plenty before the KILL.
constexpr double kCaptureGraceS = 2;
// Bytes read from a capture pipe at a time.
constexpr size_t kReadChunk = 4096;
// How long a redacted log's pipe may stay open after the child exited and its
// group was killed: only a process outside the group (a daemon it started
// without closing its stdout) can still hold it, and its output is not the
// child's.
constexpr double kLogDrainAfterExitS = 2;

// Whether the child's output reaches its log through us (redacted), or is
// captured into ProcessResult::output: in both, the child writes into a pipe.
bool RedactsLog(const ProcessSpec& spec) {
  return !spec.log_file.empty() && spec.log_redactor != nullptr;
}
bool Captures(const ProcessSpec& spec) {
  return spec.log_file.empty() && spec.capture;
}

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
  const auto give_up = Clock::now() + kReapGroupTimeout;
  while (true) {
    int status = 0;
    const pid_t p = ::waitpid(-pgid, &status, WNOHANG);
    if (p > 0) continue;
    if (p < 0 || Clock::now() > give_up) return;  // ECHILD: none left
    std::this_thread::sleep_for(kReapGroupPollInterval);
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

// Where the child's stdin, stdout and stderr come from and go, and what keeps
// them open until the child holds its own copies.
class ChildStdio {
 public:
  explicit ChildStdio(asio::io_context& ctx) : reader_(ctx), writer_(ctx) {}

  // stdin: the spec's text, else /dev/null unless inherited; stdout and
  // stderr: appended to the log file (through a pipe we read when the log is
  // redacted), else into a capture pipe, else ours. False, with `error` set,
  // when one cannot be opened.
  bool Open(const ProcessSpec& spec, const std::string& exe, std::string* error) {
    if (!spec.stdin_text.empty()) {
      if (!OpenStdinText(spec.stdin_text, error)) return false;
    } else if (!spec.inherit_stdin && !OpenDevNull(error)) {
      return false;
    }
    if (!spec.log_file.empty()) {
      if (!OpenLogFile(spec.log_file, error)) return false;
      if (!RedactsLog(spec)) return true;
      keeps_log_ = true;
      return OpenCapturePipe(exe, error);
    }
    if (spec.capture) return OpenCapturePipe(exe, error);
    return true;
  }

  bp::process_stdio Fds() const { return bp::process_stdio{in_fd_, out_fd_, err_fd_}; }

  // Once the child runs it holds its own copies: the pipe's end comes when it
  // (and whatever it started) is done writing.
  void CloseParentEnds() {
    if (!keeps_log_) log_.reset();
    if (writer_.is_open()) writer_.close();
    if (stdin_pipe_.fd >= 0) ::close(std::exchange(stdin_pipe_.fd, -1));
  }

  // The capture pipe's end that we read.
  asio::readable_pipe& reader() { return reader_; }
  // The log file we write the redacted output to, or null.
  FILE* redacted_log() const { return keeps_log_ ? log_.get() : nullptr; }

 private:
  // A pipe filled with `text` and closed at our end: the child reads the
  // text, then end of file.
  bool OpenStdinText(const std::string& text, std::string* error) {
    if (text.size() > kMaxStdinText) {
      *error = absl::StrCat("the text for the child's stdin is ", text.size(),
                            " bytes, more than the ", kMaxStdinText, " a pipe holds");
      return false;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      *error = absl::StrCat("cannot make a pipe for stdin: ", std::strerror(errno));
      return false;
    }
    stdin_pipe_.fd = fds[0];
    Fd write_end{fds[1]};
    const ssize_t n = ::write(write_end.fd, text.data(), text.size());
    if (n != static_cast<ssize_t>(text.size())) {
      *error = absl::StrCat("cannot write the child's stdin: ", std::strerror(errno));
      return false;
    }
    in_fd_ = stdin_pipe_.fd;
    return true;
  }

  bool OpenDevNull(std::string* error) {
    devnull_.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull_.fd < 0) {
      *error = absl::StrCat("cannot open /dev/null: ", std::strerror(errno));
      return false;
    }
    in_fd_ = devnull_.fd;
    return true;
  }

  bool OpenLogFile(const fs::path& file, std::string* error) {
    std::error_code dir_ec;
    if (file.has_parent_path()) fs::create_directories(file.parent_path(), dir_ec);
    log_.reset(std::fopen(file.c_str(), "ae"));
    if (log_ == nullptr) {
      *error = absl::StrCat("cannot open log file ", file.string(), ": ", std::strerror(errno));
      return false;
    }
    out_fd_ = err_fd_ = ::fileno(log_.get());
    return true;
  }

  bool OpenCapturePipe(const std::string& exe, std::string* error) {
    bp::error_code ec;
    asio::connect_pipe(reader_, writer_, ec);
    if (ec) {
      *error = absl::StrCat("cannot make a pipe for ", exe, ": ", ec.message());
      return false;
    }
    out_fd_ = err_fd_ = writer_.native_handle();
    return true;
  }

  Fd devnull_;
  Fd stdin_pipe_;           // its read end, until the child holds its own copy
  bool keeps_log_ = false;  // we write the log (redacted) from the pipe
  std::unique_ptr<FILE, int (*)(FILE*)> log_{nullptr, &std::fclose};
  asio::readable_pipe reader_;
  asio::writable_pipe writer_;
  int in_fd_ = STDIN_FILENO;
  int out_fd_ = STDOUT_FILENO;
  int err_fd_ = STDERR_FILENO;
};

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

// Waits for a started child on `ctx`: reads its captured output, ends its
// group at the timeout, and once it exited kills and reaps what is left of
// its group. Writes the output and the timed-out flag into `result`.
class ChildWaiter {
 public:
  ChildWaiter(asio::io_context& ctx, const ProcessSpec& spec, bp::process& proc,
              asio::readable_pipe& reader, FILE* redacted_log, ProcessResult* result)
      : ctx_(ctx),
        spec_(spec),
        proc_(proc),
        reader_(reader),
        result_(result),
        pgid_(proc.id()),
        child_(ctx, pgid_, spec.grace_s),
        deadline_(ctx),
        output_done_(!Captures(spec) && redacted_log == nullptr),
        log_(redacted_log) {
    if (log_ != nullptr) stream_.emplace(*spec.log_redactor);
  }

  // Returns once the child exited and, when capturing, its output ended.
  void Wait(const std::function<void(RunningProcess&)>& on_started) {
    if (Captures(spec_)) ReadOutput();
    if (log_ != nullptr) ReadIntoLog();
    WatchExit();
    if (spec_.timeout_s > 0) ArmDeadline();
    if (on_started) on_started(child_);
    RunUntilDone();
    FlushCancelledHandlers();
    EndLeftovers();
  }

 private:
  // Whether the group's leftovers go with the child: always, unless the
  // child was a daemon's starter in a session of its own and not being ended.
  bool KillsLeftovers() const { return !spec_.new_session || child_.ending(); }

  // Keeps up to spec.capture_limit bytes of the output; the rest is read and dropped.
  void ReadOutput() {
    reader_.async_read_some(asio::buffer(buf_), [this](const bp::error_code& ec, size_t n) {
      std::string& output = result_->output;
      if (n > 0 && output.size() < spec_.capture_limit)
        output.append(buf_.data(), std::min(n, spec_.capture_limit - output.size()));
      if (!ec) return ReadOutput();
      output_done_ = true;
      if (child_.exited()) ctx_.stop();
    });
  }

  // Writes the output to the log a line at a time, redacted; the rest when it ends.
  void ReadIntoLog() {
    reader_.async_read_some(asio::buffer(buf_), [this](const bp::error_code& ec, size_t n) {
      if (n > 0) WriteLog(stream_->Feed(absl::string_view(buf_.data(), n)));
      if (!ec) return ReadIntoLog();
      WriteLog(stream_->Finish());
      output_done_ = true;
      if (child_.exited()) ctx_.stop();
    });
  }

  // Flushed at once, as the child's own writes would be: a log read while
  // the attempt runs, or after cbrun was killed, holds what was written.
  void WriteLog(const std::string& text) {
    if (text.empty()) return;
    std::fwrite(text.data(), 1, text.size(), log_);
    std::fflush(log_);
  }

  void WatchExit() {
    proc_.async_wait([this](const bp::error_code&, int) {
      child_.Exited();
      // Leftovers of the group (a grandchild that outlived its parent) go too.
      if (KillsLeftovers()) ::kill(-pgid_, SIGKILL);
      if (output_done_) {
        deadline_.cancel();
        ctx_.stop();
      } else if (log_ != nullptr) {
        DrainLogAfterExit();
      }
    });
  }

  // What outside the group still holds the log's pipe gets a short while,
  // then the pipe is closed (replacing the timeout's wait, if any).
  void DrainLogAfterExit() {
    deadline_.expires_after(Seconds(kLogDrainAfterExitS));
    deadline_.async_wait([this](const bp::error_code& ec) {
      if (!ec && reader_.is_open()) reader_.close();
    });
  }

  // At spec.timeout_s: TERM to the group, KILL after the grace.
  void ArmDeadline() {
    deadline_.expires_after(Seconds(spec_.timeout_s));
    deadline_.async_wait([this](const bp::error_code& ec) {
      if (ec) return;
      if (child_.exited()) {  // something outside the group still holds the output
        reader_.close();
        return;
      }
      result_->timed_out = true;
      child_.End(SIGTERM);
    });
  }

  void RunUntilDone() {
    ctx_.restart();
    while (!(child_.exited() && output_done_)) {
      ctx_.run();
      ctx_.restart();
    }
  }

  // Runs the cancelled handlers now, while what they refer to is alive.
  void FlushCancelledHandlers() {
    deadline_.cancel();
    child_.CancelGrace();
    if (reader_.is_open()) reader_.close();
    ctx_.poll();
    ctx_.restart();
  }

  void EndLeftovers() {
    if (!KillsLeftovers()) return;
    ::kill(-pgid_, SIGKILL);
    ReapGroup(pgid_);
  }

  asio::io_context& ctx_;
  const ProcessSpec& spec_;
  bp::process& proc_;
  asio::readable_pipe& reader_;
  ProcessResult* const result_;
  const int pgid_;
  Child child_;
  asio::steady_timer deadline_;
  bool output_done_;
  FILE* const log_;  // the redacted log we write, or null
  std::optional<StreamRedactor> stream_;
  std::array<char, kReadChunk> buf_;
};

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
  spec.grace_s = kCaptureGraceS;
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
