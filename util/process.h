// Starting a child process the way Ninja does, the one place cbgen and cbrun
// do it (Boost.Process v2): its own process group (or, for a daemon that must
// outlive us, its own session), /dev/null as stdin, output appended to a log
// file (redacted as written, when asked) or captured up to a cap, an optional
// working folder and extra environment, and a wall-clock timeout that ends the
// whole group (TERM, grace, KILL). When the child exits, what is left of its group is killed and
// reaped too (reaped only where the caller is a child subreaper).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace cb {

class Redactor;

// Between TERM and KILL unless the caller says otherwise: enough for a Python
// child (cooperbench) to run its handlers and flush its logs, short enough
// that a child ignoring TERM is gone soon after.
inline constexpr double kDefaultGraceS = 10;

// What a pipe holds without a reader (Linux's smallest pipe buffer is a page).
inline constexpr size_t kMaxStdinText = 4096;

using EnvironmentOverrides = std::vector<std::pair<std::string, std::string>>;

// Looks `name` up on PATH (or returns it when it holds a '/'); empty if not found.
std::string FindExecutable(const std::string& name);

// The environment a child gets: ours with `env_set` on top, as "KEY=VALUE"
// strings sorted by key.
std::vector<std::string> ChildEnvironment(const EnvironmentOverrides& env_set);

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no '/'
  // Where stdout and stderr go: appended to `log_file` when it is set (its
  // folder is created), else captured into ProcessResult::output when
  // `capture`, else ours.
  std::filesystem::path log_file;
  bool capture = false;
  size_t capture_limit = size_t{1} << 20;  // bytes kept; the rest is read and dropped
  // With log_file: the child writes into a pipe and its output reaches the
  // log a line at a time through this redactor (secrets as ***). Null: the
  // child writes the log file itself.
  const Redactor* log_redactor = nullptr;
  bool inherit_stdin = false;  // false: /dev/null
  // Not empty: the child's stdin is a pipe holding this text and then its end
  // (a config that must stay off the command line). At most kMaxStdinText bytes.
  std::string stdin_text;
  EnvironmentOverrides env_set;     // on top of our environment
  std::filesystem::path cwd;        // empty: ours
  double timeout_s = 0;             // 0: none
  double grace_s = kDefaultGraceS;  // between the TERM and the KILL
  // A session of its own instead of a group in ours: for a daemon that must
  // outlive us (neither a terminal's Ctrl-C nor our group kill reaches it).
  // The group is then left alone when the child exits, unless it was being ended.
  bool new_session = false;
};

// How a finished child ended: the one result type of RunProcess and Capture,
// and of cbrun's launcher and classification.
struct ProcessResult {
  bool started = false;
  std::string start_error;       // why it did not start ("X: not found on PATH", ...)
  std::optional<int> exit_code;  // set when it exited
  std::optional<int> signal;     // set when a signal killed it
  bool timed_out = false;        // ended at spec.timeout_s
  std::string output;            // with spec.capture: stdout and stderr together
  int pid = 0;                   // also its process group's id
  double duration_s = 0;

  // It started, exited with 0 and was not ended at its timeout.
  bool ok() const { return started && !timed_out && exit_code == 0; }
  // As a shell reports it: the exit code, 128+N when signal N killed it, -1
  // when it did not end (did not start).
  int exit_status() const {
    if (exit_code) return *exit_code;
    if (signal) return 128 + *signal;
    return -1;
  }
};

// A started child, for a handler running on the same io_context.
class RunningProcess {
 public:
  virtual ~RunningProcess() = default;
  virtual int pid() const = 0;
  // Sends `first_signal` to the child's whole group, then KILL after the
  // grace unless it exited. Only the first call counts; none after the exit.
  virtual void End(int first_signal) = 0;
};

// Starts the child and runs `ctx` until it exited (and, when its output
// passes through us, captured or redacted, that output ended). `on_started`
// is called once the child runs, before any waiting: a caller's own handlers
// on `ctx` (signals it forwards) can keep the RunningProcess and call End()
// until RunProcess returns.
ProcessResult RunProcess(boost::asio::io_context& ctx, const ProcessSpec& spec,
                         const std::function<void(RunningProcess&)>& on_started = {});
// The same on an io_context of its own.
ProcessResult RunProcess(const ProcessSpec& spec);

// Running a short helper command (docker info, docker ps, a Python probe) and
// capturing what it prints, stdout and stderr together (1 MB at most), with a
// timeout that ends its group. It runs on an io_context of its own, so it works
// after cbrun was interrupted, which is when leftover containers must still be
// removed. argv[0] is looked up on PATH when it has no '/'. stdin is /dev/null.
ProcessResult Capture(const std::vector<std::string>& argv, double timeout_s,
                      const EnvironmentOverrides& env_set = {});

// The first line of `text` that is not blank, without trailing blanks, for messages ("" when
// every line is blank).
std::string FirstLine(const std::string& text);

}  // namespace cb
