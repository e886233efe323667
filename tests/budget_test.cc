// --budget-warn: cbrun adds up every record's cost after writing one and warns
// once when the total passes the threshold; nothing stops.
#include <gtest/gtest.h>

#include <sstream>

#include "runner/budget.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

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

TEST(Budget, SaysOnceThatUnknownCostsAreNotCounted) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  cb::RunConfig config;
  config.budget_warn_usd = 1.0;
  Record(out / "command-a-solo/r_task/task1/f1_f2.json", 0.2, 0);
  std::ostringstream err;
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err));
  // An unpriced model: the agent took steps and reported $0.
  Record(out / "command-a-solo/r_task/task1/f1_f3.json", 0, 1);
  EXPECT_TRUE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_EQ(err.str(),
            "cbrun: warning: --budget-warn $1.00 counts known costs only: 1 attempt under " +
                out.string() +
                " took steps but reported $0, as upstream does when litellm has no price for the "
                "model; register one (LITELLM_MODEL_REGISTRY_PATH names a litellm model-price JSON "
                "file) or watch the provider's own billing\n");
  EXPECT_TRUE(fs::exists(cb::UnknownCostMarker(out, 1.0)));
  Record(out / "command-a-solo/r_task/task1/f1_f4.json", 0, 2);
  err.str("");
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err)) << "once per OUT and threshold";
  EXPECT_EQ(err.str(), "");
  // The known spend still warns when it passes, and says what it leaves out.
  Record(out / "command-a-solo/r_task/task1/f2_f3.json", 0.9, 0);
  EXPECT_TRUE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_EQ(err.str(),
            "cbrun: warning: spend so far $1.10 (plus 3 attempts of unknown cost) has "
            "passed --budget-warn $1.00 (all records under " +
                out.string() +
                "); nothing is stopped: interrupt ninja yourself to stop spending\n");
  err.str("");
  EXPECT_FALSE(cb::WarnIfOverBudget(out, config, err));
  EXPECT_EQ(err.str(), "");
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

TEST(BudgetEndToEnd, NinjaPrintsOneWarningAndRunsEverything) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  cbtest::WriteText(x.dir / "mini.json",
                    R"({"name":"mini","tasks":[{"repo":"dspy_task","task_id":8394,
                        "pairs":[[1,2],[1,3],[2,3],[3,4],[3,5],[4,5]]}]})");
  cbtest::WriteText(x.plan(), R"({"default":["pass@0.1"]})");
  ASSERT_EQ(
      x.Generate((x.dir / "mini.json").string(), "--settings solo --budget-warn 0.25").exit_code,
      0);
  cbtest::CommandResult run = x.Ninja("-j2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 6u) << "a warning, never a stop";
  size_t warnings = 0;
  for (size_t p = run.output.find("has passed --budget-warn $0.25"); p != std::string::npos;
       p = run.output.find("has passed --budget-warn $0.25", p + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1u) << run.output;
}

}  // namespace
