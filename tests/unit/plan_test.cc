// Planning: targets, names, priority order, longest first. Pure, no I/O.
#include "generator/plan.h"

#include <gtest/gtest.h>

namespace cb {
namespace {

std::vector<TaskSpec> Tasks() {
  return {TaskSpec{"dspy_task", 8394, {3, 4, 5}, {{3, 4}, {4, 5}}},
          TaskSpec{"openai_tiktoken_task", 0, {1, 2}, {{1, 2}}}};
}

ExperimentOptions Options() {
  ExperimentOptions o;
  o.settings = {Setting::kCoopNocomm, Setting::kSolo, Setting::kCoopComm};
  o.run_prefix = "command-a";
  return o;
}

TEST(DefaultRunPrefix, DropsDateAndProvider) {
  EXPECT_EQ(DefaultRunPrefix("command-a-03-2025"), "command-a");
  EXPECT_EQ(DefaultRunPrefix("openai/gpt-4o-2024-08-06"), "gpt-4o");
  EXPECT_EQ(DefaultRunPrefix("claude-3-5-sonnet-20241022"), "claude-3-5-sonnet");
  EXPECT_EQ(DefaultRunPrefix("weird model!"), "weird-model-");
}

TEST(MakePlan, OneImagePerTaskAndOneRunPerSettingAndPair) {
  auto plan = MakePlan(Tasks(), Options(), {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->images.size(), 2u);
  EXPECT_EQ(plan->images[0].image, "akhatua/cooperbench-dspy:task8394");
  EXPECT_EQ(plan->images[0].stamp, "out/images/dspy_task-task8394.stamp");
  EXPECT_EQ(plan->images[1].image, "akhatua/cooperbench-openai-tiktoken:task0");
  ASSERT_EQ(plan->runs.size(), 9u);
  EXPECT_EQ(plan->RecordPath(plan->runs[0]), "out/command-a-solo/dspy_task/task8394/f3_f4.json");
  EXPECT_EQ(plan->Description(plan->runs[0]), "solo dspy/8394 [3,4]");
  EXPECT_EQ(plan->RecordPath(plan->runs[8]),
            "out/command-a-coop-nocomm/openai_tiktoken_task/task0/f1_f2.json");
}

TEST(MakePlan, SettingsInPriorityOrderWhateverTheUserListed) {
  auto plan = MakePlan(Tasks(), Options(), {});
  ASSERT_TRUE(plan.ok());
  std::vector<Setting> order;
  for (const RunTarget& r : plan->runs)
    if (order.empty() || order.back() != r.setting) order.push_back(r.setting);
  EXPECT_EQ(order,
            (std::vector<Setting>{Setting::kSolo, Setting::kCoopComm, Setting::kCoopNocomm}));
}

TEST(MakePlan, CloudBackendHasNoImages) {
  ExperimentOptions o = Options();
  o.backend = "modal";
  auto plan = MakePlan(Tasks(), o, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->images.empty());
  EXPECT_EQ(plan->runs.size(), 9u);
}

TEST(MakePlan, RefusesUnknownBackendAndBadPrefix) {
  ExperimentOptions o = Options();
  o.backend = "kubernetes";
  EXPECT_EQ(std::string(MakePlan(Tasks(), o, {}).status().message()),
            "unknown backend \"kubernetes\": use docker, modal or gcp");
  o = Options();
  o.run_prefix = "a b";
  EXPECT_FALSE(MakePlan(Tasks(), o, {}).ok());
  o = Options();
  o.settings.clear();
  EXPECT_FALSE(MakePlan(Tasks(), o, {}).ok());
}

TEST(MakePlan, LongestFirstWithinASettingFromHistory) {
  DurationHistory history;
  history[PairId{"dspy_task", 8394, 4, 5}] = 500;
  history[PairId{"dspy_task", 8394, 3, 4}] = 100;
  auto plan = MakePlan(Tasks(), Options(), history);
  ASSERT_TRUE(plan.ok());
  // solo: [4,5] (500) before the tiktoken pair (median of 100, 500 = 500, tie broken by name)
  // and before [3,4] (100).
  EXPECT_EQ(plan->Pair(plan->runs[0]), (PairId{"dspy_task", 8394, 4, 5}));
  EXPECT_EQ(plan->Pair(plan->runs[1]), (PairId{"openai_tiktoken_task", 0, 1, 2}));
  EXPECT_EQ(plan->Pair(plan->runs[2]), (PairId{"dspy_task", 8394, 3, 4}));
  EXPECT_EQ(plan->runs[3].setting, Setting::kCoopComm) << "priority by setting stays";
}

TEST(MakePlan, KeepsTheRecordsItHasNoRunFor) {
  ExperimentOptions o = Options();
  o.settings = {Setting::kSolo};
  const std::vector<RecordedPair> recorded = {
      {"command-a-solo", {"dspy_task", 8394, 4, 5}},          // planned
      {"command-a-solo", {"openai_tiktoken_task", 0, 1, 2}},  // planned
      {"command-a-solo", {"dspy_task", 8394, 3, 5}},          // pair not in the subset
      {"command-a-coop-comm", {"dspy_task", 8394, 3, 4}},     // setting not chosen
      {"command-a-solo", {"go_chi_task", 27, 1, 2}},          // task not in the subset
      {"gpt-4o-solo", {"dspy_task", 8394, 3, 4}},             // another run prefix
  };
  auto plan = MakePlan(Tasks(), o, {}, recorded);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->runs.size(), 3u);
  EXPECT_EQ(plan->kept_records, (std::vector<std::string>{
                                    "out/command-a-coop-comm/dspy_task/task8394/f3_f4.json",
                                    "out/command-a-solo/dspy_task/task8394/f3_f5.json",
                                    "out/command-a-solo/go_chi_task/task27/f1_f2.json",
                                    "out/gpt-4o-solo/dspy_task/task8394/f3_f4.json",
                                }));
  EXPECT_TRUE(MakePlan(Tasks(), o, {})->kept_records.empty());
}

TEST(ExpectedDuration, PairThenTaskThenMedian) {
  DurationHistory h;
  EXPECT_EQ(ExpectedDuration(PairId{"r", 1, 1, 2}, h), 0);
  h[PairId{"r", 1, 1, 2}] = 10;
  h[PairId{"r", 1, 1, 3}] = 30;
  h[PairId{"s", 2, 1, 2}] = 100;
  EXPECT_EQ(ExpectedDuration(PairId{"r", 1, 1, 2}, h), 10);
  EXPECT_EQ(ExpectedDuration(PairId{"r", 1, 2, 3}, h), 20) << "mean of the task's pairs";
  EXPECT_EQ(ExpectedDuration(PairId{"t", 9, 1, 2}, h), 30) << "median of all";
}

}  // namespace
}  // namespace cb
