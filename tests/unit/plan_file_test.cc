// OUT/plan.json: the writer's whole output for a small plan, the reader and its
// errors. (That cbgen's plan.json names exactly build.ninja's targets and is all
// `cbgen report` and `cbgen status` need: integration/plan_file_e2e_test.cc.)
#include "core/plan_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "generator/plan.h"
#include "generator/plan_file_writer.h"
#include "test_util.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

Plan SmallPlan(const ExperimentOptions& o) {
  return *MakePlan({TaskSpec{"dspy_task", 8394, {3, 4, 5}, {{3, 4}, {4, 5}}}}, o, {});
}

ExperimentOptions Options(const std::string& backend = "docker") {
  ExperimentOptions o;
  o.settings = {Setting::kSolo, Setting::kCoopNocomm};
  o.run_prefix = "command-a";
  o.agent = "mini_swe_agent_v2";
  o.backend = backend;
  return o;
}

TEST(WritePlanFile, WholeOutput) {
  const ExperimentOptions o = Options();
  EXPECT_EQ(RenderPlanFile(SmallPlan(o), o, "/exp/build.ninja"),
            R"({
  "schema": 1,
  "build_file": "/exp/build.ninja",
  "out": "out",
  "model": "command-a-03-2025",
  "agent": "mini_swe_agent_v2",
  "backend": "docker",
  "run_prefix": "command-a",
  "settings": [
    {"setting": "solo", "run_name": "command-a-solo", "runs": 2},
    {"setting": "coop-nocomm", "run_name": "command-a-coop-nocomm", "runs": 2}
  ],
  "images": [
    {"repo": "dspy_task", "task_id": 8394, "image": "akhatua/cooperbench-dspy:task8394", "stamp": "out/images/dspy_task-task8394.stamp"}
  ],
  "runs": [
    {"setting": "solo", "run_name": "command-a-solo", "repo": "dspy_task", "task_id": 8394, "features": [3, 4], "record": "out/command-a-solo/dspy_task/task8394/f3_f4.json"},
    {"setting": "solo", "run_name": "command-a-solo", "repo": "dspy_task", "task_id": 8394, "features": [4, 5], "record": "out/command-a-solo/dspy_task/task8394/f4_f5.json"},
    {"setting": "coop-nocomm", "run_name": "command-a-coop-nocomm", "repo": "dspy_task", "task_id": 8394, "features": [3, 4], "record": "out/command-a-coop-nocomm/dspy_task/task8394/f3_f4.json"},
    {"setting": "coop-nocomm", "run_name": "command-a-coop-nocomm", "repo": "dspy_task", "task_id": 8394, "features": [4, 5], "record": "out/command-a-coop-nocomm/dspy_task/task8394/f4_f5.json"}
  ]
}
)");
}

TEST(WritePlanFile, CloudBackendHasNoImages) {
  const ExperimentOptions o = Options("modal");
  const std::string text = RenderPlanFile(SmallPlan(o), o, "/exp/build.ninja");
  EXPECT_NE(text.find("\n  \"images\": [],\n"), std::string::npos) << text;
}

TEST(WritePlanFile, ReadsBackWithEveryPathAsThePlanNamesIt) {
  ExperimentOptions o = Options();
  o.out = "/data/we\"ird\\ out";  // escaped in pieces, read back whole
  const Plan plan = SmallPlan(o);
  absl::StatusOr<PlanFile> back =
      ParsePlanFile(RenderPlanFile(plan, o, "/exp/build.ninja"), "out/plan.json");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->build_file, "/exp/build.ninja");
  std::vector<PlannedRun> expected;
  for (const RunTarget& run : plan.runs)
    expected.push_back(
        PlannedRun{run.setting, plan.RunName(run), plan.Pair(run), plan.RecordPath(run), o.model});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(back->runs, expected);
  EXPECT_EQ(back->runs[0].record,
            "/data/we\"ird\\ out/command-a-solo/dspy_task/task8394/f3_f4.json");
}

TEST(ParsePlanFile, ErrorsNameTheFileAndTheEntry) {
  const std::string head = R"({"schema": 1, "build_file": "/exp/build.ninja", "runs": [)";
  const std::string good =
      R"({"setting": "solo", "run_name": "r-solo", "repo": "dspy_task", "task_id": 1,)"
      R"( "features": [4, 3], "record": "out/r-solo/dspy_task/task1/f3_f4.json"})";
  absl::StatusOr<PlanFile> ok = ParsePlanFile(head + good + "]}", "out/plan.json");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->runs.size(), 1u);
  EXPECT_EQ(ok->runs[0].pair, (PairId{"dspy_task", 1, 3, 4})) << "smaller feature first";

  auto error = [&](const std::string& text) {
    absl::StatusOr<PlanFile> p = ParsePlanFile(text, "out/plan.json");
    EXPECT_FALSE(p.ok()) << text;
    return p.ok() ? std::string() : std::string(p.status().message());
  };
  EXPECT_EQ(error(head + good +
                  R"(, {"setting": "solo", "run_name": "r-solo", "repo": "x",)"
                  R"( "task_id": 1, "features": [1], "record": "a.json"}]})"),
            "out/plan.json: runs[1]: \"features\" is missing or of the wrong type; run cbgen "
            "again to rewrite it");
  EXPECT_EQ(error(R"({"schema": 2, "build_file": "b", "runs": []})"),
            "out/plan.json: \"schema\" is not 1 (a plan of another cbgen release); run cbgen "
            "again to rewrite it");
  EXPECT_EQ(error(R"({"schema": 1, "runs": []})"),
            "out/plan.json: \"build_file\" is missing or not a string; run cbgen again to "
            "rewrite it");
  EXPECT_NE(error(head + good).find("out/plan.json:1:"), std::string::npos) << "a torn file";
  EXPECT_NE(error(head + R"({"setting": "duo"}]})").find("runs[0]: \"setting\""),
            std::string::npos);
}

TEST(ReadPlanFile, MissingIsUnknownNotAnError) {
  cbtest::TempDir dir;
  absl::StatusOr<std::optional<PlanFile>> plan = ReadPlanFile(dir / "out");
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_FALSE(plan->has_value());
}

TEST(WritePlanFile, AMatrixNamesEachRunsModel) {
  ExperimentOptions o;
  o.settings = {Setting::kSolo};
  o.models = {ModelRun{"command-a-03-2025", "command-a", "cohere"},
              ModelRun{"gpt-4o", "gpt-4o", "openai"}};
  o.model = o.models[0].model;
  o.run_prefix = o.models[0].run_prefix;
  absl::StatusOr<Plan> plan = MakePlan({TaskSpec{"dspy_task", 8394, {3, 4}, {{3, 4}}}}, o, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  const std::string text = RenderPlanFile(*plan, o, "/exp/build.ninja");
  EXPECT_NE(text.find("\"models\": [\n    {\"model\": \"command-a-03-2025\", \"run_prefix\": "
                      "\"command-a\", \"provider\": \"cohere\"},"),
            std::string::npos)
      << text;
  absl::StatusOr<PlanFile> back = ParsePlanFile(text, "out/plan.json");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->runs.size(), 2u);
  EXPECT_EQ(back->runs[0].run_name, "command-a-solo");
  EXPECT_EQ(back->runs[0].model, "command-a-03-2025");
  EXPECT_EQ(back->runs[1].run_name, "gpt-4o-solo");
  EXPECT_EQ(back->runs[1].model, "gpt-4o");
}

}  // namespace
}  // namespace cb
