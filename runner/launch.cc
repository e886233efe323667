#include "runner/launch.h"

#include <signal.h>
#include <sys/prctl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <utility>

#include "util/process.h"

namespace cb {
namespace asio = boost::asio;

namespace {

class ProcessLauncher : public Launcher {
 public:
  explicit ProcessLauncher(Redactor redactor)
      : redactor_(std::move(redactor)), signals_(ctx_, SIGINT, SIGTERM, SIGHUP) {
    // Orphans of a child's group become cbrun's children, so RunProcess can
    // reap them: when a run returns, its whole group is dead.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    ArmSignals();
  }

  LaunchResult Run(const ProcessSpec& spec) override;
  bool Sleep(double seconds) override;
  int interrupt_signal() const override { return interrupt_signal_; }

 private:
  // A signal that arrives between waits stays queued in the signal_set and is
  // seen by the next wait; once seen it is remembered for good.
  void ArmSignals() {
    if (armed_) return;
    armed_ = true;
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
      armed_ = false;
      if (ec) return;
      interrupt_signal_ = sig;
      if (on_signal_) on_signal_(sig);
    });
  }

  const Redactor redactor_;
  asio::io_context ctx_;
  asio::signal_set signals_;
  int interrupt_signal_ = 0;
  bool armed_ = false;
  std::function<void(int)> on_signal_;
};

LaunchResult ProcessLauncher::Run(const ProcessSpec& spec) {
  LaunchResult r;
  if (interrupt_signal_ != 0) {
    r.interrupt_signal = interrupt_signal_;
    r.process.start_error = "interrupted before start";
    return r;
  }
  ProcessSpec process = spec;
  process.log_redactor = &redactor_;
  r.process = RunProcess(ctx_, process, [&](RunningProcess& child) {
    // Forward the signal cbrun got (Ctrl-C reaches cbrun, not the child's group).
    on_signal_ = [&r, &child](int sig) {
      r.interrupt_signal = sig;
      child.End(sig);
    };
    if (interrupt_signal_ != 0) {
      r.interrupt_signal = interrupt_signal_;
      child.End(interrupt_signal_);
    }
    ArmSignals();
  });
  on_signal_ = nullptr;
  return r;
}

bool ProcessLauncher::Sleep(double seconds) {
  if (interrupt_signal_ != 0) return false;
  if (seconds <= 0) return true;
  asio::steady_timer t(ctx_);
  bool done = false;
  t.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds)));
  t.async_wait([&](const boost::system::error_code&) {
    done = true;
    ctx_.stop();
  });
  on_signal_ = [&](int) { t.cancel(); };
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

std::unique_ptr<Launcher> MakeProcessLauncher(Redactor redactor) {
  return std::make_unique<ProcessLauncher>(std::move(redactor));
}

}  // namespace cb
