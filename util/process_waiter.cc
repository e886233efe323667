#include "util/process_waiter.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "util/process_stdio.h"

namespace cb::process_internal {

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace {

using Clock = std::chrono::steady_clock;

// A process stuck in the kernel (uninterruptible I/O, a hung NFS mount) may
// never be reaped; the group was sent KILL, so 5 s covers any that can die.
constexpr auto kReapGroupTimeout = std::chrono::seconds(5);
// Between looks for a reapable leftover: KILLed processes go within a few ms.
constexpr auto kReapGroupPollInterval = std::chrono::milliseconds(2);
// How long a redacted log's pipe may stay open after the child exited and its
// group was killed: only a process outside the group (a daemon it started
// without closing its stdout) can still hold it, and its output is not the
// child's.
constexpr double kLogDrainAfterExitS = 2;

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

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

}  // namespace

void Child::End(int first_signal) {
  if (ending_ || exited_) return;
  ending_ = true;
  ::kill(-pid_, first_signal);
  grace_.expires_after(Seconds(grace_s_));
  grace_.async_wait([this](const bp::error_code& ec) {
    if (!ec && !exited_) ::kill(-pid_, SIGKILL);
  });
}

ChildWaiter::ChildWaiter(asio::io_context& ctx, const ProcessSpec& spec, bp::process& proc,
                         asio::readable_pipe& reader, FILE* redacted_log, ProcessResult* result)
    : ctx_(ctx),
      spec_(spec),
      proc_(proc),
      result_(result),
      pgid_(proc.id()),
      child_(ctx, pgid_, spec.grace_s),
      deadline_(ctx) {
  OutputSink* sink = nullptr;
  if (Captures(spec))
    sink = &capture_.emplace(&result->output, spec.capture_limit);
  else if (redacted_log != nullptr)
    sink = &log_.emplace(redacted_log, *spec.log_redactor);
  if (sink != nullptr) pump_.emplace(reader, *sink, [this] { StopIfDone(); });
}

void ChildWaiter::Wait(const std::function<void(RunningProcess&)>& on_started) {
  if (pump_) pump_->Start();
  WatchExit();
  if (spec_.timeout_s > 0) ArmDeadline();
  if (on_started) on_started(child_);
  RunUntilDone();
  FlushCancelledHandlers();
  EndLeftovers();
}

void ChildWaiter::StopIfDone() {
  if (!Done()) return;
  deadline_.cancel();
  ctx_.stop();
}

// Whether the group's leftovers go with the child: always, unless the child
// was a daemon's starter in a session of its own and not being ended.
bool ChildWaiter::KillsLeftovers() const {
  return !spec_.new_session || child_.ending();
}

void ChildWaiter::WatchExit() {
  proc_.async_wait([this](const bp::error_code&, int) {
    child_.Exited();
    // Leftovers of the group (a grandchild that outlived its parent) go too.
    if (KillsLeftovers()) ::kill(-pgid_, SIGKILL);
    if (!Done() && log_) DrainLogAfterExit();
    StopIfDone();
  });
}

// What outside the group still holds the log's pipe gets a short while, then
// the pipe is closed (replacing the timeout's wait, if any).
void ChildWaiter::DrainLogAfterExit() {
  deadline_.expires_after(Seconds(kLogDrainAfterExitS));
  deadline_.async_wait([this](const bp::error_code& ec) {
    if (!ec) pump_->Close();
  });
}

// At spec.timeout_s: TERM to the group, KILL after the grace.
void ChildWaiter::ArmDeadline() {
  deadline_.expires_after(Seconds(spec_.timeout_s));
  deadline_.async_wait([this](const bp::error_code& ec) {
    if (ec) return;
    if (child_.exited()) {  // something outside the group still holds the output
      if (pump_) pump_->Close();
      return;
    }
    result_->timed_out = true;
    child_.End(SIGTERM);
  });
}

void ChildWaiter::RunUntilDone() {
  ctx_.restart();
  while (!Done()) {
    ctx_.run();
    ctx_.restart();
  }
}

// Runs the cancelled handlers now, while what they refer to is alive.
void ChildWaiter::FlushCancelledHandlers() {
  deadline_.cancel();
  child_.CancelGrace();
  if (pump_) pump_->Close();
  ctx_.poll();
  ctx_.restart();
}

void ChildWaiter::EndLeftovers() {
  if (!KillsLeftovers()) return;
  ::kill(-pgid_, SIGKILL);
  ReapGroup(pgid_);
}

}  // namespace cb::process_internal
