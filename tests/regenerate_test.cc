// build.ninja regenerates itself when the subset changes (a generator = 1 edge),
// and a regeneration re-runs only what is new. Cloud backend: no Docker needed.
#include <gtest/gtest.h>

#include <thread>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

TEST(Regenerate, EditingTheSubsetRegeneratesAndRunsOnlyTheNewPair) {
  cbtest::Experiment x;
  const fs::path subset = x.dir / "mini.json";
  cbtest::WriteText(subset, R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,4]]}]})");
  cbtest::CommandResult gen =
      x.Generate(subset.string(), "--backend modal --settings solo,coop-nocomm");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult run = x.Ninja("-j2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 2u);
  EXPECT_NE(x.Ninja().output.find("no work to do"), std::string::npos);

  cbtest::WriteText(subset,
                    R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,4],[4,5]]}]})");
  cbtest::TouchNewerThan(subset, x.dir / "build.ninja");
  run = x.Ninja("-j2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("regenerating build.ninja"), std::string::npos) << run.output;
  EXPECT_EQ(x.Calls(), 4u) << run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 4u);
  EXPECT_NE(x.Ninja().output.find("no work to do"), std::string::npos);
}

TEST(Regenerate, NumbersComeBackExactlyAsGiven) {
  cbtest::Experiment x;
  ASSERT_EQ(x.Generate("flash",
                       "--backend modal --settings solo --budget-warn 1234567 "
                       "--min-free-gb 2.5")
                .exit_code,
            0);
  const std::string text = cbtest::ReadText(x.dir / "build.ninja");
  EXPECT_NE(text.find("--budget-warn 1234567\n"), std::string::npos) << "not 1.23457e+06";
  EXPECT_NE(text.find("--min-free-gb 2.5 "), std::string::npos);
}

TEST(Regenerate, MissingConfigIsWrittenAgainBeforeAnyRun) {
  cbtest::Experiment x;
  ASSERT_EQ(x.Generate("flash", "--backend modal --settings solo").exit_code, 0);
  fs::remove(x.out() / "config.json");
  cbtest::CommandResult run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(fs::exists(x.out() / "config.json"));
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 50u);
}

TEST(Regenerate, ABadEditFailsTheBuildAndKeepsTheOldFile) {
  cbtest::Experiment x;
  const fs::path subset = x.dir / "mini.json";
  cbtest::WriteText(subset, R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,4]]}]})");
  ASSERT_EQ(x.Generate(subset.string(), "--backend modal --settings solo").exit_code, 0);
  const std::string before = cbtest::ReadText(x.dir / "build.ninja");
  cbtest::WriteText(subset, R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,99]]}]})");
  cbtest::TouchNewerThan(subset, x.dir / "build.ninja");
  cbtest::CommandResult run = x.Ninja();
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("pair [3,99]: no folder feature99"), std::string::npos) << run.output;
  EXPECT_EQ(cbtest::ReadText(x.dir / "build.ninja"), before);
  EXPECT_EQ(x.Calls(), 0u);
}

}  // namespace
