// The agents and their evaluation apart, end to end: real cbgen, ninja and
// cbrun with the double (`run --no-auto-eval`, then `eval`). Evaluation trouble
// re-runs only the evaluation, an evaluation past --eval-timeout is
// fail/tests_timeout, `cbgen reeval` re-scores without running an agent, and a
// timed-out agent's cost is unknown. --backend modal: no Docker needed.
#include <gtest/gtest.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

fs::path OnePairSubset(const cbtest::Experiment& x) {
  const fs::path subset = x.dir / "one.json";
  cbtest::WriteText(subset, R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,4]]}]})");
  return subset;
}

cbtest::CommandResult Ninja(const cbtest::Experiment& x, const std::string& args = "") {
  return cbtest::Run(x.Env() + "COHERE_API_KEY=test-dummy ninja " + args, x.dir.path());
}

// The double's calls of one subcommand ("run" or "eval").
int CallsOf(const cbtest::Experiment& x, const std::string& command) {
  return static_cast<int>(command == "run" ? x.Calls() : x.EvalCalls());
}

boost::json::value SoloRecord(const cbtest::Experiment& x) {
  return cbtest::ReadJson(x.out() / "command-a-solo/dspy_task/task8394/f3_f4.json");
}

TEST(EvalSplit, ASandboxThatFailsOnceCostsOneAgentRun) {
  cbtest::Experiment x;
  cbtest::WriteText(x.plan(), R"({"default": ["pass@0.37"], "eval_default": ["sandbox_error", "ok"]})");
  ASSERT_EQ(x.Generate(OnePairSubset(x).string(), "--backend modal --settings solo").exit_code, 0);
  cbtest::CommandResult ninja = Ninja(x);
  ASSERT_EQ(ninja.exit_code, 0) << ninja.output;
  EXPECT_NE(ninja.output.find("evaluating again"), std::string::npos) << ninja.output;
  const boost::json::value rec = SoloRecord(x);
  EXPECT_EQ(rec.at("tag"), "pass");
  EXPECT_EQ(rec.at("agent_attempts"), 1);
  EXPECT_EQ(rec.at("eval_attempts"), 2);
  EXPECT_DOUBLE_EQ(rec.at("cost_usd").to_number<double>(), 0.37);
  EXPECT_EQ(rec.at("attempts").at(1).at("reason"), "docker_error");
  EXPECT_EQ(rec.at("cooperbench_release"), "0.0.19");
  EXPECT_EQ(CallsOf(x, "run"), 1);
  EXPECT_EQ(CallsOf(x, "eval"), 2);
}

TEST(EvalSplit, AnEvaluationPastEvalTimeoutIsTestsTimeoutWithOneAgentRun) {
  cbtest::Experiment x;
  cbtest::WriteText(x.plan(), R"({"default": ["fail"], "eval_default": ["hang"]})");
  ASSERT_EQ(x.Generate(OnePairSubset(x).string(),
                       "--backend modal --settings solo --eval-timeout 1")
                .exit_code,
            0);
  cbtest::CommandResult ninja = Ninja(x);
  ASSERT_EQ(ninja.exit_code, 0) << ninja.output;
  const boost::json::value rec = SoloRecord(x);
  EXPECT_EQ(rec.at("tag"), "fail");
  EXPECT_EQ(rec.at("reason"), "tests_timeout");
  EXPECT_EQ(CallsOf(x, "run"), 1);
  EXPECT_EQ(CallsOf(x, "eval"), 1) << "not retried: the patch made the tests hang";
}

TEST(EvalSplit, ReevalReScoresWithoutStartingAnAgent) {
  cbtest::Experiment x;
  cbtest::WriteText(x.plan(), R"({"default": ["fail@0.2"]})");
  const fs::path subset = x.dir / "two.json";
  cbtest::WriteText(subset,
                    R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,4],[4,5]]}]})");
  ASSERT_EQ(x.Generate(subset.string(), "--backend modal --settings solo,coop-nocomm").exit_code,
            0);
  ASSERT_EQ(Ninja(x, "-j4").exit_code, 0);
  ASSERT_EQ(CallsOf(x, "run"), 4);
  cbtest::CommandResult dry = cbtest::Run(
      cbtest::Sh(cbtest::Cbgen()) + " reeval --tag fail --setting solo --dry-run", x.dir.path());
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("2 records would be evaluated again"), std::string::npos)
      << dry.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 4u) << "a dry run changes nothing";

  cbtest::CommandResult reeval =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " reeval --tag fail", x.dir.path());
  ASSERT_EQ(reeval.exit_code, 0) << reeval.output;
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
  fs::remove(x.calls());
  fs::remove(x.eval_calls());
  cbtest::CommandResult ninja = Ninja(x, "-j4");
  ASSERT_EQ(ninja.exit_code, 0) << ninja.output;
  EXPECT_EQ(CallsOf(x, "run"), 0) << "no agent starts";
  EXPECT_EQ(CallsOf(x, "eval"), 4);
  ASSERT_EQ(cbtest::FindRecords(x.out()).size(), 4u);
  const boost::json::value rec = SoloRecord(x);
  EXPECT_EQ(rec.at("tag"), "fail");
  EXPECT_DOUBLE_EQ(rec.at("cost_usd").to_number<double>(), 0.2) << "the agents' cost, kept";
  EXPECT_EQ(rec.at("agent_attempts"), 1);
  EXPECT_EQ(rec.at("eval_attempts"), 2);
  EXPECT_FALSE(cbtest::FindRecords(x.out() / "forgotten").empty()) << "the old records are kept";
}

TEST(EvalSplit, ReevalSkipsPairsWhoseAgentsNeverFinished) {
  cbtest::Experiment x;
  cbtest::WriteText(x.plan(), R"({"default": ["crash"]})");
  ASSERT_EQ(x.Generate(OnePairSubset(x).string(),
                       "--backend modal --settings solo --retries 0")
                .exit_code,
            0);
  ASSERT_EQ(Ninja(x).exit_code, 0);
  cbtest::CommandResult reeval =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " reeval --tag infra_error", x.dir.path());
  ASSERT_EQ(reeval.exit_code, 0) << reeval.output;
  EXPECT_NE(reeval.output.find("nothing to evaluate"), std::string::npos) << reeval.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 1u) << "its record stays";
}

TEST(EvalSplit, AgentsKilledAtTheTimeoutHaveUnknownCost) {
  cbtest::Experiment x;
  cbtest::WriteText(x.plan(), R"({"default": ["hang"]})");
  ASSERT_EQ(x.Generate(OnePairSubset(x).string(),
                       "--backend modal --settings solo --timeout 4 --retries 1")
                .exit_code,
            0);
  cbtest::CommandResult ninja = Ninja(x);
  ASSERT_EQ(ninja.exit_code, 0) << ninja.output;
  const boost::json::value rec = SoloRecord(x);
  EXPECT_EQ(rec.at("reason"), "timeout");
  ASSERT_EQ(rec.at("attempts").as_array().size(), 2u);
  for (const boost::json::value& a : rec.at("attempts").as_array())
    EXPECT_TRUE(a.at("cost_usd").is_null()) << a;
  EXPECT_EQ(rec.at("cost_unknown_attempts"), 2);
  EXPECT_NE(ninja.output.find("2 of unknown cost"), std::string::npos) << ninja.output;
}

}  // namespace
