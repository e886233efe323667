// cbgen status: the pure progress/ETA computation. (During a run, with a slow
// double in the background: integration/status_e2e_test.cc.)
#include <gtest/gtest.h>

#include <sstream>

#include "absl/time/clock.h"
#include "results/status.h"

namespace {

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
  EXPECT_EQ(v.built.count(Setting::kCoopNocomm), 0u) << "not in the build: no text row";
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

  // Issue 24 item 7: nothing running is no ETA (no ninja at work), and a finished build says
  // it is done, not "ETA: ~0s".
  const cb::StatusView idle = cb::ComputeStatus(plan, rows, {}, now);
  EXPECT_FALSE(idle.eta_s.has_value());
  std::ostringstream idle_text;
  cb::WriteStatusText(idle, now, idle_text);
  EXPECT_NE(idle_text.str().find("ETA: none while nothing runs (8 pairs pending: `ninja` runs them)"),
            std::string::npos)
      << idle_text.str();
  EXPECT_EQ(idle_text.str().find("ETA: ~"), std::string::npos) << idle_text.str();
  std::vector<cb::PlannedRun> two(plan.begin(), plan.begin() + 2);
  const cb::StatusView done = cb::ComputeStatus(two, rows, {}, now);
  EXPECT_EQ(done.eta_s, 0.0);
  std::ostringstream done_text;
  cb::WriteStatusText(done, now, done_text);
  EXPECT_NE(done_text.str().find("done: every planned pair has a record"), std::string::npos)
      << done_text.str();
  EXPECT_EQ(done_text.str().find("ETA"), std::string::npos) << done_text.str();
  EXPECT_EQ(done_text.str().find("coop-comm"), std::string::npos)
      << "a solo-only plan has no coop-comm row: " << done_text.str();
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

}  // namespace
