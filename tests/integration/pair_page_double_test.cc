// The pair pages from what the test double left: its agents and evaluation run
// as cbrun runs them, then the report's index links each pair's page and the
// page links back, with the patch, the messages and the merge. (The pages
// themselves, from written files: unit/pair_page_test.cc.)
#include <gtest/gtest.h>

#include "pair_page_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Count;
using cbtest::RunDouble;
using cbtest::WriteRecordWithAttempt;
using cbtest::WriteReport;

const cb::PairId kPair{"dspy_task", 8394, 3, 4};

TEST(PairPage, ShowsWhatTheDoubleLeftAndLinksBothWays) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  for (cb::Setting s : cb::AllSettings())
    RunDouble(WriteRecordWithAttempt(out, s, kPair, cb::Tag::kPass, 0.1), s, kPair);
  WriteReport(out, dir / "report/");  // a folder: report/index.html
  const std::string index = cbtest::ReadText(dir / "report" / "index.html");
  EXPECT_NE(index.find("<a href=\"pairs/dspy_task-task8394-f3_f4.html\">dspy_task/8394 [3,4]</a>"),
            std::string::npos)
      << index;
  const std::string page =
      cbtest::ReadText(dir / "report" / "pairs" / "dspy_task-task8394-f3_f4.html");
  EXPECT_NE(page.find("<a href=\"../index.html\">"), std::string::npos);
  for (const char* run : {"command-a-solo", "command-a-coop-comm", "command-a-coop-nocomm"})
    EXPECT_NE(page.find(std::string("<h2>") + run + "</h2>"), std::string::npos) << run;
  EXPECT_NE(page.find("<span class=\"add\">+    return 3</span>"), std::string::npos) << page;
  EXPECT_NE(page.find("<span class=\"del\">-    return None</span>"), std::string::npos);
  EXPECT_NE(page.find("<span class=\"hunk\">@@ -1,3 +1,4 @@</span>"), std::string::npos);
  EXPECT_NE(page.find("I am editing src/feature3.py lines 1-3 for feature 3."), std::string::npos);
  EXPECT_NE(page.find("<h4>Messages (2 sent; result.json: 2)</h4>"), std::string::npos);
  EXPECT_NE(page.find("<p>Merge: clean, strategy naive</p>"), std::string::npos);
  EXPECT_EQ(Count(page, "<script"), 0u);
}

}  // namespace
