// The estimate for attempts of unknown cost (results/cost_estimate.h): the
// median known cost per agent-second of the same model and setting, times
// each unknown attempt's duration; no basis means unknown, never $0.
#include <gtest/gtest.h>

#include <sstream>

#include "results/cost_estimate.h"
#include "results/report_summary.h"
#include "results/report_text.h"

namespace {

using cb::AttemptRow;
using cb::Phase;
using cb::RecordRow;
using cb::Setting;

AttemptRow Agent(std::optional<double> cost, double seconds, std::string release = "0.0.19") {
  return AttemptRow{Phase::kAgent, cost, seconds, std::move(release)};
}

RecordRow Row(Setting setting, std::string model, long long task,
              std::vector<AttemptRow> attempts) {
  RecordRow r;
  r.setting = setting;
  r.model = std::move(model);
  r.pair = cb::PairId{"r_task", task, 1, 2};
  r.tag = cb::Tag::kPass;
  r.attempt_list = std::move(attempts);
  r.attempts = static_cast<int>(r.attempt_list.size());
  for (const AttemptRow& a : r.attempt_list) {
    if (a.cost_usd)
      r.cost_usd += *a.cost_usd;
    else
      ++r.cost_unknown_attempts;
    (a.phase == Phase::kEval ? r.eval_attempts : r.agent_attempts)++;
  }
  return r;
}

std::vector<RecordRow> Rows() {
  return {
      // solo/m: rates 0.01, 0.02, 0.03 per s (median 0.02); eval attempts and
      // a $0 attempt are no basis.
      Row(Setting::kSolo, "m", 1, {Agent(1.0, 100), AttemptRow{Phase::kEval, 0.0, 50, "0.0.19"}}),
      Row(Setting::kSolo, "m", 2, {Agent(4.0, 200), Agent(0.0, 30)}),
      Row(Setting::kSolo, "m", 3, {Agent(6.0, 200)}),
      // Killed at 600 s: unknown, estimated 600 * 0.02 = $12.
      Row(Setting::kSolo, "m", 4, {Agent(std::nullopt, 600), Agent(2.0, 100)}),
      // coop-comm/m has no known agent cost: no basis.
      Row(Setting::kCoopComm, "m", 1, {Agent(std::nullopt, 300, "0.0.28")}),
  };
}

TEST(CostEstimate, MedianRatePerModelAndSetting) {
  const cb::CostBases bases = cb::BuildCostBases(Rows());
  ASSERT_EQ(bases.size(), 1u);
  const cb::CostBasis& b = bases.at({"m", Setting::kSolo});
  EXPECT_EQ(b.samples, 4);  // 0.01, 0.02, 0.03, 0.02
  EXPECT_DOUBLE_EQ(b.usd_per_agent_second, 0.02);
}

TEST(CostEstimate, UnknownAttemptsAtTheirDuration) {
  const std::vector<RecordRow> rows = Rows();
  const cb::CostBases bases = cb::BuildCostBases(rows);
  const std::vector<RecordRow> solo(rows.begin(), rows.begin() + 4);
  const cb::CostEstimate e = cb::EstimateCost(solo, bases);
  EXPECT_DOUBLE_EQ(e.known_usd, 13.0);
  EXPECT_EQ(e.unknown_attempts, 1);
  ASSERT_TRUE(e.estimate_usd().has_value());
  EXPECT_NEAR(*e.estimate_usd(), 12.0, 1e-9);
  EXPECT_EQ(cb::FormatEstimate(e), "$12.00");
  EXPECT_NE(cb::DescribeBasis(e, bases).find("m/solo $0.020000 per agent-second, the median of 4"),
            std::string::npos)
      << cb::DescribeBasis(e, bases);
}

TEST(CostEstimate, NoBasisIsUnknownNeverZero) {
  const std::vector<RecordRow> rows = Rows();
  const cb::CostEstimate all = cb::EstimateCost(rows, cb::BuildCostBases(rows));
  EXPECT_EQ(all.unknown_attempts, 2);
  EXPECT_EQ(all.estimated_attempts, 1);
  EXPECT_FALSE(all.estimate_usd().has_value());
  EXPECT_EQ(cb::FormatEstimate(all), "unknown");
  EXPECT_NE(cb::DescribeBasis(all, cb::BuildCostBases(rows)).find("no basis for m/coop-comm"),
            std::string::npos);
  // No unknown attempts: the estimate is a known $0.
  EXPECT_EQ(cb::EstimateCost({rows[0]}, {}).estimate_usd(), 0.0);
}

TEST(CostEstimate, OlderRecordWithoutAttemptDurationsHasNoBasis) {
  RecordRow old = Row(Setting::kSolo, "m", 9, {});
  old.cost_unknown_attempts = 2;  // counted by the record, not listed
  const std::vector<RecordRow> rows = Rows();
  const cb::CostEstimate e = cb::EstimateCost({old}, cb::BuildCostBases(rows));
  EXPECT_EQ(e.unknown_attempts, 2);
  EXPECT_FALSE(e.estimate_usd().has_value());
}

TEST(CostEstimate, ReportShowsTheEstimateLabelledAndMixedReleases) {
  const cb::Summary sum = cb::Summarize(Rows(), std::nullopt);
  std::ostringstream text;
  cb::WriteReportText(sum, "out/", text);
  EXPECT_NE(text.str().find("Estimated cost of those attempts: unknown (solo $12.00, coop-comm "
                            "unknown), ESTIMATE, known spend $13.00 + estimate = unknown; basis: "),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("Mixed cooperbench releases: the records and attempts under OUT name "
                            "0.0.19, 0.0.28;"),
            std::string::npos)
      << text.str();
  const boost::json::object j = cb::SummaryToJson(sum);
  EXPECT_TRUE(j.at("cost_estimate").at("estimate_usd").is_null());
  EXPECT_EQ(j.at("cost_estimate").at("unknown_attempts"), 2);
  EXPECT_NEAR(j.at("settings").at("solo").at("cost_estimate_usd").as_double(), 12.0, 1e-9);
  EXPECT_EQ(j.at("settings").at("solo").at("agent_attempts"), 6);
  EXPECT_EQ(j.at("settings").at("solo").at("eval_attempts"), 1);
  EXPECT_EQ(j.at("mixed_releases"), true);
}

}  // namespace
