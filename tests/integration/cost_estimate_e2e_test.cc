// Issue 16's "done when" for unknown costs: with a 4-second --timeout and a
// double that hangs, the record's attempts all have unknown cost (null), and
// `cbgen report` (text and --json) and `cbgen status` show an estimate for
// them, labelled as one, resting on the priced attempts of the same model
// and setting. --backend modal: no Docker.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

TEST(CostEstimateEndToEnd, HungAttemptsHaveUnknownCostAndAnEstimate) {
  cbtest::Experiment x;
  cbtest::WriteText(
      x.dir / "mini.json",
      R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[1,2],[1,3],[2,3]]}]})");
  cbtest::WriteText(x.plan(), R"({"default": ["pass@0.5:1"],
    "pairs": {"dspy_task/8394/f1_f3": ["pass@1.0:1"], "dspy_task/8394/f2_f3": ["hang"]}})");
  cbtest::CommandResult gen = x.Generate((x.dir / "mini.json").string(),
                                         "--backend modal --settings solo --timeout 8 "
                                         "--retries 1");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult run =
      cbtest::Run(x.Env() + "COHERE_API_KEY=test-dummy ninja -j4", x.dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const boost::json::value hung =
      cbtest::ReadJson(x.out() / "command-a-solo" / "dspy_task" / "task8394" / "f2_f3.json");
  const boost::json::array& attempts = hung.at("attempts").as_array();
  ASSERT_FALSE(attempts.empty()) << hung;
  long long agent = 0;
  for (const auto& a : attempts) {
    if (a.at("phase") != "agent") continue;
    ++agent;
    EXPECT_TRUE(a.at("cost_usd").is_null()) << a;
  }
  EXPECT_GT(agent, 0) << hung;
  EXPECT_EQ(hung.at("cost_unknown_attempts").to_number<long long>(), agent) << hung;

  cbtest::CommandResult text = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report", x.dir.path());
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("Estimated cost of those attempts: $"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("ESTIMATE, known spend $1.50 + estimate = $"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("basis: command-a-03-2025/solo $"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("an estimate, not a measurement"), std::string::npos) << text.output;

  cbtest::CommandResult json =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report --json", x.dir.path());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const boost::json::value j = boost::json::parse(json.output);
  EXPECT_EQ(j.at("cost_estimate").at("unknown_attempts").to_number<long long>(), agent);
  // Each hung attempt ran about 8 s (the timeout) at roughly $0.4-1.0 per agent-second.
  const double estimate = j.at("cost_estimate").at("estimate_usd").to_number<double>();
  EXPECT_GT(estimate, 0.5 * agent) << j;
  EXPECT_LT(estimate, 10.0 * agent) << j;
  EXPECT_EQ(j.at("settings").at("solo").at("agent_attempts").to_number<long long>(), 2 + agent);

  cbtest::CommandResult status = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " status", x.dir.path());
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("estimated cost of those attempts: $"), std::string::npos)
      << status.output;
}

}  // namespace
