// The Ninja text for a small plan, compared whole (after the fixed template header).
// (The real ninja parser reads it in integration/ninja_writer_ninja_test.cc.)
#include "generator/ninja_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "generator/build_ninja_template.h"
#include "generator/plan.h"
#include "ninja_writer_util.h"

namespace cb {
namespace {

using namespace cbtest::ninja_writer;

TEST(WriteBuildNinja, WholeOutput) {
  ExperimentOptions o;
  o.settings = {Setting::kSolo, Setting::kCoopNocomm};
  const std::string text = Write(SmallPlan(), o, Info());
  const std::string body = text.substr(text.find("# Regenerate when"));
  EXPECT_EQ(body,
            "# Regenerate when the subset or the dataset's task folders change.\n"
            "build build.ninja out/config.json: regen | /data$ set/subsets/lite.json "
            "/data$ set/dspy_task/task8394\n"
            "  regen_args = lite --dataset-dir '/data set'\n"
            "\n"
            "# One Docker image per task: pulled if missing, then verified.\n"
            "build out/images/dspy_task-task8394.stamp: pull\n"
            "  repo = dspy_task\n"
            "  task = 8394\n"
            "  image = akhatua/cooperbench-dspy:task8394\n"
            "\n"
            "build images: phony out/images/dspy_task-task8394.stamp\n"
            "\n"
            "# solo: 1 pairs\n"
            "build out/command-a-solo/dspy_task/task8394/f3_f4.json: run || images\n"
            "  setting = solo\n"
            "  run_name = command-a-solo\n"
            "  repo = dspy_task\n"
            "  task = 8394\n"
            "  features = 3,4\n"
            "  desc = solo dspy/8394 [3,4]\n"
            "build solo: phony out/command-a-solo/dspy_task/task8394/f3_f4.json\n"
            "\n"
            "# coop-nocomm: 1 pairs\n"
            "build out/command-a-coop-nocomm/dspy_task/task8394/f3_f4.json: run || images\n"
            "  setting = coop-nocomm\n"
            "  run_name = command-a-coop-nocomm\n"
            "  repo = dspy_task\n"
            "  task = 8394\n"
            "  features = 3,4\n"
            "  desc = coop-nocomm dspy/8394 [3,4]\n"
            "build coop-nocomm: phony out/command-a-coop-nocomm/dspy_task/task8394/f3_f4.json\n"
            "\n"
            "build all: phony images solo coop-nocomm\n"
            "default all\n");
  EXPECT_NE(text.find("cbgen = '/opt/cb gen/cbgen'"), std::string::npos);
  EXPECT_NE(text.find("pool pulls\n  depth = 2"), std::string::npos);
}

TEST(WriteBuildNinja, RunRuleIsAGeneratorRule) {
  // generator = 1: `ninja -t clean` keeps the records (only -g removes them)
  // and a changed command line alone re-runs no pair.
  const std::string text = Write(SmallPlan(), ExperimentOptions{}, Info());
  const std::string rule = text.substr(text.find("rule run\n"));
  EXPECT_EQ(rule.substr(rule.find("  description"), 78),
            "  description = $desc\n"
            "  pool = runs\n"
            "  restat = 1\n"
            "  generator = 1\n"
            "\n"
            "# Regenerate");
}

TEST(WriteBuildNinja, RecordsThePlanLeavesOutArePhonyOutputsOutsideAll) {
  ExperimentOptions o;
  o.settings = {Setting::kSolo};
  o.run_prefix = "command-a";
  o.backend = "modal";
  const std::vector<RecordedPair> recorded = {
      {"command-a-solo", {"dspy_task", 8394, 3, 4}},       // planned
      {"command-a-coop-comm", {"dspy_task", 8394, 3, 4}},  // setting left out
      {"command-a-solo", {"dspy_task", 8394, 4, 5}},       // pair left out
      {"command-r-solo", {"go_chi_task", 27, 1, 2}},       // another run prefix
  };
  auto plan = MakePlan({TaskSpec{"dspy_task", 8394, {3, 4, 5}, {{3, 4}}}}, o, {}, recorded);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const std::string text = Write(*plan, o, Info());
  const std::string body = text.substr(text.find("# solo: "));
  EXPECT_EQ(body,
            "# solo: 1 pairs\n"
            "build out/command-a-solo/dspy_task/task8394/f3_f4.json: run\n"
            "  setting = solo\n"
            "  run_name = command-a-solo\n"
            "  repo = dspy_task\n"
            "  task = 8394\n"
            "  features = 3,4\n"
            "  desc = solo dspy/8394 [3,4]\n"
            "build solo: phony out/command-a-solo/dspy_task/task8394/f3_f4.json\n"
            "\n"
            "# 3 records of pairs this plan leaves out, known to Ninja so that\n"
            "# `ninja -t clean` and `-t cleandead` keep them (not part of `all`).\n"
            "build out/command-a-coop-comm/dspy_task/task8394/f3_f4.json: phony\n"
            "build out/command-a-solo/dspy_task/task8394/f4_f5.json: phony\n"
            "build out/command-r-solo/go_chi_task/task27/f1_f2.json: phony\n"
            "\n"
            "build all: phony images solo\n"
            "default all\n");
}

TEST(WriteBuildNinja, NothingKnobLikeOnCommandLines) {
  const std::string text = Write(SmallPlan(), ExperimentOptions{}, Info());
  for (const char* knob : {"--timeout", "--retries", "--redis", "--cooperbench", "--registry"})
    EXPECT_EQ(text.find(std::string("run ") + knob), std::string::npos) << knob;
  const std::string rule = text.substr(text.find("rule run"), 400);
  EXPECT_EQ(rule.find("timeout"), std::string::npos);
}

TEST(WriteBuildNinja, CloudBackendHasNoPullsAndNoImageWait) {
  ExperimentOptions o;
  o.backend = "modal";
  const std::string text = Write(SmallPlan("modal"), o, Info());
  EXPECT_EQ(text.find(": pull"), std::string::npos);
  EXPECT_EQ(text.find("|| images"), std::string::npos);
  EXPECT_NE(text.find("build images: phony\n"), std::string::npos);
}

TEST(WriteBuildNinja, RefusesAPathNinjaCannotExpressAndWritesNothing) {
  BuildFileInfo info = Info();
  info.regen_inputs.push_back("/data|set");
  std::ostringstream os;
  absl::Status s = WriteBuildNinja(SmallPlan(), ExperimentOptions{}, info, os);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(os.str().empty());
}

}  // namespace
}  // namespace cb
