// cbgen status: the pure progress/ETA computation, and issue
// 6's "done when": during a run (a slow double in the background) it shows the
// running pairs, their attempt and, for a retry, the previous reason.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "absl/time/clock.h"
#include "util/file_lock.h"
#include "results/status.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

cb::RecordRow Done(cb::Setting s, int a, cb::Tag tag, double cost, double duration) {
  cb::RecordRow r;
  r.setting = s;
  r.run_name = "run";
  r.pair = cb::PairId{"r_task", 1, a, a + 1};
  r.tag = tag;
  r.cost_usd = cost;
  r.duration_s = duration;
  return r;
}

TEST(Status, SeveralModelsPerRunAndProvidersWaitingForTheirPools) {
  using cb::Setting;
  std::vector<cb::PlannedRun> plan;
  for (const auto& [run, model] : {std::pair<std::string, std::string>{"command-a-solo",
                                                                       "command-a-03-2025"},
                                   {"gpt-4o-solo", "gpt-4o"}})
    for (int a = 1; a <= 3; ++a)
      plan.push_back({Setting::kSolo, run, {"r_task", 1, a, a + 1}, "", model});
  cb::RecordRow done = Done(Setting::kSolo, 1, cb::Tag::kPass, 0.5, 20);
  done.run_name = "command-a-solo";
  done.model = "command-a-03-2025";
  const absl::Time now = absl::FromUnixSeconds(1000000);
  cb::RunningPair running{Setting::kSolo, "gpt-4o-solo", {"r_task", 1, 1, 2}, 1,
                          now - absl::Seconds(5), ""};
  const cb::StatusView v = cb::ComputeStatus(plan, {done}, {running}, now);
  EXPECT_TRUE(v.several_models);
  EXPECT_EQ(v.settings.at(Setting::kSolo).pairs, 6) << "the same pair under two models: two runs";
  EXPECT_EQ(v.runs.at("command-a-solo").progress.done, 1);
  EXPECT_EQ(v.runs.at("command-a-solo").progress.pending, 2);
  EXPECT_EQ(v.runs.at("gpt-4o-solo").progress.running, 1);
  EXPECT_EQ(v.runs.at("gpt-4o-solo").progress.pending, 2);
  EXPECT_EQ(v.runs.at("gpt-4o-solo").model, "gpt-4o");
  EXPECT_EQ(v.providers.at("openai").running, 1);
  EXPECT_EQ(v.providers.at("openai").pending, 2);
  EXPECT_EQ(v.providers.at("cohere").pending, 2);
  std::ostringstream text;
  cb::WriteStatusText(v, now, text);
  EXPECT_NE(text.str().find("gpt-4o            solo"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("provider openai: 1 running, 2 waiting for its pool (gpt-4o-solo 2)"),
            std::string::npos)
      << text.str();
  const boost::json::object json = cb::StatusToJson(v, now);
  EXPECT_EQ(json.at("models").at("gpt-4o").at("solo").at("pending"), 2);
  EXPECT_EQ(json.at("providers").at("cohere").at("pending"), 2);
}

TEST(Status, CountsRunningPendingSpendAndEta) {
  using cb::Setting;
  std::vector<cb::PlannedRun> plan;
  for (Setting s : {Setting::kSolo, Setting::kCoopComm})
    for (int a = 1; a <= 5; ++a) plan.push_back({s, "run", {"r_task", 1, a, a + 1}, ""});
  const std::vector<cb::RecordRow> rows = {Done(Setting::kSolo, 1, cb::Tag::kPass, 0.5, 20),
                                           Done(Setting::kSolo, 2, cb::Tag::kInfraError, 0.25, 40)};
  const absl::Time now = absl::FromUnixSeconds(1000000);
  cb::RunningPair r1{Setting::kSolo, "run", {"r_task", 1, 3, 4}, 1, now - absl::Seconds(10), ""};
  cb::RunningPair r2{Setting::kCoopComm,      "run",         {"r_task", 1, 1, 2}, 2,
                     now - absl::Seconds(50), "rate_limited"};
  const cb::StatusView v = cb::ComputeStatus(plan, rows, {r1, r2}, now);
  EXPECT_EQ(v.settings.at(Setting::kSolo).done, 2);
  EXPECT_EQ(v.settings.at(Setting::kSolo).running, 1);
  EXPECT_EQ(v.settings.at(Setting::kSolo).pending, 2);
  EXPECT_EQ(v.settings.at(Setting::kSolo).pairs, 5);
  EXPECT_EQ(v.settings.at(Setting::kCoopComm).running, 1);
  EXPECT_EQ(v.settings.at(Setting::kCoopComm).pending, 4);
  EXPECT_EQ(v.settings.at(Setting::kCoopNocomm).pairs, 0);
  EXPECT_DOUBLE_EQ(v.spend_usd, 0.75);
  EXPECT_DOUBLE_EQ(*v.mean_duration_s, 30);
  // 6 pending x 30s, plus 20s left of r1 and 0 of r2, over 2 in parallel.
  EXPECT_DOUBLE_EQ(*v.eta_s, (6 * 30 + 20) / 2.0);

  std::ostringstream text;
  cb::WriteStatusText(v, now, text);
  EXPECT_NE(text.str().find("solo r/1 [3,4]  attempt 1  elapsed 10s"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("coop-comm r/1 [1,2]  attempt 2  elapsed 50s  (retry: previous attempt "
                            "rate_limited)"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("ETA: ~1m40s"), std::string::npos) << text.str();

  // Nothing finished yet: no ETA rather than a made-up one.
  EXPECT_FALSE(cb::ComputeStatus(plan, {}, {r1}, now).eta_s.has_value());
}

TEST(Status, CountsAttemptsOfUnknownCostApartFromTheSpend) {
  using cb::Setting;
  std::vector<cb::RecordRow> rows = {Done(Setting::kSolo, 1, cb::Tag::kPass, 0.5, 20),
                                     Done(Setting::kCoopComm, 1, cb::Tag::kFail, 0, 20),
                                     Done(Setting::kCoopComm, 2, cb::Tag::kPass, 0.25, 20)};
  rows[1].cost_unknown_attempts = 2;
  const absl::Time now = absl::FromUnixSeconds(1000000);
  const cb::StatusView v = cb::ComputeStatus(std::nullopt, rows, {}, now);
  EXPECT_DOUBLE_EQ(v.spend_usd, 0.75);
  EXPECT_EQ(v.cost_unknown_attempts, 2);
  EXPECT_EQ(v.settings.at(Setting::kCoopComm).cost_unknown_attempts, 2);
  EXPECT_EQ(v.settings.at(Setting::kSolo).cost_unknown_attempts, 0);
  std::ostringstream text;
  cb::WriteStatusText(v, now, text);
  EXPECT_NE(text.str().find("spend so far: $0.75 over 3 finished pairs"), std::string::npos)
      << text.str();
  EXPECT_NE(
      text.str().find("cost unknown for 2 attempts (coop-comm 2), not in the spend: they were "
                      "killed before upstream reported (a timeout, a crash, an OOM kill), or "
                      "took steps but reported $0, as upstream does when litellm has no price for "
                      "the model (register one: LITELLM_MODEL_REGISTRY_PATH"),
      std::string::npos)
      << text.str();
  // The rows list no attempts: no basis, so the estimate is unknown, never $0.
  EXPECT_NE(text.str().find("estimated cost of those attempts: unknown (coop-comm unknown), "
                            "ESTIMATE; known spend + estimate = unknown; basis: no basis for"),
            std::string::npos)
      << text.str();
  const boost::json::object j = cb::StatusToJson(v, now);
  EXPECT_EQ(j.at("cost_unknown_attempts"), 2);
  EXPECT_TRUE(j.at("cost_estimate").at("estimate_usd").is_null());

  // With attempt lists: coop-comm's known attempts give the basis ($0.25 over
  // 20 s = $0.0125/s), the two killed attempts of 40 s each are $1.00.
  rows[2].attempt_list = {cb::AttemptRow{cb::Phase::kAgent, 0.25, 20, "0.0.19"}};
  rows[1].attempt_list = {cb::AttemptRow{cb::Phase::kAgent, std::nullopt, 40, "0.0.19"},
                          cb::AttemptRow{cb::Phase::kAgent, std::nullopt, 40, "0.0.19"}};
  const cb::StatusView est = cb::ComputeStatus(std::nullopt, rows, {}, now);
  ASSERT_TRUE(est.cost_estimate.estimate_usd().has_value());
  EXPECT_NEAR(*est.cost_estimate.estimate_usd(), 1.0, 1e-9);
  std::ostringstream with;
  cb::WriteStatusText(est, now, with);
  EXPECT_NE(with.str().find("estimated cost of those attempts: $1.00 (coop-comm $1.00), ESTIMATE; "
                            "known spend + estimate = $1.75; basis: (no model)/coop-comm "
                            "$0.012500 per agent-second, the median of 1 attempt"),
            std::string::npos)
      << with.str();
  EXPECT_EQ(j.at("settings").at("coop-comm").at("cost_unknown_attempts"), 2);

  // Nothing unknown: no such line.
  std::ostringstream plain;
  cb::WriteStatusText(cb::ComputeStatus(std::nullopt, {rows[0]}, {}, now), now, plain);
  EXPECT_EQ(plain.str().find("cost unknown"), std::string::npos) << plain.str();
}

TEST(Status, FormatDuration) {
  EXPECT_EQ(cb::FormatDuration(42), "42s");
  EXPECT_EQ(cb::FormatDuration(200), "3m20s");
  EXPECT_EQ(cb::FormatDuration(3720), "1h02m");
}

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

  // ninja in the background; `rc` appears when it ends.
  cbtest::Run("( " + x.Env() + "ninja -j4 > ninja.log 2>&1; echo $? > rc ) >/dev/null 2>&1 &",
              x.dir.path());
  boost::json::value during;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
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

  // Afterwards: nothing running, all done.
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
