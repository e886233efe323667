// Issue 5, item 2: a pair with a record is never started again, whatever
// happened to Ninja's own state: .ninja_log lost, build.ninja regenerated with
// other operational knobs, or the run rule's command line changed (a newer
// cbgen). Finished means any record: pass, fail or infra_error.
#include <gtest/gtest.h>

#include "absl/strings/str_replace.h"
#include "interrupt_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

struct Resume : testing::Test {
  Experiment x;
  std::map<fs::path, std::string> records_before;

  void SetUp() override {
    const fs::path subset = WriteMiniSubset(x, {{1, 2}, {1, 3}, {2, 3}, {4, 5}});
    // One of each kind of finished record: pass, fail, infra_error after retries.
    cbtest::WriteText(x.plan(), R"({"default":["pass"],"pairs":{
        "dspy_task/8394/f1_f3": ["fail"],
        "dspy_task/8394/f2_f3": ["crash"],
        "dspy_task/8394/f4_f5": ["rate_limit", "pass"]}})");
    cbtest::CommandResult gen = GenerateCloud(x, subset, "solo,coop-nocomm", "--retries 1");
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    cbtest::CommandResult run = NinjaWithKey(x, "-j4");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    ASSERT_EQ(cbtest::FindRecords(x.out()).size(), 8u);
    // 6 one-attempt pairs, the crash pair twice per setting, the rate-limited pair twice.
    ASSERT_EQ(x.Calls(), 12u);
    for (const fs::path& r : cbtest::FindRecords(x.out())) records_before[r] = cbtest::ReadText(r);
    std::set<std::string> tags;
    for (const auto& [path, text] : records_before)
      tags.insert(std::string(boost::json::parse(text).at("tag").as_string()));
    ASSERT_EQ(tags, (std::set<std::string>{"pass", "fail", "infra_error"}));
  }

  // No cooperbench start, and every record byte-for-byte as it was.
  void ExpectNothingRanAgain(const std::string& why) {
    EXPECT_EQ(x.Calls(), 12u) << why;
    for (const auto& [path, text] : records_before)
      EXPECT_EQ(cbtest::ReadText(path), text) << why << ": " << path;
    EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 8u);
  }

  // build.ninja as a cbgen before issue 16 wrote it: a run rule without
  // generator = 1, so a lost log or a changed command line makes Ninja start
  // every cbrun again and only cbrun's own check stands between it and paying.
  void DropGeneratorFromRunRule() {
    const fs::path ninja_file = x.dir / "build.ninja";
    const std::string with = "  pool = runs\n  restat = 1\n  generator = 1\n";
    std::string text = cbtest::ReadText(ninja_file);
    ASSERT_NE(text.find(with), std::string::npos) << text;
    const auto mtime = fs::last_write_time(ninja_file);
    cbtest::WriteText(ninja_file,
                      absl::StrReplaceAll(text, {{with, "  pool = runs\n  restat = 1\n"}}));
    fs::last_write_time(ninja_file, mtime);  // not newer than its inputs: no regeneration
  }
};

TEST_F(Resume, LostNinjaLogAndOtherKnobsStartNothing) {
  fs::remove(x.dir / ".ninja_log");
  const fs::path subset = x.dir / "mini.json";
  cbtest::CommandResult gen =
      GenerateCloud(x, subset, "solo,coop-nocomm", "--timeout 77 --retries 5");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  EXPECT_EQ(cbtest::ReadJson(x.out() / "config.json").at("timeout_s"), 77);
  EXPECT_EQ(cbtest::ReadJson(x.out() / "config.json").at("retries"), 5);

  // The run rule is a generator rule: Ninja needs no log entry to see that an
  // existing record is up to date.
  EXPECT_NE(NinjaWithKey(x, "-n").output.find("no work to do"), std::string::npos);
  // Without generator = 1 (an older build.ninja) Ninja cannot know the outputs
  // are up to date; it asks cbrun, which finds each record and leaves it.
  DropGeneratorFromRunRule();
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectNothingRanAgain("after losing .ninja_log");
  EXPECT_NE(run.output.find("already recorded"), std::string::npos) << run.output;
  // restat = 1: the untouched records make the log whole again.
  EXPECT_NE(NinjaWithKey(x).output.find("no work to do"), std::string::npos);
  ExpectNothingRanAgain("after a second ninja");
}

TEST_F(Resume, RecordedPairsNeedNoPreflightEvenWithoutTheKey) {
  // A cbrun that finds its record starts nothing, so it checks nothing: a
  // resume without .ninja_log does not depend on the key, Docker or Redis.
  fs::remove(x.dir / ".ninja_log");
  cbtest::CommandResult run =
      cbtest::Run("env -u COHERE_API_KEY " + x.Env() + "ninja -j4", x.dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find("preflight"), std::string::npos) << run.output;
  ExpectNothingRanAgain("recorded pairs without a key");
}

TEST_F(Resume, ChangedRunCommandLineStartsNothing) {
  // As if a newer cbgen wrote a different command line for every run edge.
  const fs::path ninja_file = x.dir / "build.ninja";
  std::string text = cbtest::ReadText(ninja_file);
  const std::string old_cmd = "command = $cbrun run ";
  ASSERT_NE(text.find(old_cmd), std::string::npos);
  text = absl::StrReplaceAll(text, {{old_cmd, "command = env CBGEN_NEXT_VERSION=1 $cbrun run "}});
  const auto mtime = fs::last_write_time(ninja_file);
  cbtest::WriteText(ninja_file, text);
  fs::last_write_time(ninja_file, mtime);  // not newer than its inputs: no regeneration

  // generator = 1: a changed command line alone makes no edge dirty.
  cbtest::CommandResult dry = NinjaWithKey(x, "-n");
  EXPECT_NE(dry.output.find("no work to do"), std::string::npos) << dry.output;
  // Without it Ninja sees 8 changed commands, and cbrun starts nothing.
  DropGeneratorFromRunRule();
  dry = NinjaWithKey(x, "-n");
  EXPECT_NE(dry.output.find("[8/8]"), std::string::npos)
      << "Ninja sees 8 changed commands: " << dry.output;
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectNothingRanAgain("after a command line change");
  EXPECT_NE(NinjaWithKey(x).output.find("no work to do"), std::string::npos);
}

TEST_F(Resume, TouchedRecordsAndARegeneratedFileStartNothing) {
  // A record newer or older than anything else changes nothing either.
  for (const auto& [path, text] : records_before)
    fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(24));
  fs::remove(x.dir / "build.ninja");
  const fs::path subset = x.dir / "mini.json";
  ASSERT_EQ(GenerateCloud(x, subset, "solo,coop-nocomm", "--backoff 3 --timeout 40").exit_code, 0);
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ExpectNothingRanAgain("after regenerating build.ninja from scratch");
}

TEST_F(Resume, ADeletedRecordRunsThatPairOnly) {
  const fs::path gone = x.out() / "command-a-coop-nocomm/dspy_task/task8394/f1_f3.json";
  const std::string old_text = cbtest::ReadText(gone);
  ASSERT_TRUE(fs::remove(gone));
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 13u);
  EXPECT_TRUE(fs::exists(gone));
  EXPECT_EQ(CallsPerPair(x)["command-a-coop-nocomm dspy_task/8394 f1_f3"], 2);
  // The deleted record's second link is kept aside, not destroyed.
  const fs::path aside =
      x.out() / "logs/command-a-coop-nocomm/dspy_task/task8394/f1_f3/record.deleted-1.json";
  EXPECT_EQ(cbtest::ReadText(aside), old_text);
  EXPECT_NE(NinjaWithKey(x).output.find("no work to do"), std::string::npos);
}

// A record gone with Ninja's log gone too looks like a record an interrupted
// ninja deleted: it comes back from its second link and nothing is paid twice.
TEST_F(Resume, ADeletedRecordWithTheNinjaLogLostIsRestoredNotPaidTwice) {
  const fs::path gone = x.out() / "command-a-coop-nocomm/dspy_task/task8394/f1_f3.json";
  const std::string old_text = cbtest::ReadText(gone);
  ASSERT_TRUE(fs::remove(gone));
  fs::remove(x.dir / ".ninja_log");
  cbtest::CommandResult run = NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 12u);
  EXPECT_EQ(cbtest::ReadText(gone), old_text);
  EXPECT_NE(run.output.find("delete both files"), std::string::npos) << run.output;
}

}  // namespace
