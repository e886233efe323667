// cbgen status, issue 6's "done when": during a run (a slow double in the
// background) it shows the running pairs, their attempt and, for a retry, the
// previous reason. (The pure progress/ETA computation: unit/status_test.cc.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

boost::json::value Status(const Experiment& x) {
  cbtest::CommandResult r =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " status --json", x.dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return boost::json::parse(r.output);
}

TEST(StatusEndToEnd, ShowsTheRunningPairsDuringARun) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  cbtest::WriteText(x.dir / "mini.json",
                    R"({"name":"mini","tasks":[{"repo":"dspy_task","task_id":8394,
                        "pairs":[[1,2],[1,3],[2,3],[3,4]]}]})");
  // Two quick pairs, then two slow ones: one plain, one a retry after a rate limit.
  cbtest::WriteText(x.plan(), R"({"default":["pass@0.1"],"pairs":{
      "dspy_task/8394/f2_f3": ["pass@0.2:6"],
      "dspy_task/8394/f3_f4": ["rate_limit@0.05", "pass@0.2:6"]}})");
  ASSERT_EQ(x.Generate((x.dir / "mini.json").string(), "--settings solo").exit_code, 0);

  const boost::json::value before = Status(x);
  EXPECT_EQ(before.at("settings").at("solo").at("pending"), 4);
  EXPECT_TRUE(before.at("running").as_array().empty());

  // ninja in the background; `rc` appears when it ends. The slow pairs hold until `release`
  // exists (FAKE_CB_HOLD): the test sees them running for as long as it needs, however
  // loaded the machine, and releases them once it has.
  const fs::path release = x.dir / "release";
  // Released at the latest when the test ends, whatever failed before.
  struct ReleaseAtExit {
    fs::path file;
    ~ReleaseAtExit() { cbtest::WriteText(file, ""); }
  } release_at_exit{release};
  cbtest::Run("( " + x.Env() + "FAKE_CB_HOLD=" + cbtest::Sh(release.string()) +
                  " ninja -j4 > ninja.log 2>&1; echo $? > rc ) >/dev/null 2>&1 &",
              x.dir.path());
  boost::json::value during;
  // A bound only a hang reaches; the verdict is the state status shows.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  while (std::chrono::steady_clock::now() < deadline && !fs::exists(x.dir / "rc")) {
    during = Status(x);
    if (during.at("running").as_array().size() == 2 &&
        during.at("running").at(1).at("attempt") == 2 &&
        during.at("settings").at("solo").at("done") == 2)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(during.is_null());
  ASSERT_EQ(during.at("running").as_array().size(), 2u)
      << during << cbtest::ReadText(x.dir / "ninja.log");
  const boost::json::value& slow = during.at("running").at(0);
  EXPECT_EQ(slow.at("setting"), "solo");
  EXPECT_EQ(slow.at("features"), (boost::json::array{2, 3}));
  EXPECT_EQ(slow.at("attempt"), 1);
  EXPECT_TRUE(slow.at("previous_reason").is_null());
  EXPECT_GE(slow.at("elapsed_s").as_double(), 0);
  const boost::json::value& retry = during.at("running").at(1);
  EXPECT_EQ(retry.at("features"), (boost::json::array{3, 4}));
  EXPECT_EQ(retry.at("attempt"), 2);
  EXPECT_EQ(retry.at("previous_reason"), "rate_limited");
  EXPECT_EQ(during.at("settings").at("solo").at("done"), 2);
  EXPECT_EQ(during.at("settings").at("solo").at("running"), 2);
  EXPECT_EQ(during.at("settings").at("solo").at("pending"), 0);
  EXPECT_NEAR(during.at("spend_usd").as_double(), 0.2, 1e-9);
  EXPECT_FALSE(during.at("eta_s").is_null());

  // The terminal form names them too.
  cbtest::CommandResult text = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " status", x.dir.path());
  EXPECT_NE(text.output.find("running (2):"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("solo dspy/8394 [2,3]  attempt 1"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("(retry: previous attempt rate_limited)"), std::string::npos)
      << text.output;

  // Afterwards (the held pairs released, only now: the text above saw them running): nothing
  // running, all done.
  cbtest::WriteText(release, "");
  while (std::chrono::steady_clock::now() < deadline && !fs::exists(x.dir / "rc"))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(cbtest::ReadText(x.dir / "rc"), "0\n") << cbtest::ReadText(x.dir / "ninja.log");
  const boost::json::value after = Status(x);
  EXPECT_TRUE(after.at("running").as_array().empty()) << after;
  EXPECT_EQ(after.at("settings").at("solo").at("done"), 4);
  EXPECT_EQ(after.at("settings").at("solo").at("pending"), 0);
  EXPECT_EQ(after.at("eta_s"), 0.0);
}

}  // namespace
