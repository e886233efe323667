// The Ninja text of a small plan, checked by the real ninja parser: `ninja -t
// targets` and `ninja -t commands` read it as written. (The text itself:
// unit/ninja_writer_test.cc, from the same plan.)
#include <gtest/gtest.h>

#include <sstream>

#include "generator/ninja_writer.h"
#include "generator/plan.h"
#include "ninja_writer_util.h"
#include "test_util.h"

namespace cb {
namespace {

using namespace cbtest::ninja_writer;

TEST(WriteBuildNinja, RealNinjaParsesItAndListsTheTargets) {
  cbtest::TempDir dir;
  const std::string text = Write(SmallPlan(), ExperimentOptions{}, Info());
  cbtest::WriteText(dir / "build.ninja", text);
  cbtest::CommandResult r = cbtest::Run("ninja -t targets all", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("out/command-a-solo/dspy_task/task8394/f3_f4.json: run"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("out/images/dspy_task-task8394.stamp: pull"), std::string::npos);
  r = cbtest::Run("ninja -t commands solo", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("'/opt/cb gen/cbrun' run --config out/config.json --setting solo "
                          "--repo dspy_task --task 8394 --features 3,4 --model command-a-03-2025 "
                          "--agent mini_swe_agent --backend docker --run-name command-a-solo "
                          "--record out/command-a-solo/dspy_task/task8394/f3_f4.json"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace cb
