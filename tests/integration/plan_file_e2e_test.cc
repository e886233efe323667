// OUT/plan.json with the real cbgen and ninja: cbgen's plan.json names exactly
// build.ninja's targets (the real ninja lists them) and is all `cbgen report`
// and `cbgen status` need. (The writer and the reader: unit/plan_file_test.cc.)
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "test_util.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

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
