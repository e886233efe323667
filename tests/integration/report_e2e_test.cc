// cbgen report, issue 6's "done when": on a scripted flash run with every
// outcome kind, `cbgen report --json` agrees with the records exactly; and a
// missing OUT says what to do. (The statistics, the record reader and the
// summary: unit/report_test.cc.)
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

// Every outcome word the double plays, mapped over pairs and settings.
const std::vector<std::string> kOutcomes = {
    R"(["pass@0.11"])",        R"(["fail@0.07"])",         R"(["limits@0.05"])",
    R"(["merge@0.13"])",       R"(["agent_error@0.02"])",  R"(["rate_limit@0.01", "pass@0.2"])",
    R"(["api_timeout"])",      R"(["docker_error@0.04"])", R"(["eval_error@0.03"])",
    R"(["no_eval@0.06"])",     R"(["bad_result"])",        R"(["crash"])",
    R"(["oom", "fail@0.03"])", R"(["pass@0.37"])",         R"(["pass@0.015"])"};

std::string FlashPlan() {
  boost::json::value subset = cbtest::ReadJson(cbtest::DatasetDir() / "subsets" / "flash.json");
  std::string plan = R"({"default": ["pass"], "pairs": {)";
  int i = 0;
  bool first = true;
  for (const auto& task : subset.at("tasks").as_array()) {
    for (const auto& pair : task.at("pairs").as_array()) {
      const std::string key = std::string(task.at("repo").as_string()) + "/" +
                              std::to_string(task.at("task_id").as_int64()) + "/f" +
                              std::to_string(pair.at(0).as_int64()) + "_f" +
                              std::to_string(pair.at(1).as_int64());
      int s = 0;
      for (const char* run : {"command-a-solo", "command-a-coop-comm", "command-a-coop-nocomm"}) {
        plan += std::string(first ? "" : ",") + "\"" + run + ":" + key +
                "\": " + kOutcomes[(i + 4 * s++) % kOutcomes.size()];
        first = false;
      }
      ++i;
    }
  }
  return plan + "}}";
}

struct Expected {
  long long pass = 0, fail = 0, infra = 0;
  double cost = 0;
};

std::map<std::string, Expected> FromRecords(const fs::path& out) {
  std::map<std::string, Expected> e;
  for (const fs::path& p : cbtest::FindRecords(out)) {
    boost::json::value r = cbtest::ReadJson(p);
    Expected& x = e[std::string(r.at("setting").as_string())];
    const std::string tag(r.at("tag").as_string());
    (tag == "pass" ? x.pass : tag == "fail" ? x.fail : x.infra)++;
    x.cost += r.at("cost_usd").to_number<double>();
  }
  return e;
}

TEST(ReportEndToEnd, FlashWithEveryOutcomeAgreesWithTheRecords) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages(cbtest::SubsetImages("flash")), "");
  Experiment x;
  cbtest::WriteText(x.plan(), FlashPlan());
  cbtest::CommandResult gen = x.Generate("flash", "--retries 1");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const std::string report_cmd = cbtest::Sh(cbtest::Cbgen()) + " report --json";

  // Solo first: the coop settings are all pending.
  cbtest::CommandResult run = x.Ninja("-j4 solo");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  cbtest::CommandResult rep = cbtest::Run(report_cmd, x.dir.path());
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  boost::json::value j = boost::json::parse(rep.output);
  EXPECT_EQ(j.at("settings").at("solo").at("pairs"), 50);
  EXPECT_EQ(j.at("settings").at("solo").at("done"), 50);
  EXPECT_EQ(j.at("settings").at("solo").at("pending"), 0);
  EXPECT_EQ(j.at("settings").at("coop-comm").at("pairs"), 50);
  EXPECT_EQ(j.at("settings").at("coop-comm").at("pending"), 50);
  EXPECT_EQ(j.at("settings").at("coop-nocomm").at("done"), 0);
  EXPECT_TRUE(j.at("settings").at("coop-nocomm").at("pass_rate").is_null());

  run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output.substr(
      run.output.size() > 3000 ? run.output.size() - 3000 : 0);
  ASSERT_EQ(cbtest::FindRecords(x.out()).size(), 150u);
  const size_t calls = x.Calls();
  rep = cbtest::Run(report_cmd + " --csv report.csv --html report.html", x.dir.path());
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  j = boost::json::parse(rep.output);

  const std::map<std::string, Expected> expected = FromRecords(x.out());
  std::set<std::string> reasons;
  double total = 0;
  for (const char* setting : {"solo", "coop-comm", "coop-nocomm"}) {
    SCOPED_TRACE(setting);
    const Expected& e = expected.at(setting);
    const boost::json::value& s = j.at("settings").at(setting);
    // Every outcome kind is there, in every setting.
    EXPECT_GT(e.pass, 0);
    EXPECT_GT(e.fail, 0);
    EXPECT_GT(e.infra, 0);
    EXPECT_EQ(s.at("pairs"), 50);
    EXPECT_EQ(s.at("done"), 50);
    EXPECT_EQ(s.at("pending"), 0);
    EXPECT_EQ(s.at("pass"), e.pass);
    EXPECT_EQ(s.at("fail"), e.fail);
    EXPECT_EQ(s.at("infra_error"), e.infra);
    // Sums of the same costs in another order: equal up to rounding noise
    // (rounding both to cents can split a half cent).
    EXPECT_NEAR(s.at("cost_usd").as_double(), e.cost, 1e-6);
    EXPECT_DOUBLE_EQ(s.at("pass_rate").as_double(),
                     static_cast<double>(e.pass) / static_cast<double>(e.pass + e.fail));
    total += e.cost;
    for (const auto& kv : j.at("reasons").at(setting).as_object()) reasons.insert(kv.key());
  }
  EXPECT_NEAR(j.at("cost_usd").as_double(), total, 1e-6);
  for (const char* r :
       {"tests_failed", "limits_exceeded", "merge_conflict", "agent_error", "api_timeout",
        "docker_error", "eval_error", "missing_eval", "missing_result", "crash"})
    EXPECT_TRUE(reasons.count(r)) << r;

  // The gap rests on the pairs finished in both.
  const boost::json::value& gap = j.at("gap").at("coop-comm");
  EXPECT_GT(gap.at("pairs").as_int64(), 0);
  EXPECT_LT(gap.at("ci95").at(0).as_double(), gap.at("ci95").at(1).as_double());
  EXPECT_NE(std::string(j.at("gap").at("method").as_string()).find("Newcombe"), std::string::npos);
  EXPECT_FALSE(j.at("difficulty").at("tasks").as_array().empty());

  // CSV: a header and one row per record.
  const std::string csv = cbtest::ReadText(x.dir / "report.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 151);
  EXPECT_EQ(csv.rfind("setting,run_name,repo,task_id,", 0), 0u);
  // HTML: the index with its charts inline, and a page per pair beside it.
  const std::string html = cbtest::ReadText(x.dir / "report.html");
  size_t svgs = 0;
  for (size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) ++svgs;
  EXPECT_GE(svgs, 5u);
  size_t pages = 0;
  for (const auto& page : fs::directory_iterator(x.dir / "pairs")) {
    ++pages;
    EXPECT_NE(html.find("href=\"pairs/" + page.path().filename().string() + "\""),
              std::string::npos)
        << page.path();
  }
  EXPECT_EQ(pages, 50u) << "one page per pair of flash";

  // The terminal table.
  rep = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report", x.dir.path());
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  EXPECT_NE(rep.output.find("infra errors are excluded"), std::string::npos) << rep.output;
  EXPECT_NE(rep.output.find("By repository"), std::string::npos);
  EXPECT_NE(rep.output.find("Coordination gap"), std::string::npos);
  EXPECT_EQ(x.Calls(), calls) << "report never calls cooperbench";
}

TEST(ReportCommand, MissingOutSaysWhatToDo) {
  cbtest::TempDir dir;
  cbtest::CommandResult r =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report --out nowhere", dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cbgen report: error: --out nowhere: no such folder; run ninja first"),
            std::string::npos)
      << r.output;
}

}  // namespace
