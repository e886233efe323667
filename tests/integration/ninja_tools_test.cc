// Issue 16: paid records survive Ninja's own tools. `ninja -t clean` spares
// the outputs of the generator = 1 run rule, `ninja -t cleandead` spares the
// records a narrower subset left out (build.ninja keeps them as outputs of
// phony edges outside `all`), and widening the subset again starts no agent.
// Real ninja, cbgen and cbrun with the test double; cloud backend: no Docker.
#include <gtest/gtest.h>

#include "interrupt_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

const std::vector<std::pair<int, int>> kWide = {{1, 2}, {1, 3}, {2, 3}, {4, 5}};
const std::vector<std::pair<int, int>> kNarrow = {{1, 2}, {4, 5}};

struct NinjaTools : testing::Test {
  Experiment x;
  fs::path subset;
  std::map<fs::path, std::string> records_before;

  void SetUp() override {
    subset = WriteMiniSubset(x, kWide);
    ASSERT_EQ(GenerateCloud(x, subset, "solo,coop-nocomm").exit_code, 0);
    cbtest::CommandResult run = NinjaWithKey(x, "-j4");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    ASSERT_EQ(x.Calls(), 8u);
    for (const fs::path& r : cbtest::FindRecords(x.out())) records_before[r] = cbtest::ReadText(r);
    ASSERT_EQ(records_before.size(), 8u);
  }

  // No agent started since SetUp, and every record byte for byte as it was.
  void ExpectEveryRecordKept(const std::string& why) {
    EXPECT_EQ(x.Calls(), 8u) << why;
    EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 8u) << why;
    for (const auto& [path, text] : records_before) {
      ASSERT_TRUE(fs::exists(path)) << why << ": " << path;
      EXPECT_EQ(cbtest::ReadText(path), text) << why << ": " << path;
    }
  }

  // Regenerates build.ninja through its own edge after the subset changed.
  void ChangeSubsetAndRegenerate(const std::vector<std::pair<int, int>>& pairs) {
    WriteMiniSubset(x, pairs);
    cbtest::TouchNewerThan(subset, x.dir / "build.ninja");
    cbtest::CommandResult run = NinjaWithKey(x, "-j4");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("regenerating build.ninja"), std::string::npos) << run.output;
  }
};

TEST_F(NinjaTools, CleanKeepsEveryRecordAndTheNextNinjaStartsNoAgent) {
  cbtest::CommandResult clean = cbtest::Run("ninja -t clean", x.dir.path());
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  ExpectEveryRecordKept("after ninja -t clean");
  EXPECT_TRUE(fs::exists(x.dir / "build.ninja"));
  EXPECT_TRUE(fs::exists(x.out() / "config.json"));
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("no work to do"), std::string::npos) << run.output;
  ExpectEveryRecordKept("after ninja -t clean and ninja");
}

TEST_F(NinjaTools, CleanOfANamedTargetDeletesItsRecords) {
  // `ninja -t clean solo` is a deliberate choice: Ninja's CleanTarget removes
  // the outputs under the target whatever their rule (generator or not), so
  // the manual says it re-runs (and re-pays) those pairs.
  cbtest::CommandResult clean = cbtest::Run("ninja -t clean solo", x.dir.path());
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 4u) << clean.output;
  EXPECT_FALSE(fs::exists(x.out() / "command-a-solo" / "dspy_task/task8394/f1_f2.json"));
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 12u) << run.output;
}

TEST_F(NinjaTools, CleanWithGeneratorFilesIsTheDeliberateFullRerun) {
  cbtest::CommandResult clean = cbtest::Run("ninja -t clean -g", x.dir.path());
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
  EXPECT_FALSE(fs::exists(x.dir / "build.ninja"));
  ASSERT_EQ(GenerateCloud(x, subset, "solo,coop-nocomm").exit_code, 0);
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 16u) << run.output;
  // The records Ninja deleted are kept aside under out/logs, not destroyed.
  EXPECT_TRUE(
      fs::exists(x.out() / "logs/command-a-solo/dspy_task/task8394/f1_f2/record.deleted-1.json"));
}

TEST_F(NinjaTools, CleandeadAfterANarrowerSubsetKeepsTheLeftOutRecords) {
  ChangeSubsetAndRegenerate(kNarrow);
  EXPECT_EQ(x.Calls(), 8u);
  const std::string text = cbtest::ReadText(x.dir / "build.ninja");
  EXPECT_NE(text.find("build out/command-a-solo/dspy_task/task8394/f1_f3.json: phony\n"),
            std::string::npos)
      << text;
  cbtest::CommandResult dead = cbtest::Run("ninja -t cleandead", x.dir.path());
  ASSERT_EQ(dead.exit_code, 0) << dead.output;
  ExpectEveryRecordKept("after narrowing the subset and ninja -t cleandead");

  ChangeSubsetAndRegenerate(kWide);
  ExpectEveryRecordKept("after widening the subset again");
  EXPECT_NE(NinjaWithKey(x).output.find("no work to do"), std::string::npos);
}

TEST_F(NinjaTools, CleandeadAfterFewerSettingsKeepsTheirRecords) {
  ASSERT_EQ(GenerateCloud(x, subset, "solo").exit_code, 0);
  cbtest::CommandResult dead = cbtest::Run("ninja -t cleandead", x.dir.path());
  ASSERT_EQ(dead.exit_code, 0) << dead.output;
  ExpectEveryRecordKept("after --settings solo and ninja -t cleandead");
  EXPECT_NE(NinjaWithKey(x).output.find("no work to do"), std::string::npos);

  ASSERT_EQ(GenerateCloud(x, subset, "solo,coop-nocomm").exit_code, 0);
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectEveryRecordKept("after choosing coop-nocomm again");
}

TEST_F(NinjaTools, ADeletedRecordStillRunsThatPairOnly) {
  ChangeSubsetAndRegenerate(kNarrow);
  // A left-out pair's record is outside `all`: deleting it runs nothing now...
  const fs::path left_out = x.out() / "command-a-coop-nocomm/dspy_task/task8394/f2_f3.json";
  ASSERT_TRUE(fs::remove(left_out));
  // ...and an included pair's record runs again, alone.
  const fs::path included = x.out() / "command-a-solo/dspy_task/task8394/f4_f5.json";
  ASSERT_TRUE(fs::remove(included));
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 9u) << run.output;
  EXPECT_EQ(CallsPerPair(x)["command-a-solo dspy_task/8394 f4_f5"], 2);
  EXPECT_TRUE(fs::exists(included));
  EXPECT_FALSE(fs::exists(left_out));
  // The next cbgen no longer lists the deleted record among the kept ones.
  ChangeSubsetAndRegenerate({{1, 2}});
  EXPECT_EQ(cbtest::ReadText(x.dir / "build.ninja")
                .find("command-a-coop-nocomm/dspy_task/task8394/f2_f3.json: phony"),
            std::string::npos);
  EXPECT_EQ(x.Calls(), 9u);
}

}  // namespace
