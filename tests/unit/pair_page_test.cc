// The pair pages of `cbgen report --html DIR/index.html` (results/pair_page*.h):
// one self-contained page per pair with every record's attempts, patches,
// test output, merge and messages, all escaped; and the index's figures
// across models (results/html_figures_data.h), none for settings not built.
// (From what the test double left: integration/pair_page_double_test.cc.)
#include <gtest/gtest.h>

#include <sstream>

#include "core/attempt_file.h"
#include "core/record.h"
#include "pair_page_util.h"
#include "results/html_figures_data.h"
#include "results/pair_page.h"
#include "results/pair_page_files.h"
#include "results/report_html.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Count;
using cbtest::UpstreamDir;
using cbtest::WriteRecordWithAttempt;
using cbtest::WriteReport;

const cb::PairId kPair{"dspy_task", 8394, 3, 4};

TEST(PairPage, FileNamesAreSafeAndDeterministic) {
  EXPECT_EQ(cb::PairPageFileName(kPair), "dspy_task-task8394-f3_f4.html");
  EXPECT_EQ(cb::PairPageFileName(kPair), cb::PairPageFileName(kPair));
  const std::string odd = cb::PairPageFileName(cb::PairId{"../x/<y>.z", 1, 1, 2});
  EXPECT_EQ(odd.find('/'), std::string::npos) << odd;
  EXPECT_EQ(odd.find(".."), std::string::npos) << odd;
  EXPECT_EQ(odd.find('<'), std::string::npos) << odd;
  EXPECT_NE(odd, cb::PairPageFileName(cb::PairId{"../x/<y>.Z", 1, 1, 2}));
}

TEST(PairPage, EscapesPatchesTestOutputAndMessages) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  const fs::path attempt =
      WriteRecordWithAttempt(out, cb::Setting::kCoopComm, kPair, cb::Tag::kFail, 0.25);
  const fs::path up = UpstreamDir(attempt, cb::Setting::kCoopComm, kPair);
  const std::string evil = "</pre><script>alert(1)</script><img src=x onerror=alert(2)>";
  cbtest::WriteText(up / "agent3.patch", "+" + evil + "\n-</details>\n@@ \"'&\n");
  cbtest::WriteText(up / "agent4.patch", evil);
  boost::json::object f1{
      {"passed", false}, {"tests_passed", 1}, {"tests_failed", 2}, {"test_output", evil}};
  cbtest::WriteText(up / "eval.json",
                    boost::json::serialize(boost::json::object{
                        {"feature1", f1},
                        {"feature2", f1},
                        {"merge", {{"status", "conflicts"}, {"strategy", evil}, {"diff", evil}}},
                        {"error", evil}}));
  cbtest::WriteText(
      up / "conversation.json",
      boost::json::serialize(boost::json::array{
          {{"from", evil}, {"to", "agent2"}, {"message", evil}, {"timestamp", 1.5}}}));
  WriteReport(out, dir / "html" / "index.html");
  const std::string page =
      cbtest::ReadText(dir / "html" / "pairs" / "dspy_task-task8394-f3_f4.html");
  EXPECT_EQ(Count(page, "<script"), 0u);
  EXPECT_EQ(Count(page, "<img"), 0u);
  EXPECT_EQ(Count(page, "</details>"), Count(page, "<details"));
  EXPECT_EQ(Count(page, "</pre>"), Count(page, "<pre"));
  // patches, test output (x2), merge diff, merge strategy, eval error, message sender and text
  EXPECT_GE(Count(page, "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), 8u) << page;
  EXPECT_NE(page.find("<span class=\"add\">+&lt;/pre&gt;"), std::string::npos) << page;
  EXPECT_NE(page.find("<span class=\"hunk\">@@ &quot;&#39;&amp;</span>"), std::string::npos);
}

TEST(PairPage, LongPatchIsCollapsedWithItsSizeAndCapped) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  const fs::path attempt =
      WriteRecordWithAttempt(out, cb::Setting::kSolo, kPair, cb::Tag::kPass, 0.5);
  std::string patch = "diff --git a/big b/big\n";
  for (int i = 1; i < 5000; ++i) patch += "+line " + std::to_string(i) + "\n";
  cbtest::WriteText(UpstreamDir(attempt, cb::Setting::kSolo, kPair) / "solo.patch", patch);
  const cb::RecordSet records = cb::LoadRecords(out);
  ASSERT_EQ(records.rows.size(), 1u);
  const cb::RecordEvidence e = cb::LoadRecordEvidence(out, records.rows[0]);
  ASSERT_EQ(e.patches.size(), 1u);
  EXPECT_EQ(e.patches[0].lines, 5000);
  EXPECT_EQ(e.patches[0].bytes, static_cast<long long>(patch.size()));
  EXPECT_TRUE(e.patches[0].capped);
  std::ostringstream html;
  cb::WritePairPage(cb::PairPage{kPair, {e}, "../index.html"}, html);
  const std::string page = html.str();
  EXPECT_NE(page.find("<details><summary>solo.patch: 5000 lines, " + std::to_string(patch.size()) +
                      " bytes (collapsed: click to show)</summary>"),
            std::string::npos)
      << page.substr(0, 3000);
  EXPECT_NE(page.find("Too long to embed: showing the first 2000 of 5000 lines; the whole file: "),
            std::string::npos);
  EXPECT_NE(page.find("+line 1999</span>"), std::string::npos);
  EXPECT_EQ(page.find("+line 2000</span>"), std::string::npos);
  EXPECT_EQ(Count(page, "<details open>"), 0u) << "the (empty) test output is open, not this";
}

TEST(PairPage, MessagesInOrderWithoutReceivedCopiesAndUnknownCost) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  const fs::path attempt =
      WriteRecordWithAttempt(out, cb::Setting::kCoopComm, kPair, cb::Tag::kPass, std::nullopt);
  const fs::path up = UpstreamDir(attempt, cb::Setting::kCoopComm, kPair);
  boost::json::array conv;
  for (const char* text : {"first: I take lines 1-3", "second: fine", "third: done"}) {
    conv.push_back({{"from", "agent1"}, {"to", "agent2"}, {"message", text}, {"feature_id", 3}});
    if (std::string(text).starts_with("second"))
      conv.push_back(
          {{"from", "agent1"}, {"to", "agent2"}, {"message", "COPY"}, {"received", true}});
  }
  cbtest::WriteText(up / "conversation.json", boost::json::serialize(conv));
  WriteReport(out, dir / "index.html");
  const std::string page = cbtest::ReadText(dir / "pairs" / "dspy_task-task8394-f3_f4.html");
  const size_t first = page.find("first: I take"), second = page.find("second: fine"),
               third = page.find("third: done");
  ASSERT_NE(first, std::string::npos) << page;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_EQ(page.find("COPY"), std::string::npos);
  EXPECT_NE(page.find("<h4>Messages (3 sent; result.json: 2)</h4>"), std::string::npos);
  // The agent attempt's cost is unknown: never shown as $0.
  EXPECT_NE(page.find("<td>1</td><td>agent</td><td>pass</td><td>agents_finished</td>"
                      "<td>unknown</td>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<td>unknown (1 attempt of unknown cost)</td>"), std::string::npos);
  // Missing files are said, not fatal.
  EXPECT_NE(page.find("agent3.patch: not found"), std::string::npos);
  EXPECT_NE(page.find("no eval.json in "), std::string::npos);
}

// Rows of the figures: settings not built get none, and figures with nothing are left out.
TEST(IndexFigures, NoRowsBarsOrPanelsForSettingsNotBuilt) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  for (int a = 1; a <= 6; ++a) {
    const cb::PairId p{"dspy_task", 8394, a, a + 1};
    WriteRecordWithAttempt(out, cb::Setting::kSolo, p, a % 2 ? cb::Tag::kPass : cb::Tag::kFail, 1);
    WriteRecordWithAttempt(out, cb::Setting::kCoopNocomm, p,
                           a % 3 ? cb::Tag::kPass : cb::Tag::kFail, 1);
  }
  const cb::RecordSet records = cb::LoadRecords(out);
  const cb::Summary s = cb::Summarize(records.rows, std::nullopt);
  const std::vector<cb::ForestRow> gaps = cb::GapForestRows(s);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].label, "coop-nocomm");
  EXPECT_TRUE(cb::OutcomeByMessages(s, records.rows).empty());
  const cb::RateFigure merge = cb::MergeConflictRate(s, records.rows);
  ASSERT_EQ(merge.groups.size(), 1u);
  EXPECT_FALSE(merge.groups[0].bars[0].has_value()) << "no coop-comm bar";
  EXPECT_TRUE(merge.groups[0].bars[1].has_value());
  WriteReport(out, dir / "index.html");
  const std::string html = cbtest::ReadText(dir / "index.html");
  EXPECT_EQ(html.find("coop-comm"), std::string::npos) << "nothing of an unbuilt setting";
  EXPECT_EQ(html.find("no data"), std::string::npos);
  EXPECT_EQ(html.find("none finished"), std::string::npos);
  EXPECT_NE(html.find("Coordination gap per model and coop setting"), std::string::npos);
  EXPECT_NE(html.find("Merge-conflict rate per model and coop setting"), std::string::npos);
  EXPECT_NE(html.find("Coop pass rate by solo difficulty"), std::string::npos);
}

// Two models: one forest row per model and coop setting, pass rates per model.
TEST(IndexFigures, OneRowPerModelAndCoopSetting) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  for (const char* model : {"command-a", "command-r"})
    for (int a = 1; a <= 4; ++a)
      for (cb::Setting st : cb::AllSettings())
        WriteRecordWithAttempt(out, st, cb::PairId{"dspy_task", 8394, a, a + 1},
                               (a + static_cast<int>(st)) % 2 ? cb::Tag::kPass : cb::Tag::kFail,
                               0.1, model);
  const cb::RecordSet records = cb::LoadRecords(out);
  const cb::Summary s = cb::Summarize(records.rows, std::nullopt);
  ASSERT_TRUE(s.several_models());
  std::vector<std::string> labels;
  for (const cb::ForestRow& r : cb::GapForestRows(s)) labels.push_back(r.label);
  EXPECT_EQ(labels, (std::vector<std::string>{
                        "command-a \u00b7 coop-comm", "command-a \u00b7 coop-nocomm",
                        "command-r \u00b7 coop-comm", "command-r \u00b7 coop-nocomm"}));
  const cb::RateFigure rates = cb::PassRateByModel(s);
  ASSERT_EQ(rates.groups.size(), 2u);
  EXPECT_EQ(rates.groups[1].label, "command-r");
  const cb::RateFigure messages = cb::OutcomeByMessages(s, records.rows);
  ASSERT_EQ(messages.groups.size(), 1u);
  EXPECT_EQ(messages.groups[0].label, "1-2 messages");
  WriteReport(out, dir / "index.html");
  const std::string html = cbtest::ReadText(dir / "index.html");
  EXPECT_NE(html.find("Pass rate per model and setting"), std::string::npos);
  EXPECT_NE(html.find("<h2>Model command-r</h2>"), std::string::npos);
  EXPECT_NE(html.find("coop-comm pass rate by messages sent"), std::string::npos);
}

}  // namespace
