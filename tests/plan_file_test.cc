// OUT/plan.json: the writer's whole output for a small plan, the reader and its
// errors, and that cbgen's plan.json names exactly build.ninja's targets (the
// real ninja lists them) and is all `cbgen report` and `cbgen status` need.
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

// ---- With the real cbgen and ninja. ----

std::set<std::string> NinjaTargets(const cbtest::Experiment& x, const std::string& rule) {
  cbtest::CommandResult r = cbtest::Run("ninja -t targets all", x.dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::set<std::string> outputs;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    const size_t sep = line.rfind(": ");
    if (sep != std::string::npos && line.substr(sep + 2) == rule)
      outputs.insert(line.substr(0, sep));
  }
  return outputs;
}

TEST(PlanFileEndToEnd, NamesExactlyBuildNinjasRunAndPullTargets) {
  cbtest::Experiment x;
  // An OUT that needs escaping in Ninja ("$ ") and a folder of its own.
  cbtest::CommandResult gen = x.Generate("lite", "--out 'out dir'");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const boost::json::value plan = cbtest::ReadJson(x.dir / "out dir" / "plan.json");
  EXPECT_EQ(std::string(plan.at("build_file").as_string()), (x.dir / "build.ninja").string());
  EXPECT_EQ(plan.at("out"), "out dir");

  std::set<std::string> records, stamps;
  for (const auto& run : plan.at("runs").as_array())
    records.insert(std::string(run.at("record").as_string()));
  for (const auto& img : plan.at("images").as_array())
    stamps.insert(std::string(img.at("stamp").as_string()));
  EXPECT_EQ(plan.at("runs").as_array().size(), 300u);
  EXPECT_EQ(records.size(), 300u) << "one entry per target";
  EXPECT_EQ(stamps.size(), 26u);
  EXPECT_EQ(records, NinjaTargets(x, "run"));
  EXPECT_EQ(stamps, NinjaTargets(x, "pull"));
  long long per_setting = 0;
  for (const auto& s : plan.at("settings").as_array()) per_setting += s.at("runs").as_int64();
  EXPECT_EQ(per_setting, 300);

  // And each entry's setting, pair and run name are what its edge runs.
  const boost::json::value& first = plan.at("runs").at(0);
  cbtest::CommandResult cmd = cbtest::Run(
      "ninja -t commands " + cbtest::Sh(std::string(first.at("record").as_string())) + " | tail -1",
      x.dir.path());
  ASSERT_EQ(cmd.exit_code, 0) << cmd.output;
  const std::string features = std::to_string(first.at("features").at(0).as_int64()) + "," +
                               std::to_string(first.at("features").at(1).as_int64());
  EXPECT_NE(cmd.output.find(" --setting " + std::string(first.at("setting").as_string()) +
                            " --repo " + std::string(first.at("repo").as_string()) + " --task " +
                            std::to_string(first.at("task_id").as_int64()) + " --features " +
                            features + " "),
            std::string::npos)
      << cmd.output;
  EXPECT_NE(cmd.output.find(" --run-name " + std::string(first.at("run_name").as_string()) + " "),
            std::string::npos)
      << cmd.output;
}

// cbrun's preflight wants the API key variable set; the double never uses it.
cbtest::CommandResult Ninja(const cbtest::Experiment& x, const std::string& args) {
  return cbtest::Run(x.Env() + "COHERE_API_KEY=test-dummy ninja " + args, x.dir.path());
}

boost::json::value JsonOf(const cbtest::Experiment& x, const std::string& command) {
  cbtest::CommandResult r = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " " + command, x.dir.path());
  EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.output;
  return r.exit_code == 0 ? boost::json::parse(r.output) : boost::json::value();
}

TEST(PlanFileEndToEnd, ReportAndStatusNeedOnlyPlanJson) {
  cbtest::Experiment x;
  cbtest::WriteText(
      x.dir / "mini.json",
      R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[1,2],[1,3],[3,4]]}]})");
  ASSERT_EQ(x.Generate("mini.json", "--backend modal --settings solo,coop-nocomm").exit_code, 0);
  cbtest::CommandResult run = Ninja(x, "-j2 solo");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // --build-file names the build whose plan is meant: another build's is refused.
  cbtest::WriteText(x.dir / "other.ninja", "");
  cbtest::CommandResult text =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " status --build-file other.ninja", x.dir.path());
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.output.find("cbgen status: error: --build-file other.ninja: out/plan.json is the "
                             "plan of another build, " +
                             (x.dir / "build.ninja").string()),
            std::string::npos)
      << text.output;
  EXPECT_EQ(
      JsonOf(x, "report --json --build-file build.ninja").at("settings").at("solo").at("done"), 3);
  fs::remove(x.dir / "build.ninja");

  for (const char* command : {"report --json", "status --json"}) {
    SCOPED_TRACE(command);
    const boost::json::value j = JsonOf(x, command);
    ASSERT_FALSE(j.is_null());
    EXPECT_EQ(j.at("settings").at("solo").at("done"), 3);
    EXPECT_EQ(j.at("settings").at("solo").at("pending"), 0);
    EXPECT_EQ(j.at("settings").at("coop-nocomm").at("pairs"), 3);
    EXPECT_EQ(j.at("settings").at("coop-nocomm").at("pending"), 3);
    EXPECT_EQ(j.at("settings").at("coop-comm").at("pairs"), 0);
  }
  const boost::json::value report = JsonOf(x, "report --json");
  EXPECT_EQ(report.at("plan"), "out/plan.json");
  EXPECT_EQ(std::string(report.at("build_file").as_string()), (x.dir / "build.ninja").string());
  text = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report", x.dir.path());
  EXPECT_NE(text.output.find("(plan: out/plan.json)"), std::string::npos) << text.output;

  // A --build-file that is gone: report says so (status counts no plan), as before.
  text =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report --build-file build.ninja", x.dir.path());
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.output.find("cbgen report: error: --build-file build.ninja: no such file"),
            std::string::npos)
      << text.output;

  // Without plan.json the plan is unknown, as it was without build.ninja.
  fs::remove(x.out() / "plan.json");
  const boost::json::value status = JsonOf(x, "status --json");
  EXPECT_TRUE(status.at("settings").at("coop-nocomm").at("pending").is_null()) << status;
  const boost::json::value unplanned = JsonOf(x, "report --json");
  EXPECT_TRUE(unplanned.at("plan").is_null());
  EXPECT_EQ(unplanned.at("settings").at("coop-nocomm").at("pairs"), 0);
  text = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " status", x.dir.path());
  EXPECT_NE(text.output.find("(no plan.json in OUT: pending unknown; run cbgen again to write it)"),
            std::string::npos)
      << text.output;
}

}  // namespace
}  // namespace cb

namespace cb {
namespace {

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
