// The exit codes of cbgen and cbrun, named once. Ninja stops a build at a
// non-zero exit; cbrun exits 0 after writing any record, so only what would
// fail every pair alike (kExitFatal) or an interruption stops the build.
#pragma once

namespace cb {

inline constexpr int kExitOk = 0;
// cbgen: the command failed (bad input, unreadable records); nothing was
// written. cbrun run: this pair's record was not written (an error of this
// pair only); cbrun pull: no stamp was written.
inline constexpr int kExitFailed = 1;
// cbrun: an error that would fail every pair alike (no cooperbench, a
// rejected key, a command line the release rejects): write nothing, stop.
inline constexpr int kExitFatal = 2;
// A command line that is not understood (an unknown option or command, an
// option the command does not take): nothing ran. The same code as fatal.
inline constexpr int kExitUsage = 2;

// Ended by signal `sig` (SIGINT, SIGTERM, SIGHUP), as a shell reports a
// process killed by it: 128 + the signal's number (130 for SIGINT, 143 for
// SIGTERM).
constexpr int ExitInterrupted(int sig) {
  return 128 + sig;
}

}  // namespace cb
