// Waiting for a started child (util/process.cc's part, not for callers of
// util/process.h): its output pumped through us, its group ended at the
// timeout (TERM, grace, KILL), and once it exited what is left of its group
// killed and reaped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/v2/process.hpp>
#include <cstdio>
#include <functional>
#include <optional>

#include "util/process.h"
#include "util/process_output.h"

namespace cb::process_internal {

// The child as the waiter's handlers and the caller's see it.
class Child final : public RunningProcess {
 public:
  Child(boost::asio::io_context& ctx, int pid, double grace_s)
      : grace_(ctx), pid_(pid), grace_s_(grace_s) {}

  int pid() const override { return pid_; }
  void End(int first_signal) override;

  void Exited() {
    exited_ = true;
    grace_.cancel();
  }
  bool exited() const { return exited_; }
  bool ending() const { return ending_; }
  void CancelGrace() { grace_.cancel(); }

 private:
  boost::asio::steady_timer grace_;
  const int pid_;
  const double grace_s_;
  bool exited_ = false;
  bool ending_ = false;
};

// Waits for a started child on `ctx`. Its output, when it passes through us
// (a capture, or a redacted log: `redacted_log` not null), is read from
// `reader` into result->output or the log; result->timed_out is set when the
// timeout ended it.
class ChildWaiter {
 public:
  ChildWaiter(boost::asio::io_context& ctx, const ProcessSpec& spec,
              boost::process::v2::process& proc, boost::asio::readable_pipe& reader,
              FILE* redacted_log, ProcessResult* result);

  // Returns once Done(): the handlers run until then, and the group's
  // leftovers are gone when it returns (unless a daemon's session is kept).
  void Wait(const std::function<void(RunningProcess&)>& on_started);

 private:
  // The one test of the wait's end: the child exited and, when its output
  // passes through us, that output ended.
  bool Done() const { return child_.exited() && (!pump_ || pump_->ended()); }
  // Called by each event that may end the wait (the exit, the output's end).
  void StopIfDone();

  bool KillsLeftovers() const;
  void WatchExit();
  void DrainLogAfterExit();
  void ArmDeadline();
  void RunUntilDone();
  void FlushCancelledHandlers();
  void EndLeftovers();

  boost::asio::io_context& ctx_;
  const ProcessSpec& spec_;
  boost::process::v2::process& proc_;
  ProcessResult* const result_;
  const int pgid_;
  Child child_;
  boost::asio::steady_timer deadline_;
  // Where the output goes when it passes through us, and its reader.
  std::optional<CappedOutput> capture_;
  std::optional<RedactedLog> log_;
  std::optional<OutputPump> pump_;
};

}  // namespace cb::process_internal
