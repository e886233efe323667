// The Ninja text of a small plan, checked by the real ninja parser: `ninja -t
// targets` and `ninja -t commands` read it as written. (The text itself:
// unit/ninja_writer_test.cc, from the same plan.)
#include <gtest/gtest.h>

#include <sstream>

#include "generator/ninja_writer.h"
#include "generator/plan.h"
#include "test_util.h"

namespace cb {
namespace {

BuildFileInfo Info() {
  BuildFileInfo info;
  info.cbgen = "/opt/cb gen/cbgen";
  info.cbrun = "/opt/cb gen/cbrun";
  info.config = "out/config.json";
  info.regen_args = {"lite", "--dataset-dir", "/data set"};
  info.regen_inputs = {"/data set/subsets/lite.json", "/data set/dspy_task/task8394"};
  return info;
}

Plan SmallPlan(const std::string& backend = "docker") {
  ExperimentOptions o;
  o.settings = {Setting::kSolo, Setting::kCoopNocomm};
  o.run_prefix = "command-a";
  o.backend = backend;
  auto plan = MakePlan({TaskSpec{"dspy_task", 8394, {3, 4}, {{3, 4}}}}, o, {});
  return *plan;
}

std::string Write(const Plan& plan, const ExperimentOptions& o, const BuildFileInfo& info) {
  std::ostringstream os;
  absl::Status s = WriteBuildNinja(plan, o, info, os);
  EXPECT_TRUE(s.ok()) << s;
  return os.str();
}

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
