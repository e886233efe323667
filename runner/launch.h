// Launching cooperbench for one attempt: spawned through the one launcher
// (util/process.h: its own process group, /dev/null as stdin, output to a
// log file redacted as it is written, a wall-clock timeout that ends the
// whole group: TERM, grace, KILL), plus forwarding of SIGINT, SIGTERM and SIGHUP received by cbrun
// to that group, waits that a signal cuts short, and reaping of the group's orphans (cbrun is a
// child subreaper).
#pragma once

#include <memory>

#include "util/process.h"
#include "util/redact.h"

namespace cb {

// One run of a child: how it ended, and the signal cbrun got meanwhile.
struct LaunchResult {
  ProcessResult process;
  int interrupt_signal = 0;  // cbrun got this signal while the child ran
};

// Spawning behind an interface, so the pair runner tests without processes.
class Launcher {
 public:
  virtual ~Launcher() = default;
  // Runs `spec` to its end. Its output goes to spec.log_file, redacted by
  // the launcher (which sets spec.log_redactor itself).
  virtual LaunchResult Run(const ProcessSpec& spec) = 0;
  // Waits; returns false at once if cbrun is interrupted meanwhile.
  virtual bool Sleep(double seconds) = 0;
  // The signal that interrupted cbrun, or 0.
  virtual int interrupt_signal() const = 0;
};

// The real thing (util/process.h's RunProcess on an Asio io_context that
// also waits for the signals). Catches SIGINT, SIGTERM and SIGHUP for its
// whole lifetime: create it before starting work. Every log it writes goes
// through `redactor` a line at a time (the child writes into a pipe): no
// secret value and no URL password reaches a log file.
std::unique_ptr<Launcher> MakeProcessLauncher(Redactor redactor = Redactor());

}  // namespace cb
