// cbgen report: the statistics, the record reader, the summary, the CSV and
// text pieces. (End to end on a scripted flash run: integration/report_e2e_test.cc.)
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "results/report_csv.h"
#include "results/report_data.h"
#include "results/report_stats.h"
#include "results/report_summary.h"
#include "results/report_text.h"

namespace {

using cb::Tag;

TEST(ReportStats, QuantileInterpolatesLikeNumpy) {
  EXPECT_FALSE(cb::Quantile({}, 0.5).has_value());
  EXPECT_DOUBLE_EQ(*cb::Quantile({7}, 0.9), 7);
  EXPECT_DOUBLE_EQ(*cb::Quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(*cb::Quantile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 9.1);
  EXPECT_DOUBLE_EQ(*cb::Quantile({1, 2, 3}, 0), 1);
  EXPECT_DOUBLE_EQ(*cb::Quantile({1, 2, 3}, 1), 3);
}

TEST(ReportStats, WilsonIntervalMatchesNewcombe1998aTableI) {
  EXPECT_FALSE(cb::WilsonInterval(0, 0).has_value());
  // Newcombe RG (1998), "Two-sided confidence intervals for the single
  // proportion: comparison of seven methods", Stat Med 17:857-872, Table I,
  // method 3 (score interval without continuity correction), printed to 4
  // decimals: 81/263, 15/148, 0/20, 1/29.
  struct Row {
    long long k, n;
    double low, high;
  };
  for (const Row& r : {Row{81, 263, 0.2553, 0.3662}, Row{15, 148, 0.0624, 0.1605},
                       Row{0, 20, 0.0, 0.1611}, Row{1, 29, 0.0061, 0.1718}}) {
    const cb::Interval i = *cb::WilsonInterval(r.k, r.n);
    EXPECT_NEAR(i.low, r.low, 5e-5) << r.k << "/" << r.n;
    EXPECT_NEAR(i.high, r.high, 5e-5) << r.k << "/" << r.n;
  }
  EXPECT_DOUBLE_EQ(cb::WilsonInterval(0, 20)->low, 0);
  EXPECT_DOUBLE_EQ(cb::WilsonInterval(20, 20)->high, 1);
}

// Newcombe RG (1998), "Improved confidence intervals for the difference
// between binomial proportions based on paired data", Stat Med 17:2635-2650:
// the paper's table of worked examples, method 10 column, printed to 4
// decimals (cells e, f, g, h = both, x_only, y_only, neither; the paper's
// z = 1.96). The rows as transcribed by an independent published test suite
// (a Python port's tests quoting the paper's table, "Table III, pp. 2641-2642",
// rows (36,12,2,0) ... (27,0,0,27)).
TEST(ReportStats, NewcombePairedMatchesNewcombe1998bMethod10) {
  EXPECT_FALSE(cb::NewcombePaired({}).has_value());
  struct Row {
    cb::PairedTable t;
    double low, high;
  };
  const Row rows[] = {
      {{36, 12, 2, 0}, 0.0569, 0.3404},  {{20, 12, 2, 16}, 0.0562, 0.3292},
      {{18, 12, 2, 18}, 0.0562, 0.3290}, {{36, 14, 0, 0}, 0.1528, 0.4167},
      {{35, 14, 0, 1}, 0.1461, 0.4175},  {{18, 14, 0, 18}, 0.1441, 0.3963},
      {{2, 97, 1, 0}, 0.8721, 0.9854},   {{1, 97, 1, 1}, 0.8736, 0.9850},
      {{0, 29, 1, 0}, 0.6666, 0.9882},   {{2, 98, 0, 0}, 0.9178, 0.9945},
      {{1, 98, 0, 1}, 0.9171, 0.9916},   {{0, 30, 0, 0}, 0.8395, 1.0},
      {{54, 0, 0, 0}, -0.0664, 0.0664},  {{53, 0, 0, 1}, -0.0729, 0.0729},
      {{30, 0, 0, 24}, -0.0358, 0.0358}, {{29, 0, 0, 25}, -0.0354, 0.0354},
      {{28, 0, 0, 26}, -0.0352, 0.0352}, {{27, 0, 0, 27}, -0.0351, 0.0351},
  };
  for (const Row& r : rows) {
    const cb::PairedDifference d = *cb::NewcombePaired(r.t);
    const std::string cells = std::to_string(r.t.both) + "," + std::to_string(r.t.x_only) + "," +
                              std::to_string(r.t.y_only) + "," + std::to_string(r.t.neither);
    EXPECT_NEAR(d.ci.low, r.low, 1e-4) << cells;
    EXPECT_NEAR(d.ci.high, r.high, 1e-4) << cells;
  }
}

// A second published implementation: Fagerland, Lydersen & Laake (2017),
// "Statistical Analysis of Contingency Tables", chapter 8, the Newcombe
// square-and-add interval for paired data (= method 10), as the R package
// contingencytables documents and tests it (tests/testthat/test-ch8.R): the
// Cavo et al. (2012) table [[59, 6], [16, 80]] gives "estimate = -0.0621 (95%
// CI -0.1186 to -0.0046)". AD - BC = 4624 > N/2: the corrected branch.
TEST(ReportStats, NewcombePairedMatchesFagerlandCavo2012) {
  const cb::PairedDifference d = *cb::NewcombePaired({59, 6, 16, 80});
  EXPECT_NEAR(d.difference, -0.0621, 5e-5);
  EXPECT_NEAR(d.ci.low, -0.1186, 5e-5);
  EXPECT_NEAR(d.ci.high, -0.0046, 5e-5);
}

// Issue 16's table: solo and coop outcomes positively correlated. The
// uncorrected phi gave [+0.0008, +0.1383]; method 10 includes zero.
TEST(ReportStats, NewcombePairedIssue16Table) {
  const cb::PairedDifference d = *cb::NewcombePaired({30, 10, 3, 57});
  EXPECT_NEAR(d.difference, 0.07, 1e-12);
  EXPECT_NEAR(d.ci.low, -0.0019, 6e-4);
  EXPECT_NEAR(d.ci.high, 0.1409, 6e-4);
  EXPECT_LT(d.ci.low, 0);
}

TEST(ReportStats, NewcombePairedEdges) {
  // All failed in both: a margin is empty, phi = 0, symmetric around 0.
  cb::PairedDifference d = *cb::NewcombePaired({0, 0, 0, 34});
  EXPECT_DOUBLE_EQ(d.difference, 0);
  EXPECT_NEAR(d.ci.low, -d.ci.high, 1e-12);
  // Solo passed everything coop failed: bounded by 1.
  d = *cb::NewcombePaired({0, 5, 0, 0});
  EXPECT_DOUBLE_EQ(d.difference, 1);
  EXPECT_DOUBLE_EQ(d.ci.high, 1);
  EXPECT_LT(d.ci.low, 1);
}

TEST(ReportData, RecordErrorsNameTheFileAndField) {
  absl::StatusOr<cb::RecordRow> r =
      cb::ParseRecord(boost::json::parse(R"({"tag":"pass","setting":"solo"})"), "out/a.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("out/a.json: not a cbrun record: \"repo\""),
            std::string::npos)
      << r.status();
  r = cb::ParseRecord(boost::json::parse(R"({"tag":"maybe"})"), "x.json");
  EXPECT_NE(r.status().message().find("\"tag\""), std::string::npos);
}

TEST(ReportData, TagAndReasonAreWordsOfTheClosedLists) {
  const std::string fields = R"("setting":"solo","repo":"r","task_id":1,"features":[2,1],
                                "cost_usd":0)";
  absl::StatusOr<cb::RecordRow> r = cb::ParseRecord(
      boost::json::parse(R"({"tag":"infra_error","reason":"rate_limited",)" + fields + "}"),
      "a.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->tag, Tag::kInfraError);
  EXPECT_EQ(r->reason, cb::Reason::kRateLimited);
  // A reason word not in the list, or none, reads as unknown.
  r = cb::ParseRecord(boost::json::parse(R"({"tag":"fail","reason":"rate_limit",)" + fields + "}"),
                      "b.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->reason, cb::Reason::kUnknown);
  r = cb::ParseRecord(boost::json::parse(R"({"tag":"fail",)" + fields + "}"), "c.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->reason, cb::Reason::kUnknown);
  // A tag word not in the list: the record is unreadable, and the error names the word.
  r = cb::ParseRecord(boost::json::parse(R"({"tag":"passed",)" + fields + "}"), "d.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "d.json: not a cbrun record: \"tag\" is \"passed\", not pass, fail or infra_error "
            "(move the file aside, or delete it to re-run the pair)");
}

// `reason` nullopt: tests_passed, tests_failed or crash by the tag.
cb::RecordRow Row(cb::Setting s, int task, int a, cb::Tag tag, double cost, double duration = 10,
                  int attempts = 1, std::optional<cb::Reason> reason = std::nullopt) {
  cb::RecordRow r;
  r.setting = s;
  r.pair = cb::PairId{"r_task", task, a, a + 1};
  r.tag = tag;
  r.reason = reason.value_or(tag == cb::Tag::kPass   ? cb::Reason::kTestsPassed
                             : tag == cb::Tag::kFail ? cb::Reason::kTestsFailed
                                                     : cb::Reason::kCrash);
  r.cost_usd = cost;
  r.duration_s = duration;
  r.attempts = attempts;
  r.input_tokens = 100;
  r.output_tokens = 10;
  return r;
}

TEST(ReportSummary, CountsRatesPendingGapAndDifficulty) {
  using cb::Setting;
  std::vector<cb::RecordRow> rows = {
      Row(Setting::kSolo, 1, 1, Tag::kPass, 0.10, 10),
      Row(Setting::kSolo, 1, 3, Tag::kFail, 0.20, 20),
      Row(Setting::kSolo, 2, 1, Tag::kInfraError, 0.05, 30, 3),
      Row(Setting::kSolo, 2, 3, Tag::kPass, 0.10, 40),
      Row(Setting::kCoopComm, 1, 1, Tag::kFail, 0.30, 10, 1, cb::Reason::kMergeConflict),
      Row(Setting::kCoopComm, 1, 3, Tag::kFail, 0.30),
      Row(Setting::kCoopComm, 2, 3, Tag::kPass, 0.30),
  };
  std::vector<cb::PlannedRun> plan;
  for (Setting s : cb::AllSettings())
    for (int task : {1, 2})
      for (int a : {1, 3}) plan.push_back(cb::PlannedRun{s, "run", {"r_task", task, a, a + 1}, ""});
  const cb::Summary sum = cb::Summarize(rows, plan);

  const cb::GroupStats& solo = sum.settings.at(Setting::kSolo);
  EXPECT_EQ(solo.pairs, 4);
  EXPECT_EQ(solo.done, 4);
  EXPECT_EQ(solo.pass, 2);
  EXPECT_EQ(solo.fail, 1);
  EXPECT_EQ(solo.infra_error, 1);
  EXPECT_EQ(solo.pending, 0);
  EXPECT_DOUBLE_EQ(*solo.pass_rate, 2.0 / 3) << "infra errors are excluded";
  EXPECT_NEAR(solo.cost_usd, 0.45, 1e-12);
  EXPECT_DOUBLE_EQ(*solo.median_duration_s, 25);
  EXPECT_DOUBLE_EQ(*solo.mean_attempts, 1.5);
  EXPECT_EQ(solo.input_tokens, 400);

  const cb::GroupStats& comm = sum.settings.at(Setting::kCoopComm);
  EXPECT_EQ(comm.pairs, 4);
  EXPECT_EQ(comm.done, 3);
  EXPECT_EQ(comm.pending, 1);
  const cb::GroupStats& nocomm = sum.settings.at(Setting::kCoopNocomm);
  EXPECT_EQ(nocomm.pairs, 4);
  EXPECT_EQ(nocomm.pending, 4);
  EXPECT_FALSE(nocomm.pass_rate.has_value());

  // Gap on the 3 pairs finished in both solo and coop-comm (task 2 [1,2] is an infra error).
  ASSERT_EQ(sum.gaps.size(), 2u);
  EXPECT_EQ(sum.gaps[0].coop, Setting::kCoopComm);
  EXPECT_EQ(sum.gaps[0].table.n(), 3);
  EXPECT_EQ(sum.gaps[0].table.both, 1);
  EXPECT_EQ(sum.gaps[0].table.x_only, 1);
  EXPECT_EQ(sum.gaps[0].table.neither, 1);
  EXPECT_NEAR(sum.gaps[0].result->difference, 1.0 / 3, 1e-12);
  EXPECT_FALSE(sum.gaps[1].result.has_value());

  // Hardest first.
  ASSERT_EQ(sum.tasks.size(), 2u);
  EXPECT_EQ(sum.tasks[0].task_id, 1);
  EXPECT_DOUBLE_EQ(sum.tasks[0].solved_share, 0.5);
  EXPECT_EQ(sum.tasks[1].task_id, 2);
  ASSERT_EQ(sum.pairs.size(), 3u);
  EXPECT_EQ(sum.pairs[0].solo, cb::Tag::kFail);

  EXPECT_EQ(sum.reasons.at(Setting::kCoopComm).at(cb::Reason::kMergeConflict), 1);
  EXPECT_EQ(sum.reasons.at(Setting::kSolo).at(cb::Reason::kCrash), 1);

  // Per repository, and the text form says how the rate is computed.
  EXPECT_EQ(sum.repos.at("r_task").at(Setting::kCoopNocomm).pending, 4);
  std::ostringstream text;
  cb::WriteReportText(sum, "out/", text);
  EXPECT_NE(text.str().find("infra errors are excluded"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(cb::kGapMethod), std::string::npos);
  EXPECT_NE(text.str().find("on 3 pairs"), std::string::npos) << text.str();

  // Without a plan, total = done.
  const cb::Summary unplanned = cb::Summarize(rows, std::nullopt);
  EXPECT_EQ(unplanned.settings.at(Setting::kCoopComm).pairs, 3);
  EXPECT_EQ(unplanned.settings.at(Setting::kCoopComm).pending, 0);
}

TEST(ReportSummary, ReasonsAreListedByTheirWords) {
  using cb::Reason;
  using cb::Setting;
  const std::vector<cb::RecordRow> rows = {
      Row(Setting::kSolo, 1, 1, Tag::kInfraError, 0, 10, 1, Reason::kTimeout),
      Row(Setting::kSolo, 1, 2, Tag::kFail, 0, 10, 1, Reason::kTestsFailed),
      Row(Setting::kSolo, 1, 3, Tag::kInfraError, 0, 10, 1, Reason::kCrash),
      Row(Setting::kSolo, 1, 4, Tag::kFail, 0, 10, 1, Reason::kUnknown),
      Row(Setting::kSolo, 1, 5, Tag::kPass, 0)};
  const cb::Summary sum = cb::Summarize(rows, std::nullopt);
  std::ostringstream text;
  cb::WriteReportText(sum, "out/", text);
  EXPECT_NE(text.str().find("  solo         crash                1\n"
                            "  solo         tests_failed         1\n"
                            "  solo         timeout              1\n"
                            "  solo         unknown              1\n"),
            std::string::npos)
      << text.str();
  std::vector<std::string> words;
  const boost::json::object j = cb::SummaryToJson(sum);
  for (const auto& kv : j.at("reasons").at("solo").as_object()) words.push_back(kv.key());
  EXPECT_EQ(words, (std::vector<std::string>{"crash", "tests_failed", "timeout", "unknown"}));
}

// Records of mini_swe_agent_v2 (no token counts) with an unpriced model in
// some attempts, and coop passes through agent 1's patch alone.
std::vector<cb::RecordRow> UsageRows() {
  using cb::Setting;
  std::vector<cb::RecordRow> rows = {Row(Setting::kSolo, 1, 1, Tag::kPass, 0.10),
                                     Row(Setting::kSolo, 1, 3, Tag::kFail, 0.20),
                                     Row(Setting::kCoopComm, 1, 1, Tag::kPass, 0.30),
                                     Row(Setting::kCoopComm, 1, 3, Tag::kPass, 0.30),
                                     Row(Setting::kCoopComm, 2, 1, Tag::kPass, 0.30),
                                     Row(Setting::kCoopComm, 2, 3, Tag::kFail, 0.30),
                                     Row(Setting::kCoopNocomm, 1, 1, Tag::kPass, 0.30)};
  for (cb::RecordRow& r : rows) {
    r.input_tokens.reset();
    r.output_tokens.reset();
    r.tokens_unknown_attempts = r.attempts;
  }
  rows[1].cost_unknown_attempts = 2;  // solo [3,4]: cost_usd is the known part
  rows[5].cost_unknown_attempts = 1;
  rows[2].merge_status = "conflicts";
  rows[2].merge_strategy = "solo-agent1";
  rows[3].merge_status = "clean";
  rows[3].merge_strategy = "naive";
  rows[4].merge_status = "conflicts";
  rows[4].merge_strategy = "solo-agent1";
  rows[5].merge_status = "conflicts";  // a fail: not counted
  rows[5].merge_strategy = "naive";
  return rows;
}

// Issue 24 item 8: a solo-only build has no coordination gap, and no header over nothing.
TEST(ReportText, ASoloOnlyBuildHasNoGapSection) {
  const std::vector<cb::RecordRow> rows = {Row(cb::Setting::kSolo, 1, 1, cb::Tag::kPass, 0.1),
                                           Row(cb::Setting::kSolo, 1, 2, cb::Tag::kFail, 0.1)};
  std::ostringstream text;
  cb::WriteReportText(cb::Summarize(rows, std::nullopt), "out/", text);
  EXPECT_EQ(text.str().find("Coordination gap"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("Failure reasons"), std::string::npos) << text.str();
  // With a coop setting built, the section is there.
  std::vector<cb::RecordRow> both = rows;
  both.push_back(Row(cb::Setting::kCoopNocomm, 1, 1, cb::Tag::kFail, 0.1));
  std::ostringstream with_coop;
  cb::WriteReportText(cb::Summarize(both, std::nullopt), "out/", with_coop);
  EXPECT_NE(with_coop.str().find("Coordination gap"), std::string::npos) << with_coop.str();
}

TEST(ReportSummary, UnknownTokensAreNotZero) {
  std::vector<cb::RecordRow> rows = UsageRows();
  cb::Summary sum = cb::Summarize(rows, std::nullopt);
  const cb::GroupStats& solo = sum.settings.at(cb::Setting::kSolo);
  EXPECT_FALSE(solo.input_tokens.has_value());
  EXPECT_FALSE(solo.output_tokens.has_value());
  EXPECT_EQ(solo.tokens_unknown_attempts, 2);
  EXPECT_EQ(sum.total_tokens_unknown_attempts, 7);
  std::ostringstream text;
  cb::WriteReportText(sum, "out/", text);
  // Issue 24 item 8: an unknown pair of counts reads "n/a", not "n/a/n/a".
  EXPECT_EQ(text.str().find("n/a/n/a"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(" n/a "), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("Tokens unknown for 7 attempts (solo 2, coop-comm 4, coop-nocomm 1), "
                            "left out of the sums above: the agent reported no token counts"),
            std::string::npos)
      << text.str();
  const boost::json::object j = cb::SummaryToJson(sum);
  EXPECT_TRUE(j.at("settings").at("solo").at("tokens").at("input").is_null());
  EXPECT_EQ(j.at("settings").at("solo").at("tokens_unknown_attempts"), 2);
  EXPECT_EQ(j.at("tokens_unknown_attempts"), 7);

  // One record with real counts: the group sums the known ones.
  rows[0].input_tokens = 500;
  rows[0].output_tokens = 50;
  rows[0].tokens_unknown_attempts = 0;
  sum = cb::Summarize(rows, std::nullopt);
  EXPECT_EQ(sum.settings.at(cb::Setting::kSolo).input_tokens, 500);
  EXPECT_EQ(sum.settings.at(cb::Setting::kSolo).tokens_unknown_attempts, 1);
  // A setting with no records at all used nothing: 0, not n/a.
  EXPECT_EQ(cb::Summarize({}, std::nullopt).settings.at(cb::Setting::kSolo).input_tokens, 0);
}

TEST(ReportSummary, CountsAttemptsOfUnknownCostPerSettingAndInTotal) {
  const cb::Summary sum = cb::Summarize(UsageRows(), std::nullopt);
  EXPECT_EQ(sum.settings.at(cb::Setting::kSolo).cost_unknown_attempts, 2);
  EXPECT_EQ(sum.settings.at(cb::Setting::kCoopComm).cost_unknown_attempts, 1);
  EXPECT_EQ(sum.settings.at(cb::Setting::kCoopNocomm).cost_unknown_attempts, 0);
  EXPECT_EQ(sum.total_cost_unknown_attempts, 3);
  EXPECT_NEAR(sum.settings.at(cb::Setting::kSolo).cost_usd, 0.30, 1e-12) << "the known part";
  EXPECT_EQ(sum.repos.at("r_task").at(cb::Setting::kSolo).cost_unknown_attempts, 2);
  std::ostringstream text;
  cb::WriteReportText(sum, "out/", text);
  EXPECT_NE(text.str().find("Cost unknown for 3 attempts (solo 2, coop-comm 1), left out of the "
                            "costs above: they were killed before upstream reported (a timeout, "
                            "a crash, an OOM kill), or took steps but reported $0, as upstream "
                            "does when litellm has no price for the model (register one: "
                            "LITELLM_MODEL_REGISTRY_PATH"),
            std::string::npos)
      << text.str();
  // No attempt lists here: no basis, so the estimate is unknown, never $0.
  EXPECT_NE(text.str().find("Estimated cost of those attempts: unknown (solo unknown, coop-comm "
                            "unknown), ESTIMATE, known spend $"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("no basis for"), std::string::npos) << text.str();
  const boost::json::object j = cb::SummaryToJson(sum);
  EXPECT_EQ(j.at("cost_unknown_attempts"), 3);
  EXPECT_EQ(j.at("settings").at("solo").at("cost_unknown_attempts"), 2);
  EXPECT_NE(std::string(j.at("cost_definition").as_string()).find("LITELLM_MODEL_REGISTRY_PATH"),
            std::string::npos);

  // Nothing unknown: no such line.
  std::ostringstream plain;
  std::vector<cb::RecordRow> known = {Row(cb::Setting::kSolo, 1, 1, Tag::kPass, 0.1)};
  cb::WriteReportText(cb::Summarize(known, std::nullopt), "out/", plain);
  EXPECT_EQ(plain.str().find("unknown for"), std::string::npos) << plain.str();
  EXPECT_NE(plain.str().find("100/10"), std::string::npos) << plain.str();
}

TEST(ReportSummary, CountsPassesThroughAgent1AloneApart) {
  const cb::Summary sum = cb::Summarize(UsageRows(), std::nullopt);
  EXPECT_FALSE(sum.settings.at(cb::Setting::kSolo).pass_agent1_alone.has_value());
  EXPECT_EQ(sum.settings.at(cb::Setting::kCoopComm).pass, 3);
  EXPECT_EQ(sum.settings.at(cb::Setting::kCoopComm).pass_agent1_alone, 2);
  EXPECT_EQ(sum.settings.at(cb::Setting::kCoopNocomm).pass_agent1_alone, 0);
  EXPECT_EQ(sum.repos.at("r_task").at(cb::Setting::kCoopComm).pass_agent1_alone, 2);
  std::ostringstream text;
  cb::WriteReportText(sum, "out/", text);
  EXPECT_NE(text.str().find("coop-comm: 3 passes, of which 2 through agent 1's patch alone (the "
                            "merge of the two patches conflicted"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("coop-nocomm: 1 pass, of which 0 through agent 1's patch alone"),
            std::string::npos)
      << text.str();
  EXPECT_EQ(text.str().find("solo: "), std::string::npos) << text.str();
  const boost::json::object j = cb::SummaryToJson(sum);
  EXPECT_EQ(j.at("settings").at("coop-comm").at("pass_agent1_alone"), 2);
  EXPECT_TRUE(j.at("settings").at("solo").at("pass_agent1_alone").is_null());
}

TEST(ReportCsv, UnknownCountsAreEmptyAndMergeFactsAreColumns) {
  std::vector<cb::RecordRow> rows = UsageRows();
  rows.resize(3);
  std::ostringstream csv;
  cb::WriteRecordsCsv(rows, csv);
  std::istringstream in(csv.str());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find(",cost_usd,input_tokens,output_tokens,"), std::string::npos);
  EXPECT_NE(lines[0].find(",record,cost_unknown_attempts,tokens_unknown_attempts,merge_status,"
                          "merge_strategy,cost_estimate_usd,agent_attempts,eval_attempts,"
                          "cooperbench_release\r"),
            std::string::npos)
      << lines[0];
  // solo [3,4]: tokens unknown, 2 attempts of unknown cost (no attempt list:
  // no basis, the estimate is empty, not 0), no merge.
  EXPECT_NE(lines[2].find(",0.200000,,,10.000,"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].rfind(",2,1,,,,0,0,\r"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].rfind(",0,1,conflicts,solo-agent1,0.000000,0,0,\r"), std::string::npos)
      << lines[3];
}

TEST(ReportText, PointsNeverShowMinusZero) {
  EXPECT_EQ(cb::Points(-0.0000001), "+0.0");
  EXPECT_EQ(cb::Points(0.154), "+15.4");
  EXPECT_EQ(cb::Points(-0.5), "-50.0");
}

TEST(ReportCsv, QuotesFieldsThatNeedIt) {
  EXPECT_EQ(cb::CsvField("plain"), "plain");
  EXPECT_EQ(cb::CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(cb::CsvField("say \"hi\"\nthen"), "\"say \"\"hi\"\"\nthen\"");
}

}  // namespace
