// --budget-warn: cbrun adds up every record's cost after writing one and warns
// once when the total passes the threshold; nothing stops. (Through ninja:
// integration/budget_e2e_test.cc.)
#include <gtest/gtest.h>

#include <sstream>
#include <utility>
#include <vector>

#include "runner/budget.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;

void Record(const fs::path& path, double cost, int cost_unknown_attempts = -1) {
  cbtest::WriteText(
      path, "{\"schema\":1,\"tag\":\"pass\",\"cost_usd\":" + std::to_string(cost) +
                (cost_unknown_attempts < 0
                     ? std::string()  // a record from before the field
                     : ",\"cost_unknown_attempts\":" + std::to_string(cost_unknown_attempts)) +
                "}");
}

TEST(Budget, TotalSpendCountsRecordsOnly) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  Record(out / "command-a-solo/dspy_task/task1/f1_f2.json", 0.25);
  Record(out / "command-a-coop-comm/dspy_task/task1/f1_f2.json", 0.5);
  Record(out / "forgotten/20260101T000000Z/command-a-solo/dspy_task/task1/f1_f3.json", 7);
  Record(out / "logs/command-a-solo/dspy_task/task1/f1_f2/x.json", 7);
  cbtest::WriteText(out / "config.json", "{\"cost_usd\": 7}");
  cbtest::WriteText(out / "command-a-solo/dspy_task/task1/f2_f3.json", "{ torn");
  EXPECT_DOUBLE_EQ(cb::TotalSpend(out).known_usd, 0.75);
  EXPECT_EQ(cb::TotalSpend(out).cost_unknown_attempts, 0);
  EXPECT_DOUBLE_EQ(cb::TotalSpend(dir / "missing").known_usd, 0);
  Record(out / "command-a-solo/dspy_task/task1/f1_f4.json", 0.5, 3);
  Record(out / "command-a-solo/dspy_task/task1/f1_f5.json", 0, 1);
  EXPECT_DOUBLE_EQ(cb::TotalSpend(out).known_usd, 1.25);
  EXPECT_EQ(cb::TotalSpend(out).cost_unknown_attempts, 4);
}

// A full record of `model` in solo with agent attempts of (cost, seconds);
// a negative cost is unknown (null).
void FullRecord(const fs::path& path, const std::string& model,
                const std::vector<std::pair<double, double>>& attempts) {
  boost::json::array list;
  double known = 0;
  long long unknown = 0;
  int n = 0;
  for (const auto& [cost, seconds] : attempts) {
    boost::json::object a{{"n", ++n},
                          {"phase", "agent"},
                          {"tag", "pass"},
                          {"duration_s", seconds},
                          {"cooperbench_release", "0.0.19"}};
    if (cost < 0) {
      a["cost_usd"] = nullptr;
      ++unknown;
    } else {
      a["cost_usd"] = cost;
      known += cost;
    }
    list.push_back(std::move(a));
  }
  cbtest::WriteText(
      path, boost::json::serialize(boost::json::object{{"schema", 1},
                                                       {"tag", "pass"},
                                                       {"setting", "solo"},
                                                       {"repo", "r_task"},
                                                       {"task_id", 1},
                                                       {"features", boost::json::array{1, 2}},
                                                       {"model", model},
                                                       {"cost_usd", known},
                                                       {"cost_unknown_attempts", unknown},
                                                       {"attempts", std::move(list)}}));
}

TEST(Budget, SaysOnceThatUnknownCostsAreNotCounted) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  cb::RunConfig config;
  config.budget_warn_usd = 1.0;
  Record(out / "command-a-solo/r_task/task1/f1_f2.json", 0.2, 0);
  std::ostringstream err;
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err));
  // An attempt of unknown cost in a record with no attempt list: no basis.
  Record(out / "command-a-solo/r_task/task1/f1_f3.json", 0, 1);
  EXPECT_TRUE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_EQ(err.str(),
            "cbrun: warning: --budget-warn $1.00 counts 1 attempt of unknown cost under " +
                out.string() +
                " (killed before upstream reported, or unpriced by litellm) at an ESTIMATE: $0.00 "
                "for 0 of them; basis: no basis for (no model)/solo (1 attempt: no agent attempt "
                "with a known cost and duration, or no duration); the 1 attempt with no basis are "
                "left out: register a price (LITELLM_MODEL_REGISTRY_PATH names a litellm "
                "model-price JSON file) or watch the provider's own billing\n");
  EXPECT_TRUE(fs::exists(cb::UnknownCostMarker(out, 1.0)));
  Record(out / "command-a-solo/r_task/task1/f1_f4.json", 0, 2);
  err.str("");
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err)) << "once per OUT and threshold";
  EXPECT_EQ(err.str(), "");
  // The known spend still warns when it passes, and says what it leaves out.
  Record(out / "command-a-solo/r_task/task1/f2_f3.json", 0.9, 0);
  EXPECT_TRUE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_EQ(err.str(),
            "cbrun: warning: spend so far $1.10 known + $0.00 ESTIMATED for 0 attempts of unknown "
            "cost = $1.10 (plus 3 attempts of unknown cost with no basis) has passed "
            "--budget-warn $1.00 (all records under " +
                out.string() +
                "); nothing is stopped: interrupt ninja yourself to stop spending\n");
  err.str("");
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_EQ(err.str(), "");
}

TEST(Budget, TheEstimateCountsTowardsTheThreshold) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  cb::RunConfig config;
  config.budget_warn_usd = 1.0;
  // Known: $0.40 over 100 s and $0.60 over 100 s (median $0.005/s); $1.00 is
  // not past $1.00.
  FullRecord(out / "command-a-solo/r_task/task1/f1_f2.json", "m", {{0.4, 100}, {0.6, 100}});
  std::ostringstream err;
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err)) << err.str();
  // A timed-out attempt of 600 s: unknown, estimated at 600 * 0.005 = $3.
  FullRecord(out / "command-a-solo/r_task/task1/f1_f3.json", "m", {{-1, 600}});
  const cb::Spend spend = cb::TotalSpend(out);
  EXPECT_DOUBLE_EQ(spend.known_usd, 1.0);
  EXPECT_EQ(spend.cost_unknown_attempts, 1);
  EXPECT_NEAR(spend.estimated_usd, 3.0, 1e-9);
  EXPECT_TRUE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_NE(err.str().find("counts 1 attempt of unknown cost under " + out.string() +
                           " (killed before upstream reported, or unpriced by litellm) at an "
                           "ESTIMATE: $3.00 for 1 of them; basis: m/solo $0.005000 per "
                           "agent-second, the median of 2 attempts\n"),
            std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find("cbrun: warning: spend so far $1.00 known + $3.00 ESTIMATED for 1 "
                           "attempt of unknown cost = $4.00 has passed --budget-warn $1.00"),
            std::string::npos)
      << err.str();
}

TEST(Budget, WarnsOnceWhenPassedAndAgainForANewThreshold) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  cb::RunConfig config;
  Record(out / "command-a-solo/r_task/task1/f1_f2.json", 0.6);
  std::ostringstream err;
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err)) << "no --budget-warn: silent";
  config.budget_warn_usd = 1.0;
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err)) << "0.60 has not passed 1.00";
  EXPECT_EQ(err.str(), "");
  Record(out / "command-a-solo/r_task/task1/f1_f3.json", 0.6);
  EXPECT_TRUE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_EQ(
      err.str(),
      "cbrun: warning: spend so far $1.20 has passed --budget-warn $1.00 (all records under " +
          out.string() + "); nothing is stopped: interrupt ninja yourself to stop spending\n");
  Record(out / "command-a-solo/r_task/task1/f2_f3.json", 0.6);
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err)) << "once per OUT and threshold";
  EXPECT_TRUE(fs::exists(cb::BudgetMarker(out, 1.0)));
  config.budget_warn_usd = 1.5;
  EXPECT_TRUE(cb::WarnIfOverBudget(out, config, err)) << "a new threshold warns again";
}

}  // namespace
