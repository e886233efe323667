// --budget-warn end to end: ninja prints one warning when the spend passes the
// threshold and runs everything; nothing stops. (The sum and the warning
// itself: unit/budget_test.cc.)
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace {

using cbtest::Experiment;

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
