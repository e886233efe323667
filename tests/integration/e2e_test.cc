// Issue 3's "done when", end to end: real cbgen, real ninja, real cbrun, real
// Docker for the image targets, and the cooperbench test double.
#include <gtest/gtest.h>

#include <set>

#include "test_util.h"

namespace {

using cbtest::Experiment;
namespace fs = std::filesystem;

size_t CountLinesWith(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

std::set<std::string> CalledPairs(const Experiment& x) {
  std::set<std::string> pairs;
  for (const auto& call : cbtest::ReadJsonLines(x.calls())) {
    const auto& argv = call.at("argv").as_array();
    std::string key;
    for (size_t i = 0; i + 1 < argv.size(); ++i) {
      const std::string a(argv[i].as_string());
      if (a == "-n" || a == "-r" || a == "-t" || a == "-f")
        key += std::string(argv[i + 1].as_string()) + " ";
    }
    pairs.insert(key);
  }
  return pairs;
}

TEST(EndToEnd, LiteAllPassResumeRerunAndKnobChanges) {
  CBTEST_REQUIRE_DOCKER();
  const cbtest::BulkSize bulk = cbtest::Bulk();  // lite; flash under the sanitizers
  const size_t runs = 3 * bulk.pairs_per_setting;
  ASSERT_EQ(cbtest::TagTestImages(cbtest::SubsetImages(bulk.subset)), "");
  Experiment x;
  cbtest::CommandResult gen = x.Generate(bulk.subset);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const std::string ninja_file = cbtest::ReadText(x.dir / "build.ninja");
  EXPECT_EQ(CountLinesWith(ninja_file, ": pull\n"), bulk.images);
  EXPECT_EQ(CountLinesWith(ninja_file, ": run || images\n"), runs);

  cbtest::CommandResult run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output.substr(
      run.output.size() > 3000 ? run.output.size() - 3000 : 0);
  const auto records = cbtest::FindRecords(x.out());
  ASSERT_EQ(records.size(), runs);
  for (const auto& r : records) EXPECT_EQ(cbtest::ReadJson(r).at("tag"), "pass") << r;
  EXPECT_EQ(x.Calls(), runs);
  EXPECT_EQ(CalledPairs(x).size(), runs) << "each pair exactly once";
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), runs);
  for (const auto& stamp : fs::directory_iterator(x.out() / "images"))
    EXPECT_EQ(stamp.path().extension(), ".stamp");

  // Resume: nothing left to do.
  cbtest::CommandResult again = x.Ninja("-j4");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("ninja: no work to do."), std::string::npos) << again.output;

  // Deleting 5 records re-runs exactly those 5.
  std::set<std::string> deleted;
  for (size_t i = 0; i < runs; i += runs / 5) {
    fs::remove(records[i]);
    deleted.insert(records[i].string());
  }
  fs::remove(x.calls());
  run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 5u);
  EXPECT_EQ(CountLinesWith(run.output, ": pass (tests_passed)"), 5u) << run.output;
  for (const auto& r : deleted) EXPECT_TRUE(fs::exists(r)) << r;

  // Operational knobs change nothing Ninja sees.
  gen = x.Generate(bulk.subset, "--timeout 77 --retries 5 --redis redis://127.0.0.1:7777");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult dry = x.Ninja("-n");
  EXPECT_NE(dry.output.find("ninja: no work to do."), std::string::npos) << dry.output;
  EXPECT_EQ(cbtest::ReadJson(x.out() / "config.json").at("timeout_s"), 77);
}

TEST(EndToEnd, NinjaSoloRunsExactlyTheSoloPairs) {
  CBTEST_REQUIRE_DOCKER();
  const cbtest::BulkSize bulk = cbtest::Bulk();  // lite; flash under the sanitizers
  ASSERT_EQ(cbtest::TagTestImages(cbtest::SubsetImages(bulk.subset)), "");
  Experiment x;
  ASSERT_EQ(x.Generate(bulk.subset).exit_code, 0);
  cbtest::CommandResult run = x.Ninja("-j4 solo");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), bulk.pairs_per_setting);
  const auto records = cbtest::FindRecords(x.out());
  ASSERT_EQ(records.size(), bulk.pairs_per_setting);
  for (const auto& r : records) EXPECT_EQ(cbtest::ReadJson(r).at("setting"), "solo");
  // Priority, not a barrier: solo edges come first in the manifest.
  const std::string text = cbtest::ReadText(x.dir / "build.ninja");
  EXPECT_LT(text.rfind("setting = solo"), text.find("setting = coop-comm"));
  EXPECT_LT(text.rfind("setting = coop-comm"), text.find("setting = coop-nocomm"));
}

// A small subset of real tasks, solo only, for the scripted outcomes.
struct Scripted : testing::Test {
  Experiment x;
  void SetUp() override {
    CBTEST_REQUIRE_DOCKER();
    ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
    cbtest::WriteText(x.dir / "mini.json",
                      R"({"name":"mini","tasks":[{"repo":"dspy_task","task_id":8394,
                          "pairs":[[3,4],[3,5],[4,5],[1,2]]}]})");
    cbtest::WriteText(x.plan(), R"({"default":["pass"],"pairs":{
        "dspy_task/8394/f3_f4": ["crash", "oom", "pass@0.5"],
        "dspy_task/8394/f3_f5": ["crash"],
        "dspy_task/8394/f4_f5": ["fail@0.2"],
        "dspy_task/8394/f1_f2": ["hang", "pass"]}})");
  }
  boost::json::value Record(const std::string& pair) {
    return cbtest::ReadJson(x.out() / "command-a-solo/dspy_task/task8394" / (pair + ".json"));
  }
};

TEST_F(Scripted, RetriesInfraErrorsNeverFailuresAndKillsHangs) {
  cbtest::CommandResult gen =
      x.Generate((x.dir / "mini.json").string(), "--settings solo --timeout 10");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;

  boost::json::value r = Record("f3_f4");
  EXPECT_EQ(r.at("tag"), "pass");
  ASSERT_EQ(r.at("agent_attempts"), 3);
  ASSERT_EQ(r.at("attempts").as_array().size(), 4u) << "three agent runs, one evaluation";
  EXPECT_EQ(r.at("attempts").at(0).at("reason"), "crash");
  EXPECT_EQ(r.at("attempts").at(1).at("reason"), "oom_killed");
  EXPECT_EQ(r.at("attempts").at(1).at("signal"), 9);
  EXPECT_NEAR(r.at("cost_usd").as_double(), 0.5, 1e-9) << "the known cost";
  EXPECT_EQ(r.at("cost_unknown_attempts"), 2) << "crashed attempts reported nothing: unknown";

  r = Record("f3_f5");
  EXPECT_EQ(r.at("tag"), "infra_error");
  EXPECT_EQ(r.at("reason"), "crash");
  EXPECT_EQ(r.at("attempts").as_array().size(), 3u);

  r = Record("f4_f5");
  EXPECT_EQ(r.at("tag"), "fail");
  EXPECT_EQ(r.at("reason"), "tests_failed");
  EXPECT_EQ(r.at("agent_attempts"), 1);
  EXPECT_NEAR(r.at("cost_usd").as_double(), 0.2, 1e-9);

  r = Record("f1_f2");
  EXPECT_EQ(r.at("tag"), "pass");
  ASSERT_EQ(r.at("agent_attempts"), 2);
  EXPECT_EQ(r.at("attempts").at(0).at("reason"), "timeout");
  EXPECT_TRUE(r.at("attempts").at(0).at("cost_usd").is_null()) << "killed at --timeout: unknown";
  EXPECT_EQ(r.at("attempts").at(0).at("timed_out"), true);
  // Ended by the timeout (a timer never fires early), however slow the machine.
  EXPECT_GE(r.at("attempts").at(0).at("duration_s").as_double(), 9.5);
  // log_dir is relative to the build folder, like every path in build.ninja.
  const fs::path hang_dir = x.dir / std::string(r.at("attempts").at(0).at("log_dir").as_string());
  std::istringstream pids(cbtest::ReadText(hang_dir / "hang-pids"));
  int parent = 0, grandchild = 0;
  pids >> parent >> grandchild;
  ASSERT_GT(grandchild, 0);
  EXPECT_FALSE(cbtest::ProcessAlive(parent)) << "the hanging cooperbench survived";
  EXPECT_FALSE(cbtest::ProcessAlive(grandchild)) << "its child survived";

  // Each attempt kept its own logs.
  EXPECT_TRUE(fs::exists(hang_dir / "cooperbench.log"));
  EXPECT_EQ(x.Calls(), 3u + 3u + 1u + 2u);
}

TEST_F(Scripted, CooperbenchMissingStopsTheBuildWithoutARecord) {
  ASSERT_EQ(x.Generate((x.dir / "mini.json").string(), "--settings solo").exit_code, 0);
  cbtest::CommandResult gen = cbtest::Run(
      x.Env() + cbtest::Sh(cbtest::Cbgen()) + " " + (x.dir / "mini.json").string() +
          " --settings solo --dataset-dir " + cbtest::Sh(cbtest::DatasetDir().string()) +
          " --cooperbench /nonexistent/cooperbench",
      x.dir.path());
  // Without --agent, cbgen asks cooperbench which mini-SWE-agent it has.
  EXPECT_NE(gen.exit_code, 0);
  EXPECT_NE(gen.output.find("cannot choose the agent: /nonexistent/cooperbench not found"),
            std::string::npos)
      << gen.output;
  gen = cbtest::Run(x.Env() + cbtest::Sh(cbtest::Cbgen()) + " " + (x.dir / "mini.json").string() +
                        " --settings solo --dataset-dir " +
                        cbtest::Sh(cbtest::DatasetDir().string()) +
                        " --cooperbench /nonexistent/cooperbench --agent mini_swe_agent_v2",
                    x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult run = x.Ninja("-j1");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("/nonexistent/cooperbench not found"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("nothing was started"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("pass --cooperbench PATH"), std::string::npos) << run.output;
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
}

}  // namespace
