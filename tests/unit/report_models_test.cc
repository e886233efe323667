// Issue 17, several models in one build: records are grouped by run group
// (run prefix) and reported per model, never pooled; models are compared on
// the pairs both ran; a one-model report stays byte for byte what it was.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "results/report_models.h"
#include "results/report_stats.h"
#include "results/report_summary.h"
#include "results/report_text.h"
#include "report_golden.h"

namespace {

using cb::Setting;
using cb::Tag;

using cbtest::GoldenPlan;
using cbtest::GoldenRow;
using cbtest::GoldenRows;
using cbtest::kGoldenJson;
using cbtest::kGoldenText;

std::string Text(const cb::Summary& s, const std::string& source = "out/") {
  std::ostringstream os;
  cb::WriteReportText(s, source, os);
  return os.str();
}

// One model, all three settings: the text is what it was, byte for byte,
// and only new lines follow.
TEST(ReportModels, OneModelTextIsUnchanged) {
  const cb::Summary s = cb::Summarize(GoldenRows(), GoldenPlan());
  ASSERT_EQ(s.models.size(), 1u);
  EXPECT_EQ(s.models[0].label, "command-a-03-2025");
  EXPECT_EQ(s.models[0].run_prefix, "command-a");
  EXPECT_TRUE(s.comparisons.empty());
  const std::string text = Text(s, "out/ (plan: out/plan.json)");
  const std::string golden = kGoldenText;
  ASSERT_GE(text.size(), golden.size()) << text;
  EXPECT_EQ(text.substr(0, golden.size()), golden);
  EXPECT_EQ(text.substr(golden.size()),
            std::string("\nCost per solved pair\n  ") + cb::kCostPerSolvedDefinition +
                "\n"
                "  solo         $0.68 ($2.03 over 3 passes)\n"
                "  coop-comm    $2.10 ($4.20 over 2 passes)\n"
                "  coop-nocomm  $0.75 ($1.50 over 2 passes)\n"
                "\nIntervals\n  " +
                cb::kPassRateMethodWhy + "\n  " + cb::kGapMethodWhy + "\n");
}

// One model: today's keys with today's values, in today's order (compared as
// serialized text: Boost.JSON's default parser rounds the last digit); the
// new keys after them.
TEST(ReportModels, OneModelJsonKeepsEveryKey) {
  const cb::Summary s = cb::Summarize(GoldenRows(), GoldenPlan());
  const boost::json::object now = cb::SummaryToJson(s);
  const size_t kept = boost::json::parse(kGoldenJson).as_object().size();
  ASSERT_GE(now.size(), kept);
  boost::json::object today;
  std::vector<std::string> added;
  for (const auto& kv : now) {
    if (today.size() < kept)
      today[kv.key()] = kv.value();
    else
      added.push_back(kv.key());
  }
  EXPECT_EQ(boost::json::serialize(today), std::string(kGoldenJson));
  EXPECT_EQ(added, (std::vector<std::string>{"methods", "models", "comparisons"}));
  const boost::json::value& model = now.at("models").at("command-a-03-2025");
  EXPECT_EQ(model.at("run_prefix"), "command-a");
  EXPECT_EQ(model.at("settings").at("solo").at("done"), 6);
  EXPECT_NEAR(model.at("settings").at("solo").at("cost_per_solved_pair_usd").as_double(),
              (1.70 + 0.325) / 3, 1e-9);
  EXPECT_TRUE(now.at("comparisons").as_array().empty());
}

// Only solo and coop-nocomm built: no coop-comm row, no coop-comm gap line.
TEST(ReportModels, ASettingNotBuiltHasNoRow) {
  std::vector<cb::RecordRow> rows;
  for (const cb::RecordRow& r : GoldenRows())
    if (r.setting != Setting::kCoopComm) rows.push_back(r);
  std::vector<cb::PlannedRun> plan;
  for (const cb::PlannedRun& p : GoldenPlan())
    if (p.setting != Setting::kCoopComm) plan.push_back(p);
  const std::string text = Text(cb::Summarize(rows, plan));
  EXPECT_NE(text.find("\nsolo  "), std::string::npos) << text;
  EXPECT_NE(text.find("\ncoop-nocomm  "), std::string::npos) << text;
  EXPECT_EQ(text.find("coop-comm "), std::string::npos) << text;
  // Planned but not recorded yet: in the build, so its row stays.
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](const cb::RecordRow& r) { return r.setting != Setting::kSolo; }),
             rows.end());
  EXPECT_NE(Text(cb::Summarize(rows, plan)).find("\ncoop-nocomm  "), std::string::npos);
}

TEST(ReportModels, RunPrefixIsTheRunNameWithoutItsSetting) {
  EXPECT_EQ(cb::RunPrefixOf("command-a-solo"), "command-a");
  EXPECT_EQ(cb::RunPrefixOf("command-a-coop-comm"), "command-a");
  EXPECT_EQ(cb::RunPrefixOf("gpt-5.1-coop-nocomm"), "gpt-5.1");
  EXPECT_EQ(cb::RunPrefixOf("solo"), "");
  EXPECT_EQ(cb::RunPrefixOf("custom"), "custom");
}

// `prefix`'s run of `s` on pair `a` of task 1.
cb::RecordRow RunOf(const std::string& prefix, const std::string& model, Setting s, int a,
                    Tag tag) {
  cb::RecordRow r = GoldenRow(s, "r_task", 1, a, tag, 0.5, 10);
  r.run_name = prefix + "-" + std::string(cb::SettingName(s));
  r.model = model;
  return r;
}

// Two run prefixes x 3 solo records in one OUT: two groups of 3, never one of 6.
TEST(ReportModels, TwoRunPrefixesAreReportedApart) {
  std::vector<cb::RecordRow> rows;
  for (int a : {1, 3, 5}) {
    rows.push_back(RunOf("command-a", "command-a-03-2025", Setting::kSolo, a, Tag::kPass));
    rows.push_back(RunOf("gpt-5", "gpt-5", Setting::kSolo, a, a == 1 ? Tag::kPass : Tag::kFail));
  }
  const cb::Summary s = cb::Summarize(rows, std::nullopt);
  ASSERT_TRUE(s.several_models());
  ASSERT_EQ(s.models.size(), 2u);
  EXPECT_EQ(s.models[0].label, "command-a-03-2025");
  EXPECT_EQ(s.models[1].label, "gpt-5");
  for (const cb::ModelGroup& g : s.models) {
    EXPECT_EQ(g.summary.records, 3) << g.label;
    EXPECT_EQ(g.summary.settings.at(Setting::kSolo).done, 3) << g.label;
    EXPECT_EQ(g.summary.settings.at(Setting::kSolo).pairs, 3) << g.label;
    EXPECT_EQ(g.summary.built, std::set<Setting>{Setting::kSolo});
  }
  EXPECT_EQ(s.models[0].summary.settings.at(Setting::kSolo).pass, 3);
  EXPECT_EQ(s.models[1].summary.settings.at(Setting::kSolo).pass, 1);
  // Nothing pooled at the top.
  EXPECT_EQ(s.settings.at(Setting::kSolo).done, 0);
  EXPECT_TRUE(s.gaps.empty());
  const boost::json::object j = cb::SummaryToJson(s);
  for (const char* pooled : {"settings", "gap", "repos", "cost_usd", "reasons", "difficulty"})
    EXPECT_FALSE(j.contains(pooled)) << pooled;
  EXPECT_EQ(j.at("models").at("gpt-5").at("settings").at("solo").at("done"), 3);
  EXPECT_FALSE(j.at("models").at("gpt-5").at("settings").as_object().contains("coop-comm"));
  EXPECT_NE(std::string(j.at("methods").at("comparisons_gap_ci95").as_string()).find("Student t"),
            std::string::npos);
  ASSERT_EQ(j.at("comparisons").as_array().size(), 1u);
  EXPECT_EQ(j.at("comparisons").at(0).at("pass_rate").at("solo").at("pairs"), 3);

  // The same model under two prefixes: labelled by prefix too.
  for (cb::RecordRow& r : rows) r.model = "m";
  const cb::Summary same = cb::Summarize(rows, std::nullopt);
  ASSERT_EQ(same.models.size(), 2u);
  EXPECT_EQ(same.models[0].label, "m (command-a)");
  EXPECT_EQ(same.models[1].label, "m (gpt-5)");
}

// The plan names the model of a prefix with no records yet.
TEST(ReportModels, ThePlanNamesTheModel) {
  std::vector<cb::PlannedRun> plan = GoldenPlan();
  for (cb::PlannedRun p : GoldenPlan()) {
    p.run_name = "gpt-5-" + std::string(cb::SettingName(p.setting));
    p.model = "openai/gpt-5";
    plan.push_back(p);
  }
  const cb::Summary s = cb::Summarize(GoldenRows(), plan);
  ASSERT_EQ(s.models.size(), 2u);
  EXPECT_EQ(s.models[1].label, "openai/gpt-5");
  EXPECT_EQ(s.models[1].summary.settings.at(Setting::kSolo).pending, 6);
  EXPECT_EQ(s.models[0].summary.settings.at(Setting::kCoopNocomm).pending, 2);
  // The first model's section is its one-model report.
  const std::string text = Text(s, "out/ (plan: out/plan.json)");
  const std::string golden = kGoldenText;
  EXPECT_NE(text.find("==== command-a-03-2025 (run prefix command-a) ====\n" + golden),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("==== openai/gpt-5 (run prefix gpt-5) ====\n"), std::string::npos);
}

// A hand-made paired set: model A and B on pairs 1..6 of one task.
std::vector<cb::RecordRow> PairedSet() {
  struct Outcomes {
    Tag a_solo, a_comm, b_solo, b_comm;
  };
  const Tag P = Tag::kPass, F = Tag::kFail, I = Tag::kInfraError;
  const Outcomes pairs[] = {
      {P, F, P, P},  // d = (1 - 0) - (1 - 1) = +1
      {P, F, F, F},  // +1
      {P, P, P, F},  // -1
      {F, F, F, F},  // 0
      {P, F, P, F},  // 0
      {P, I, P, F},  // A coop-comm unfinished: out of the gap, in solo's rate
  };
  std::vector<cb::RecordRow> rows;
  int a = 1;
  for (const Outcomes& o : pairs) {
    rows.push_back(RunOf("a", "model-a", Setting::kSolo, a, o.a_solo));
    rows.push_back(RunOf("a", "model-a", Setting::kCoopComm, a, o.a_comm));
    rows.push_back(RunOf("b", "model-b", Setting::kSolo, a, o.b_solo));
    rows.push_back(RunOf("b", "model-b", Setting::kCoopComm, a, o.b_comm));
    a += 2;
  }
  rows.push_back(RunOf("b", "model-b", Setting::kSolo, 99, Tag::kPass));  // B alone: no pair
  return rows;
}

TEST(ReportModels, ComparesModelsOnTheSamePairs) {
  const cb::Summary s = cb::Summarize(PairedSet(), std::nullopt);
  ASSERT_EQ(s.comparisons.size(), 1u);
  const cb::ModelComparison& c = s.comparisons[0];
  EXPECT_EQ(s.models[c.a].label, "model-a");
  EXPECT_EQ(s.models[c.b].label, "model-b");
  // Pass rates, solo: 6 pairs both finished (pair 99 only B ran).
  ASSERT_EQ(c.settings.size(), 2u);
  const cb::SettingComparison& solo = c.settings[0];
  EXPECT_EQ(solo.setting, Setting::kSolo);
  EXPECT_EQ(solo.table.both, 4);
  EXPECT_EQ(solo.table.x_only, 1);
  EXPECT_EQ(solo.table.y_only, 0);
  EXPECT_EQ(solo.table.neither, 1);
  const cb::PairedDifference expected = *cb::NewcombePaired({4, 1, 0, 1});
  EXPECT_DOUBLE_EQ(solo.result->difference, 1.0 / 6);
  EXPECT_DOUBLE_EQ(solo.result->ci.low, expected.ci.low);
  EXPECT_DOUBLE_EQ(solo.result->ci.high, expected.ci.high);
  // coop-comm: pair 11 is an infra error for A: 5 pairs.
  EXPECT_EQ(c.settings[1].table.n(), 5);
  // Gap difference: d = +1, +1, -1, 0, 0 on the 5 pairs with four finished records.
  ASSERT_EQ(c.gaps.size(), 1u);
  const cb::GapComparison& g = c.gaps[0];
  EXPECT_EQ(g.coop, Setting::kCoopComm);
  EXPECT_EQ(g.pairs, 5);
  EXPECT_EQ(g.d_counts, (std::map<int, long long>{{-1, 1}, {0, 2}, {1, 2}}));
  EXPECT_DOUBLE_EQ(*g.a_gap, 3.0 / 5);
  EXPECT_DOUBLE_EQ(*g.b_gap, 2.0 / 5);
  ASSERT_TRUE(g.result.has_value());
  EXPECT_DOUBLE_EQ(g.result->mean, 0.2);
  EXPECT_EQ(g.result->df, 4);
  // sd of (1, 1, -1, 0, 0) = sqrt(0.7); t(0.975, 4) = 2.776445105 (printed tables: 2.776).
  const double half = 2.776445105 * std::sqrt(0.7 / 5);
  EXPECT_NEAR(g.result->ci.low, 0.2 - half, 1e-8);
  EXPECT_NEAR(g.result->ci.high, 0.2 + half, 1e-8);
  // No coop-nocomm built by either: no row, no comparison.
  const std::string text = Text(s);
  EXPECT_EQ(text.find("coop-nocomm"), std::string::npos) << text;
  EXPECT_NE(text.find("Comparisons across models: A minus B"), std::string::npos) << text;
  EXPECT_NE(text.find("    gap       coop-comm    +20.0 points (95% CI"), std::string::npos)
      << text;
  EXPECT_NE(text.find(cb::kGapDifferenceMethodWhy), std::string::npos);
  EXPECT_NE(text.find(cb::kModelDifferenceMethodWhy), std::string::npos);
}

// Cost per solved pair: unknown with no basis, never $0; "-" with no pass.
TEST(ReportModels, CostPerSolvedPair) {
  cb::GroupStats g;
  g.pass = 4;
  g.cost_usd = 2;
  EXPECT_DOUBLE_EQ(*cb::CostPerSolvedOf(g).usd, 0.5);
  g.cost_estimate.unknown_attempts = 1;  // no basis: estimate unknown
  EXPECT_FALSE(cb::CostPerSolvedOf(g).spend_usd.has_value());
  EXPECT_FALSE(cb::CostPerSolvedOf(g).usd.has_value());
  g.cost_estimate.estimated_attempts = 1;
  g.cost_estimate.estimated_usd = 2;
  EXPECT_DOUBLE_EQ(*cb::CostPerSolvedOf(g).usd, 1);
  g.pass = 0;
  EXPECT_DOUBLE_EQ(*cb::CostPerSolvedOf(g).spend_usd, 4);
  EXPECT_FALSE(cb::CostPerSolvedOf(g).usd.has_value());
}

}  // namespace
