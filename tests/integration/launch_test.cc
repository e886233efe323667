// The real launchers with real tiny commands: exit codes, signals, timeouts
// that end the whole process group, a missing binary, environment and logs;
// cbrun's (runner/launch.h) and the generic one under it (util/process.h).
#include "runner/launch.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "util/process.h"
#include "util/redact.h"
#include "test_util.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

// A bound on a wait for an event that only a hang exceeds, on a loaded
// machine too; the children below that must be ended sleep longer (300 s),
// so that one gone within it was ended, not finished.
constexpr double kHangGuardS = 120;

// Polls until `pid` is gone (dead or a zombie), up to kHangGuardS. A KILLed
// process dies once it is scheduled, which on a loaded machine is not at once.
bool Dies(int pid) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kHangGuardS);
  while (cbtest::ProcessAlive(pid) && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return !cbtest::ProcessAlive(pid);
}

// Runs `run(timeout)` with a timeout that starts at `first` and doubles until
// the script got far enough to write `ready` before the timeout ended it: on
// a loaded machine a short timeout may fire while the shell still starts,
// and such a run shows nothing about what the test asks.
template <typename Run>
auto WithTimeoutPastSetUp(double first, const fs::path& ready, Run run) {
  for (double timeout = first;; timeout *= 2) {
    fs::remove(ready);
    auto result = run(timeout);
    if (fs::exists(ready) || timeout > kHangGuardS) return result;
  }
}

struct Launch : testing::Test {
  cbtest::TempDir dir;
  std::unique_ptr<Launcher> launcher = MakeProcessLauncher();

  LaunchResult Sh(const std::string& script, double timeout = 0, double grace = 1) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.log_file = dir / "log.txt";
    spec.timeout_s = timeout;
    spec.grace_s = grace;
    return launcher->Run(spec);
  }
};

TEST_F(Launch, ExitCodeAndOutputInTheLog) {
  LaunchResult r = Sh("echo out; echo err >&2; exit 3");
  EXPECT_TRUE(r.process.started);
  EXPECT_EQ(r.process.exit_code, 3);
  EXPECT_FALSE(r.process.signal.has_value());
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"), "out\nerr\n");
}

// Issue 16, item 6: the log is redacted as it is written, even where the
// child writes a key in two pieces, and later runs append to it.
TEST_F(Launch, TheLogIsRedactedAsWrittenEvenAKeySplitAcrossWrites) {
  const std::string key = "cbtest-launch-SECRET-8c2e";
  launcher = MakeProcessLauncher(Redactor({key}));
  LaunchResult r =
      Sh("printf 'error: bad key cbtest-launch-'; sleep 0.1; "
         "printf 'SECRET-8c2e (quoted)\\n' >&2; echo 'redis://:pw@127.0.0.1:1'; "
         "printf 'no newline at the end cbtest-launch-SECRET-8c2e'; exit 4");
  EXPECT_EQ(r.process.exit_code, 4);
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"),
            "error: bad key *** (quoted)\nredis://:***@127.0.0.1:1\nno newline at the end ***");
  Sh("echo second run");
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"),
            "error: bad key *** (quoted)\nredis://:***@127.0.0.1:1\nno newline at the end ***"
            "second run\n");
}

TEST_F(Launch, DeathBySignalIsToldApartFromAnExitCode) {
  LaunchResult r = Sh("kill -TERM $$");
  EXPECT_EQ(r.process.signal, SIGTERM);
  EXPECT_FALSE(r.process.exit_code.has_value());
  r = Sh("kill -KILL $$");
  EXPECT_EQ(r.process.signal, SIGKILL);
}

TEST_F(Launch, MissingBinaryDoesNotStart) {
  ProcessSpec spec;
  spec.argv = {"cbtest-no-such-binary"};
  spec.log_file = dir / "log.txt";
  LaunchResult r = launcher->Run(spec);
  EXPECT_FALSE(r.process.started);
  EXPECT_EQ(r.process.start_error, "cbtest-no-such-binary: not found on PATH");
}

TEST_F(Launch, TimeoutEndsTheWholeGroupIncludingGrandchildren) {
  LaunchResult r = WithTimeoutPastSetUp(0.2, dir / "ready", [&](double timeout) {
    return Sh("sleep 300 & echo $! > " + (dir / "grandchild.pid").string() + "; : > " +
                  (dir / "ready").string() + "; sleep 300",
              timeout);
  });
  ASSERT_TRUE(fs::exists(dir / "ready"));
  EXPECT_TRUE(r.process.timed_out);
  EXPECT_EQ(r.process.signal, SIGTERM);
  // Only a hang: a run that waited for its sleeps would take 300 s.
  EXPECT_LT(r.process.duration_s, kHangGuardS);
  const int grandchild = std::stoi(cbtest::ReadText(dir / "grandchild.pid"));
  EXPECT_TRUE(Dies(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST_F(Launch, ATermIgnoringChildIsKilledAfterTheGrace) {
  // `ready` exists only if the shell ignored TERM before the timeout's TERM came.
  LaunchResult r = WithTimeoutPastSetUp(0.2, dir / "ready", [&](double timeout) {
    return Sh("trap '' TERM; : > " + (dir / "ready").string() + "; sleep 300", timeout, 0.3);
  });
  ASSERT_TRUE(fs::exists(dir / "ready"));
  EXPECT_TRUE(r.process.timed_out);
  EXPECT_EQ(r.process.signal, SIGKILL);
}

TEST_F(Launch, ChildGetsItsOwnProcessGroupAndDevNullStdin) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c",
               "echo $(ps -o pgid= -p $$) $$ > " + (dir / "ids").string() + "; cat > " +
                   (dir / "stdin.txt").string()};
  spec.log_file = dir / "log.txt";
  LaunchResult r = launcher->Run(spec);
  EXPECT_EQ(r.process.exit_code, 0);
  std::istringstream ids(cbtest::ReadText(dir / "ids"));
  int pgid = 0, pid = 0;
  ids >> pgid >> pid;
  EXPECT_EQ(pgid, pid) << "the child leads its own group";
  EXPECT_EQ(cbtest::ReadText(dir / "stdin.txt"), "");
}

TEST_F(Launch, EnvironmentIsInheritedPlusOverrides) {
  ::setenv("CBTEST_INHERITED", "yes", 1);
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo $CBTEST_INHERITED $CBTEST_SET"};
  spec.log_file = dir / "log.txt";
  spec.env_set = {{"CBTEST_SET", "set"}};
  launcher->Run(spec);
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"), "yes set\n");
}

TEST_F(Launch, SignalToTheRunnerIsForwardedToTheGroup) {
  // The signal comes once the child runs (it says so in `started`); its sleep
  // would end by itself, with exit code 0, only after 300 s.
  const fs::path started = dir / "started";
  std::thread killer([&] {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(kHangGuardS);
    while (!fs::exists(started) && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(::getpid(), SIGTERM);
  });
  LaunchResult r = Sh(": > " + started.string() + "; exec sleep 300");
  killer.join();
  EXPECT_EQ(r.interrupt_signal, SIGTERM);
  EXPECT_EQ(r.process.signal, SIGTERM) << "ended by the signal passed on, not by itself";
  EXPECT_EQ(launcher->interrupt_signal(), SIGTERM);
  EXPECT_FALSE(launcher->Sleep(10)) << "once interrupted, waits return at once";
}

TEST_F(Launch, SleepWaits) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(launcher->Sleep(0.1));
  EXPECT_GE(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.09);
}

// The generic launcher (util/process.h), without cbrun's subreaper: what
// leaves the group is reaped by init, so deaths are waited for (Dies).

// Field 6 of /proc/<pid>/stat.
int SessionOf(int pid) {
  const std::string stat = cbtest::ReadText("/proc/" + std::to_string(pid) + "/stat");
  std::vector<std::string> f = absl::StrSplit(stat.substr(stat.rfind(')') + 2), ' ');
  int sid = -1;
  return f.size() > 3 && absl::SimpleAtoi(f[3], &sid) ? sid : -1;
}

struct Process : testing::Test {
  cbtest::TempDir dir;
  ProcessSpec Sh(const std::string& script) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    return spec;
  }
};

TEST_F(Process, CapturesExitCodeAndOutputInItsOwnGroupWithDevNullStdin) {
  ProcessResult c = Capture(
      {"/bin/sh", "-c", "echo out; echo err >&2; echo $(ps -o pgid= -p $$) $$; cat; exit 3"},
      kHangGuardS);
  EXPECT_TRUE(c.started);
  EXPECT_EQ(c.exit_status(), 3);
  EXPECT_FALSE(c.ok());
  std::vector<std::string> lines = absl::StrSplit(c.output, '\n');
  ASSERT_GE(lines.size(), 3u) << c.output;
  EXPECT_EQ(lines[0], "out");
  EXPECT_EQ(lines[1], "err");
  std::vector<std::string> ids = absl::StrSplit(lines[2], ' ', absl::SkipEmpty());
  ASSERT_EQ(ids.size(), 2u) << lines[2];
  EXPECT_EQ(ids[0], ids[1]) << "the child leads its own group";
  EXPECT_NE(ids[0], std::to_string(::getpgrp()));
  EXPECT_EQ(Capture({"/bin/sh", "-c", "kill -TERM $$"}, kHangGuardS).exit_status(), 128 + SIGTERM);
  EXPECT_EQ(FirstLine("first \t\r\nsecond"), "first");
}

TEST_F(Process, TimeoutEndsTheWholeGroupIncludingAGrandchild) {
  ProcessResult c = WithTimeoutPastSetUp(0.3, dir / "ready", [&](double timeout) {
    return Capture({"/bin/sh", "-c",
                    "sleep 300 & echo $! > " + (dir / "grandchild.pid").string() +
                        "; echo started; : > " + (dir / "ready").string() + "; sleep 300"},
                   timeout);
  });
  ASSERT_TRUE(fs::exists(dir / "ready"));
  // Only a hang: a run that waited for its sleeps would take 300 s.
  EXPECT_LT(c.duration_s, kHangGuardS);
  EXPECT_TRUE(c.timed_out);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.exit_status(), 128 + SIGTERM);
  EXPECT_EQ(c.output, "started\n");
  const int grandchild = std::stoi(cbtest::ReadText(dir / "grandchild.pid"));
  EXPECT_TRUE(Dies(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST_F(Process, ATermIgnoringGroupIsKilledAfterTheGrace) {
  // `ready` exists only if the group ignored TERM before the timeout's TERM came.
  ProcessSpec spec = Sh("trap '' TERM; sleep 300 & echo $! > " + (dir / "grandchild.pid").string() +
                        "; : > " + (dir / "ready").string() + "; wait");
  spec.log_file = dir / "log.txt";
  spec.grace_s = 0.3;
  ProcessResult r = WithTimeoutPastSetUp(0.3, dir / "ready", [&](double timeout) {
    spec.timeout_s = timeout;
    return RunProcess(spec);
  });
  ASSERT_TRUE(fs::exists(dir / "ready"));
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_TRUE(Dies(std::stoi(cbtest::ReadText(dir / "grandchild.pid"))));
}

TEST_F(Process, LeftoversOfTheGroupGoWhenTheChildExits) {
  ProcessSpec spec = Sh("sleep 300 & echo $! > " + (dir / "grandchild.pid").string());
  spec.log_file = dir / "log.txt";
  ProcessResult r = RunProcess(spec);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Dies(std::stoi(cbtest::ReadText(dir / "grandchild.pid"))));
}

TEST_F(Process, ADaemonInANewSessionOutlivesTheRun) {
  ProcessSpec spec = Sh("sleep 30 & echo $! > " + (dir / "daemon.pid").string() + "; echo up");
  spec.log_file = dir / "log.txt";
  spec.new_session = true;
  ProcessResult r = RunProcess(spec);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"), "up\n");
  const int daemon = std::stoi(cbtest::ReadText(dir / "daemon.pid"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(cbtest::ProcessAlive(daemon)) << "the daemon did not outlive its starter";
  EXPECT_EQ(SessionOf(daemon), r.pid) << "the daemon is in the session its starter made";
  EXPECT_NE(SessionOf(daemon), SessionOf(::getpid()));
  ::kill(daemon, SIGKILL);
}

// A daemon outside the group that keeps the redacted log's pipe open does
// not hold the run up for longer than a short drain.
TEST_F(Process, ARedactedLogDoesNotWaitForADaemonHoldingItsPipe) {
  const Redactor redactor;
  // The child exits once the daemon (which holds the pipe from its start) has
  // written its pid; the daemon sleeps 300 s.
  const std::string pid_file = (dir / "daemon.pid").string();
  ProcessSpec spec =
      Sh("setsid sh -c 'echo $$ > " + pid_file + ".new && mv " + pid_file + ".new " + pid_file +
         "; exec sleep 300' & while [ ! -s " + pid_file + " ]; do sleep 0.01; done; echo up");
  spec.log_file = dir / "log.txt";
  spec.log_redactor = &redactor;
  ProcessResult r = RunProcess(spec);
  EXPECT_EQ(r.exit_code, 0);
  // Only a hang: a run that waited for the daemon would take 300 s.
  EXPECT_LT(r.duration_s, kHangGuardS) << "waited for the daemon";
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"), "up\n");
  ::kill(std::stoi(cbtest::ReadText(dir / "daemon.pid")), SIGKILL);
}

TEST_F(Process, StdinTextReachesTheChildThenEndOfFile) {
  ProcessSpec spec = Sh("cat; echo end");
  spec.capture = true;
  spec.stdin_text = "requirepass x\n";
  spec.timeout_s = kHangGuardS;
  ProcessResult r = RunProcess(spec);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.output, "requirepass x\nend\n");
  spec.stdin_text = std::string(kMaxStdinText + 1, 'x');
  r = RunProcess(spec);
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.start_error.find("more than"), std::string::npos) << r.start_error;
}

TEST_F(Process, CaptureKeepsAtMostTheCap) {
  ProcessSpec spec = Sh("head -c 300000 /dev/zero | tr '\\0' x; echo done >&2");
  spec.capture = true;
  spec.capture_limit = 1000;
  spec.timeout_s = kHangGuardS;
  ProcessResult r = RunProcess(spec);
  EXPECT_EQ(r.exit_code, 0) << "the child is not blocked by a full pipe";
  EXPECT_EQ(r.output, std::string(1000, 'x'));
  ProcessResult c = Capture({"/bin/sh", "-c", "head -c 3000000 /dev/zero"}, kHangGuardS);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.output.size(), size_t{1} << 20);
}

TEST_F(Process, MissingOrNotExecutableBinaryDoesNotStart) {
  ProcessSpec spec;
  spec.argv = {"cbtest-no-such-binary"};
  ProcessResult r = RunProcess(spec);
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.start_error, "cbtest-no-such-binary: not found on PATH");
  cbtest::WriteText(dir / "plain.txt", "not a program");
  spec.argv = {(dir / "plain.txt").string()};
  r = RunProcess(spec);
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.start_error, (dir / "plain.txt").string() + ": not executable");
  ProcessResult c = Capture({"cbtest-no-such-binary", "x"}, kHangGuardS);
  EXPECT_FALSE(c.started);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.exit_status(), -1) << "no status: it never ended";
  EXPECT_EQ(c.start_error, "cbtest-no-such-binary: not found on PATH");
  c = Capture({(dir / "plain.txt").string()}, kHangGuardS);
  EXPECT_EQ(c.start_error, (dir / "plain.txt").string() + ": not found or not executable");
  EXPECT_EQ(FindExecutable("sh").empty(), false);
  EXPECT_EQ(FindExecutable("cbtest-no-such-binary"), "");
  EXPECT_EQ(FindExecutable("./relative/x"), "./relative/x");
}

TEST_F(Process, RunsInTheFolderAskedFor) {
  fs::create_directories(dir / "sub");
  ProcessSpec spec;
  spec.argv = {"pwd"};  // from PATH, found before the change of folder
  spec.cwd = dir / "sub";
  spec.capture = true;
  ProcessResult r = RunProcess(spec);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, fs::canonical(dir / "sub").string() + "\n");
  spec.cwd = dir / "no-such-folder";
  r = RunProcess(spec);
  EXPECT_FALSE(r.started);
  EXPECT_NE(r.start_error.find("pwd"), std::string::npos) << r.start_error;
  EXPECT_NE(r.start_error.find("no-such-folder: no such folder"), std::string::npos)
      << r.start_error;
}

// Where a fork handler of ours would run: in the child of a fork(), before the
// exec. It writes a byte to a pipe, which only a fork's child does.
std::atomic<int> fork_child_marker_fd{-1};
void MarkForkChild() {
  const int fd = fork_child_marker_fd.load();
  if (fd >= 0) (void)!::write(fd, "x", 1);
}

// A child that ran code between the fork and the exec (Boost.Process's
// launchers notify Asio, which allocates) could wait there for good on a lock
// another thread held at the fork, and its parent with it, before any timeout
// is armed. The launch runs none: no fork handler runs in the child, and
// children start while another thread allocates (the hang's setting).
TEST_F(Process, TheChildRunsNoCodeOfOursBeforeItsExec) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  static std::once_flag registered;
  std::call_once(registered, [] { ::pthread_atfork(nullptr, nullptr, &MarkForkChild); });
  fork_child_marker_fd = fds[1];
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    std::vector<std::string> garbage;
    while (!stop) {
      garbage.emplace_back(64 + garbage.size() % 4000, 'x');
      if (garbage.size() > 2000) garbage.clear();
    }
  });
  for (int i = 0; i < 20; ++i) {
    ProcessResult r = Capture({"/bin/true"}, kHangGuardS);
    EXPECT_TRUE(r.ok()) << r.start_error;
  }
  stop = true;
  busy.join();
  fork_child_marker_fd = -1;
  char buf[64];
  const ssize_t n = ::read(fds[0], buf, sizeof buf);
  EXPECT_EQ(n, -1) << "a fork handler ran in " << n << " children";
  ::close(fds[0]);
  ::close(fds[1]);

  // The handler does run in a plain fork's child: the check above can fail.
  fork_child_marker_fd = fds[1] = -1;
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  fork_child_marker_fd = fds[1];
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ASSERT_GT(pid, 0);
  ::waitpid(pid, nullptr, 0);
  fork_child_marker_fd = -1;
  EXPECT_EQ(::read(fds[0], buf, sizeof buf), 1);
  ::close(fds[0]);
  ::close(fds[1]);
}

// Whatever we ignore or block, the child starts with the default action for
// INT, TERM, HUP and PIPE and with no signal blocked.
TEST_F(Process, TheChildStartsWithDefaultSignalsAndNoneBlocked) {
  struct sigaction ignore {}, old_pipe{}, old_hup{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  ::sigaction(SIGHUP, &ignore, &old_hup);
  sigset_t usr1, old_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  ::pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);
  ProcessResult c = Capture({"/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"}, kHangGuardS);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);
  ASSERT_TRUE(c.ok()) << c.output;
  uint64_t ignored = ~0ull, blocked = ~0ull;
  for (absl::string_view line : absl::StrSplit(c.output, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, absl::ByAnyChar(":\t "), absl::SkipEmpty());
    ASSERT_EQ(f.size(), 2u) << line;
    uint64_t bits = 0;
    ASSERT_TRUE(absl::SimpleHexAtoi(f[1], &bits)) << line;
    (f[0] == "SigIgn" ? ignored : blocked) = bits;
  }
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
    EXPECT_EQ(ignored & (1ull << (s - 1)), 0u) << "signal " << s << " ignored: " << c.output;
  EXPECT_EQ(blocked, 0u) << c.output;
}

TEST_F(Process, EnvironmentIsInheritedPlusOverrides) {
  ::setenv("CBTEST_INHERITED", "yes", 1);
  ::setenv("CBTEST_OVERRIDDEN", "old", 1);
  ProcessResult c =
      Capture({"/bin/sh", "-c", "echo $CBTEST_INHERITED $CBTEST_OVERRIDDEN $CBTEST_SET"},
              kHangGuardS, {{"CBTEST_SET", "set"}, {"CBTEST_OVERRIDDEN", "new"}});
  EXPECT_EQ(c.output, "yes new set\n");
  std::vector<std::string> env = ChildEnvironment({{"CBTEST_SET", "set"}});
  EXPECT_TRUE(std::is_sorted(env.begin(), env.end()));
  EXPECT_NE(std::find(env.begin(), env.end(), "CBTEST_SET=set"), env.end());
  EXPECT_NE(std::find(env.begin(), env.end(), "CBTEST_INHERITED=yes"), env.end());
}

TEST_F(Process, TheCallerCanEndTheGroupFromItsOwnHandlers) {
  boost::asio::io_context ctx;
  int pid = 0;
  ProcessSpec spec;
  spec.argv = {"sleep", "30"};  // no shell, whose start-up may handle SIGINT itself
  ProcessResult r = RunProcess(ctx, spec, [&](RunningProcess& child) {
    pid = child.pid();
    child.End(SIGINT);
  });
  EXPECT_TRUE(r.started);
  EXPECT_EQ(pid, r.pid);
  EXPECT_EQ(r.signal, SIGINT);
  EXPECT_FALSE(r.timed_out);
}

}  // namespace
}  // namespace cb
