// The real launcher with real tiny commands: exit codes, signals, timeouts
// that end the whole process group, a missing binary, environment and logs.
#include "runner/launch.h"

#include <signal.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "test_util.h"

namespace cb {
namespace {

struct Launch : testing::Test {
  cbtest::TempDir dir;
  std::unique_ptr<Launcher> launcher = MakeProcessLauncher();

  LaunchResult Sh(const std::string& script, double timeout = 0, double grace = 1) {
    LaunchSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.log_file = dir / "log.txt";
    spec.timeout_s = timeout;
    spec.grace_s = grace;
    return launcher->Run(spec);
  }
};

TEST_F(Launch, ExitCodeAndOutputInTheLog) {
  LaunchResult r = Sh("echo out; echo err >&2; exit 3");
  EXPECT_TRUE(r.outcome.started);
  EXPECT_EQ(r.outcome.exit_code, 3);
  EXPECT_FALSE(r.outcome.signal.has_value());
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"), "out\nerr\n");
}

TEST_F(Launch, DeathBySignalIsToldApartFromAnExitCode) {
  LaunchResult r = Sh("kill -TERM $$");
  EXPECT_EQ(r.outcome.signal, SIGTERM);
  EXPECT_FALSE(r.outcome.exit_code.has_value());
  r = Sh("kill -KILL $$");
  EXPECT_EQ(r.outcome.signal, SIGKILL);
}

TEST_F(Launch, MissingBinaryDoesNotStart) {
  LaunchSpec spec;
  spec.argv = {"cbtest-no-such-binary"};
  spec.log_file = dir / "log.txt";
  LaunchResult r = launcher->Run(spec);
  EXPECT_FALSE(r.outcome.started);
  EXPECT_EQ(r.outcome.start_error, "cbtest-no-such-binary: not found on PATH");
}

TEST_F(Launch, TimeoutEndsTheWholeGroupIncludingGrandchildren) {
  const auto start = std::chrono::steady_clock::now();
  LaunchResult r = Sh("sleep 30 & echo $! > " + (dir / "grandchild.pid").string() + "; sleep 30", 0.2);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.outcome.timed_out);
  EXPECT_EQ(r.outcome.signal, SIGTERM);
  EXPECT_LT(took, 5);
  const int grandchild = std::stoi(cbtest::ReadText(dir / "grandchild.pid"));
  EXPECT_FALSE(cbtest::ProcessAlive(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST_F(Launch, ATermIgnoringChildIsKilledAfterTheGrace) {
  LaunchResult r = Sh("trap '' TERM; sleep 30", 0.2, 0.3);
  EXPECT_TRUE(r.outcome.timed_out);
  EXPECT_EQ(r.outcome.signal, SIGKILL);
}

TEST_F(Launch, ChildGetsItsOwnProcessGroupAndDevNullStdin) {
  LaunchSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo $(ps -o pgid= -p $$) $$ > " + (dir / "ids").string() +
                                    "; cat > " + (dir / "stdin.txt").string()};
  spec.log_file = dir / "log.txt";
  LaunchResult r = launcher->Run(spec);
  EXPECT_EQ(r.outcome.exit_code, 0);
  std::istringstream ids(cbtest::ReadText(dir / "ids"));
  int pgid = 0, pid = 0;
  ids >> pgid >> pid;
  EXPECT_EQ(pgid, pid) << "the child leads its own group";
  EXPECT_EQ(cbtest::ReadText(dir / "stdin.txt"), "");
}

TEST_F(Launch, EnvironmentIsInheritedPlusOverrides) {
  ::setenv("CBTEST_INHERITED", "yes", 1);
  LaunchSpec spec;
  spec.argv = {"/bin/sh", "-c", "echo $CBTEST_INHERITED $CBTEST_SET"};
  spec.log_file = dir / "log.txt";
  spec.env_set = {{"CBTEST_SET", "set"}};
  launcher->Run(spec);
  EXPECT_EQ(cbtest::ReadText(dir / "log.txt"), "yes set\n");
}

TEST_F(Launch, SignalToTheRunnerIsForwardedToTheGroup) {
  std::thread killer([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(::getpid(), SIGTERM);
  });
  const auto start = std::chrono::steady_clock::now();
  LaunchResult r = Sh("sleep 30");
  killer.join();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.interrupt_signal, SIGTERM);
  EXPECT_EQ(r.outcome.signal, SIGTERM);
  EXPECT_LT(took, 5);
  EXPECT_EQ(launcher->interrupt_signal(), SIGTERM);
  EXPECT_FALSE(launcher->Sleep(10)) << "once interrupted, waits return at once";
}

TEST_F(Launch, SleepWaits) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(launcher->Sleep(0.1));
  EXPECT_GE(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.09);
}

}  // namespace
}  // namespace cb
