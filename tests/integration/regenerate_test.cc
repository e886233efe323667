// build.ninja regenerates itself when the subset changes (a generator = 1 edge),
// and a regeneration re-runs only what is new. Cloud backend: no Docker needed.
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"

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
  // As typed: not 1.23457e+06.
  EXPECT_NE(text.find("--budget-warn 1234567 --min-free-gb 2.5\n"), std::string::npos) << text;
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

// The regeneration edge starts cbgen as the user did: the arguments as typed,
// in the folder cbgen was started in, however far that is from build.ninja.
TEST(Regenerate, RelativePathsTypedElsewhereStillResolve) {
  cbtest::Experiment x;
  const fs::path elsewhere = x.dir / "elsewhere";
  fs::create_directories(elsewhere);
  cbtest::WriteText(x.dir / "mini.json",
                    R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,4]]}]})");
  const std::string typed =
      "../mini.json -o ../build.ninja --out ../out --backend modal --settings solo --budget-warn 7";
  cbtest::CommandResult gen =
      cbtest::Run(x.Env() + cbtest::Sh(cbtest::Cbgen()) + " -C " + cbtest::Sh(elsewhere.string()) +
                      " " + typed + " --dataset-dir " + cbtest::Sh(cbtest::DatasetDir().string()) +
                      " --cooperbench " + cbtest::Sh(cbtest::FakeCooperbench()) + " --backoff 0.05",
                  x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const std::string text = cbtest::ReadText(x.dir / "build.ninja");
  EXPECT_NE(text.find(absl::StrCat("regen_args = -C ", x.dir.path().string(), " -C ",
                                   elsewhere.string(), " ", typed)),
            std::string::npos)
      << text;

  cbtest::WriteText(x.dir / "mini.json",
                    R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,4],[4,5]]}]})");
  cbtest::TouchNewerThan(x.dir / "mini.json", x.dir / "build.ninja");
  cbtest::CommandResult run = x.Ninja("-j2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("regenerating build.ninja"), std::string::npos) << run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 2u) << run.output;
  EXPECT_EQ(cbtest::ReadJson(x.out() / "config.json").at("budget_warn_usd").as_double(), 7);
}

}  // namespace
