// Issue 4, no leaked containers: the label value that marks an attempt's
// containers is new for every attempt, even of the same attempt id. (The
// containers removed after a timeout or Ctrl-C: integration/containers_test.cc.)
#include <gtest/gtest.h>

#include <string>

#include "runner/container_tracker.h"

namespace {

TEST(NewLabelValue, UniquePerAttemptEvenForTheSameAttemptId) {
  const std::string a = cb::NewLabelValue("command-a-solo.dspy_task.8394.f1_f2.1");
  const std::string b = cb::NewLabelValue("command-a-solo.dspy_task.8394.f1_f2.1");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("command-a-solo.dspy_task.8394.f1_f2.1.", 0), 0u) << a;
}

}  // namespace
