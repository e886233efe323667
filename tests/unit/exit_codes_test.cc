// The exit codes of cbgen and cbrun (core/exit_codes.h): an interrupt is
// 128 + the signal. (The command lines themselves: integration/cli_test.cc.)
#include <signal.h>

#include <gtest/gtest.h>

#include "core/exit_codes.h"

namespace {

TEST(ExitCodes, InterruptedIs128PlusTheSignal) {
  EXPECT_EQ(cb::ExitInterrupted(SIGINT), 130);
  EXPECT_EQ(cb::ExitInterrupted(SIGTERM), 143);
  EXPECT_EQ(cb::ExitInterrupted(SIGHUP), 129);
  EXPECT_EQ(cb::kExitOk, 0);
  EXPECT_NE(cb::kExitFailed, cb::kExitOk);
}

}  // namespace
