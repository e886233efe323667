// Issue 16's "done when" for the interval: a scripted 100-pair build (the
// lite subset) whose solo and coop-nocomm outcomes make the paired table
// both=30, solo only=10, coop only=3, neither=57, run through the real cbgen,
// ninja and cbrun with the double, and `cbgen report` (text and --json)
// prints Newcombe's method 10 interval [-0.0019, +0.1409] (within 0.0006).
// --backend modal: no image targets, no Docker.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

struct PairKey {
  std::string repo;
  long long task_id;
  long long a, b;
};

std::vector<PairKey> LitePairs() {
  const boost::json::value subset =
      cbtest::ReadJson(cbtest::SourceDir() / "tests" / "data" / "subsets" / "lite.json");
  std::vector<PairKey> pairs;
  for (const auto& t : subset.at("tasks").as_array())
    for (const auto& p : t.at("pairs").as_array())
      pairs.push_back({std::string(t.at("repo").as_string()),
                       t.at("task_id").to_number<long long>(), p.at(0).to_number<long long>(),
                       p.at(1).to_number<long long>()});
  return pairs;
}

TEST(GapEndToEnd, HundredPairsGiveMethod10Interval) {
  cbtest::Experiment x;
  const std::vector<PairKey> pairs = LitePairs();
  ASSERT_EQ(pairs.size(), 100u);
  // Pairs 0-29 pass in both, 30-39 solo only, 40-42 coop-nocomm only, the
  // rest fail in both (the plan's default).
  boost::json::object scripted;
  for (size_t i = 0; i < 43; ++i) {
    const std::string key = pairs[i].repo + "/" + std::to_string(pairs[i].task_id) + "/f" +
                            std::to_string(pairs[i].a) + "_f" + std::to_string(pairs[i].b);
    const bool solo = i < 40, coop = i < 30 || i >= 40;
    scripted["command-a-solo:" + key] = boost::json::array{solo ? "pass" : "fail"};
    scripted["command-a-coop-nocomm:" + key] = boost::json::array{coop ? "pass" : "fail"};
  }
  cbtest::WriteText(x.plan(), boost::json::serialize(boost::json::object{
                                  {"default", boost::json::array{"fail"}}, {"pairs", scripted}}));

  cbtest::CommandResult gen = x.Generate("lite", "--backend modal --settings solo,coop-nocomm");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult run =
      cbtest::Run(x.Env() + "COHERE_API_KEY=test-dummy ninja -j8", x.dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(cbtest::FindRecords(x.out()).size(), 200u);

  cbtest::CommandResult json =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report --json", x.dir.path());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const boost::json::value j = boost::json::parse(json.output);
  const boost::json::value& gap = j.at("gap").at("coop-nocomm");
  EXPECT_EQ(gap.at("pairs").to_number<long long>(), 100);
  EXPECT_NEAR(gap.at("gap").to_number<double>(), 0.07, 1e-9);
  EXPECT_NEAR(gap.at("ci95").at(0).to_number<double>(), -0.0019, 6e-4) << gap;
  EXPECT_NEAR(gap.at("ci95").at(1).to_number<double>(), 0.1409, 6e-4) << gap;

  cbtest::CommandResult text = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report", x.dir.path());
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("coop-nocomm  gap +7.0 points (95% CI -0.2 to +14.1) on 100 pairs"),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("both pass 30, solo only 10, coop only 3, neither 57"),
            std::string::npos)
      << text.output;
}

}  // namespace
