// Launching cooperbench for one attempt: spawned through the one launcher
// (util/process.h: its own process group, /dev/null as stdin, output to a
// log file redacted as it is written, a wall-clock timeout that ends the
// whole group: TERM, grace, KILL), plus forwarding of SIGINT, SIGTERM and SIGHUP received by cbrun
// to that group, waits that a signal cuts short, and reaping of the group's orphans (cbrun is a
// child subreaper).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/process.h"
#include "util/redact.h"
#include "runner/classify.h"

namespace cb {

struct LaunchSpec {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no '/'
  // stdout and stderr are appended here, redacted by the launcher's Redactor.
  std::filesystem::path log_file;
  std::vector<std::pair<std::string, std::string>> env_set;  // on top of cbrun's environment
  std::filesystem::path cwd;                                 // empty: cbrun's own
  double timeout_s = 0;                                      // 0: none
  double grace_s = kDefaultGraceS;
};

struct LaunchResult {
  ProcessOutcome outcome;
  int interrupt_signal = 0;  // cbrun got this signal while the child ran
  int pid = 0;
  double duration_s = 0;
};

// Spawning behind an interface, so the pair runner tests without processes.
class Launcher {
 public:
  virtual ~Launcher() = default;
  virtual LaunchResult Run(const LaunchSpec& spec) = 0;
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
