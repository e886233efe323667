// cbgen report --html: one self-contained page with inline SVG charts, and it
// renders in headless Chromium with no console messages (where installed).
// (HTML escaping alone: unit/report_html_escape_test.cc.)
#include <gtest/gtest.h>

#include <sstream>

#include "core/record.h"
#include "pair_page_util.h"
#include "results/pair_page_files.h"
#include "results/report_html.h"
#include "chromium_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;

// A few records of every tag in every setting, over two repositories.
void WriteRecords(const fs::path& out) {
  int i = 0;
  for (cb::Setting s : cb::AllSettings()) {
    for (const char* repo : {"dspy_task", "pallets_click_task"}) {
      for (int a = 1; a <= 4; ++a) {
        cb::Record r;
        r.setting = s;
        r.run_name = "command-a-" + std::string(cb::SettingName(s));
        r.pair = cb::PairId{repo, 7, a, a + 1};
        const int k = i++ % 4;
        r.tag = k == 3 ? cb::Tag::kInfraError : k == 2 ? cb::Tag::kFail : cb::Tag::kPass;
        r.reason = k == 3   ? cb::Reason::kRateLimited
                   : k == 2 ? cb::Reason::kTestsFailed
                            : cb::Reason::kTestsPassed;
        cb::AttemptRecord at;
        at.n = 1;
        at.tag = r.tag;
        at.reason = r.reason;
        at.cost_usd = 0.1 * (k + 1);
        r.attempts.push_back(at);
        r.duration_s = 10 + a;
        ASSERT_TRUE(cb::WriteRecord(cb::RecordPath(out, r.run_name, r.pair), r).ok());
      }
    }
  }
}

using cbtest::Count;

// Issue 24 item 9: a name that is not an .html file is a folder, with pairs/ inside it;
// nothing lands in the current folder.
TEST(ReportHtml, ANameWithoutHtmlIsAFolderWithItsPairPagesInside) {
  cbtest::TempDir dir;
  WriteRecords(dir / "out");
  for (const std::string name : {"report", "report2/"}) {
    cbtest::CommandResult r =
        cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report --html " + name, dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string folder = name.substr(0, name.find('/'));
    EXPECT_NE(r.output.find("HTML report: " + folder + "/index.html\n"), std::string::npos)
        << r.output;
    EXPECT_TRUE(fs::is_regular_file(dir / folder / "index.html")) << name;
    EXPECT_FALSE(fs::is_empty(dir / folder / "pairs")) << name;
  }
  EXPECT_FALSE(fs::exists(dir / "pairs")) << "pair pages in the current folder";
  EXPECT_EQ(cb::HtmlIndexPath("r.html"), fs::path("r.html"));
  EXPECT_EQ(cb::HtmlIndexPath("a/r.htm"), fs::path("a/r.htm"));
  EXPECT_EQ(cb::HtmlIndexPath("a/report"), fs::path("a/report/index.html"));
}

TEST(ReportHtml, OneSelfContainedPageWithFourSvgCharts) {
  cbtest::TempDir dir;
  WriteRecords(dir / "out");
  cbtest::CommandResult r =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report --html report.html", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("HTML report: report.html"), std::string::npos) << r.output;
  const std::string html = cbtest::ReadText(dir / "report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // The four charts of one model and the forest plot of its gaps (figures that
  // need the records, e.g. by messages sent, come with the pair pages).
  EXPECT_GE(Count(html, "<svg"), 5u);
  EXPECT_EQ(Count(html, "</svg>"), Count(html, "<svg"));
  for (const char* chart :
       {"Pass rate per setting with 95% intervals", "Outcome breakdown per setting",
        "Cost per setting in USD", "Pass rate per setting per repository",
        "Coordination gap per model and coop setting"})
    EXPECT_NE(html.find(chart), std::string::npos) << chart;
  // Nothing to fetch: no scripts, links, images or remote URLs (the SVG namespace is not fetched).
  EXPECT_EQ(Count(html, "<script"), 0u);
  EXPECT_EQ(Count(html, "<link"), 0u);
  EXPECT_EQ(Count(html, "<img"), 0u);
  EXPECT_EQ(Count(html, "url("), 0u);
  EXPECT_EQ(Count(html, "http"), Count(html, "http://www.w3.org/2000/svg"));
}

TEST(ReportHtml, ShowsUnknownTokensCostAndAgent1AlonePasses) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  // Coop passes of an unpriced model and mini_swe_agent_v2 (no token counts):
  // one through agent 1's patch alone, one through a clean merge.
  for (int a = 1; a <= 2; ++a) {
    cb::Record r;
    r.setting = cb::Setting::kCoopComm;
    r.run_name = "command-a-coop-comm";
    r.pair = cb::PairId{"dspy_task", 7, a, a + 1};
    r.tag = cb::Tag::kPass;
    r.reason = cb::Reason::kTestsPassed;
    r.merge_status = a == 1 ? "conflicts" : "clean";
    r.merge_strategy = a == 1 ? "solo-agent1" : "naive";
    cb::AttemptRecord at;
    at.n = 1;
    at.tag = r.tag;
    at.reason = r.reason;
    at.cost_usd = std::nullopt;
    r.attempts.push_back(at);
    ASSERT_TRUE(cb::WriteRecord(cb::RecordPath(out, r.run_name, r.pair), r).ok());
  }
  cbtest::CommandResult r = cbtest::Run(
      cbtest::Sh(cbtest::Cbgen()) + " report --html report.html --csv report.csv", dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string html = cbtest::ReadText(dir / "report.html");
  EXPECT_NE(html.find("<th>of which agent 1 alone</th>"), std::string::npos);
  EXPECT_NE(html.find("<th>cost unknown (attempts)</th>"), std::string::npos);
  // coop-comm: 2 passes, 1 through agent 1 alone; $0.00 known, 2 attempts unknown; tokens n/a.
  EXPECT_NE(html.find("<tr><td>coop-comm</td><td>2</td><td>2</td><td>2</td><td>0</td><td>0</td>"
                      "<td>0</td><td>100.0%</td><td>34.2-100.0%</td><td>1</td><td>0.00</td>"
                      "<td>2</td><td>n/a</td><td>n/a</td>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<td>solo</td>"), std::string::npos)
      << "solo is not in the build (no plan, no records): no row\n"
      << html;
  EXPECT_NE(
      html.find("<p class=\"note\">Cost unknown for 2 attempts (coop-comm 2), left out of the "
                "costs above: they were killed before upstream reported (a timeout, a crash, an "
                "OOM kill), or took steps but reported $0"),
      std::string::npos)
      << html;
  // The estimate, labelled, with its basis (no attempt lists here: none).
  EXPECT_NE(html.find("<p class=\"note\">Estimated cost of those attempts: unknown (coop-comm "
                      "unknown), ESTIMATE, known spend $"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<p class=\"note\">Tokens unknown for 2 attempts (coop-comm 2)"),
            std::string::npos);
  EXPECT_NE(html.find("<p class=\"note\">coop-comm: 2 passes, of which 1 through agent 1&#39;s "
                      "patch alone"),
            std::string::npos)
      << html;
  const std::string csv = cbtest::ReadText(dir / "report.csv");
  EXPECT_NE(csv.find(",1,1,conflicts,solo-agent1,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",1,1,clean,naive,"), std::string::npos) << csv;
}

using cbtest::RunChromium;

TEST(ReportHtml, RendersInHeadlessChromiumWithoutConsoleMessages) {
  REQUIRE_CHROMIUM();
  cbtest::TempDir dir;
  WriteRecords(dir / "out");
  ASSERT_EQ(
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " report --html report.html", dir.path()).exit_code,
      0);

  // The harness sees console errors: a page with a bad script shows up.
  cbtest::WriteText(
      dir / "bad.html",
      "<html><body><script>console.error('cbtest-bad');missingFn();</script></body></html>");
  std::string console, dom;
  ASSERT_EQ(RunChromium(dir.path(), "--dump-dom", dir / "bad.html", &console, &dom), 0) << dom;
  EXPECT_NE(console.find("cbtest-bad"), std::string::npos) << "chromium did not log the console";

  // The report: parsed into a DOM with its SVG charts, and nothing on the console.
  ASSERT_EQ(RunChromium(dir.path(), "--dump-dom", dir / "report.html", &console, &dom), 0) << dom;
  EXPECT_EQ(console, "");
  EXPECT_GE(Count(dom, "<svg"), 5u) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("<rect"), std::string::npos);
  EXPECT_NE(dom.find("pallets_click_task"), std::string::npos);

  // And it paints: a screenshot is a real PNG.
  std::string shot_output;
  ASSERT_EQ(
      RunChromium(dir.path(),
                  "--window-size=1200,2400 --screenshot=" + cbtest::Sh((dir / "shot.png").string()),
                  dir / "report.html", &console, &shot_output),
      0)
      << shot_output;
  EXPECT_EQ(console, "");
  const std::string png = cbtest::ReadText(dir / "shot.png");
  ASSERT_GT(png.size(), 10000u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
}

// The width `page` lays out to in a 1280x900 window, and the window's: a copy
// of it beside it with a script that writes both into the DOM (the page has none).
std::pair<int, int> LaidOutWidth(const fs::path& work, const fs::path& page) {
  std::string html = cbtest::ReadText(page);
  html.insert(html.rfind("</body>"),
              "<script>document.body.setAttribute('data-measure', "
              "document.scrollingElement.scrollWidth + 'x' + window.innerWidth);</script>");
  const fs::path copy = page.parent_path() / ("measure-" + page.filename().string());
  cbtest::WriteText(copy, html);
  std::string console, dom;
  EXPECT_EQ(RunChromium(work, "--window-size=1280,900 --dump-dom", copy, &console, &dom), 0);
  EXPECT_EQ(console, "");
  fs::remove(copy);
  const size_t at = dom.find("data-measure=\"");
  if (at == std::string::npos) return {-1, -1};
  int scroll = -1, window = -1;
  std::sscanf(dom.c_str() + at + 14, "%dx%d", &scroll, &window);
  return {scroll, window};
}

// index.html and a pair page from what the double left: no console messages,
// the patch and the messages are in the DOM, and neither scrolls sideways at 1280 px.
TEST(ReportHtml, IndexAndPairPageRenderAtWindowWidth) {
  REQUIRE_CHROMIUM();
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  WriteRecords(out);
  const cb::PairId pair{"dspy_task", 8394, 3, 4};
  for (cb::Setting s : cb::AllSettings())
    cbtest::RunDouble(cbtest::WriteRecordWithAttempt(out, s, pair, cb::Tag::kPass, 0.1), s, pair);
  // A very long patch line must wrap, not widen the page.
  const fs::path solo_patch =
      cbtest::UpstreamDir(dir / "out/logs/command-a-solo/dspy_task/task8394/f3_f4/attempt-1",
                          cb::Setting::kSolo, pair) /
      "solo.patch";
  cbtest::WriteText(solo_patch, cbtest::ReadText(solo_patch) + "+" + std::string(3000, 'x') + "\n");
  cbtest::WriteReport(out, dir / "html" / "index.html");
  const fs::path index = dir / "html" / "index.html";
  const fs::path page = dir / "html" / "pairs" / cb::PairPageFileName(pair);
  ASSERT_TRUE(fs::exists(page));

  std::string console, dom;
  ASSERT_EQ(RunChromium(dir.path(), "--dump-dom", index, &console, &dom), 0) << dom;
  EXPECT_EQ(console, "");
  EXPECT_NE(dom.find("href=\"pairs/dspy_task-task8394-f3_f4.html\""), std::string::npos);
  ASSERT_EQ(RunChromium(dir.path(), "--dump-dom", page, &console, &dom), 0) << dom;
  EXPECT_EQ(console, "");
  EXPECT_NE(dom.find("<span class=\"add\">+    return 3</span>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("I am editing src/feature3.py lines 1-3 for feature 3."), std::string::npos);
  EXPECT_NE(dom.find("OK: I keep to src/feature4.py for feature 4."), std::string::npos);
  EXPECT_EQ(Count(dom, "<script"), 0u);

  for (const fs::path& p : {index, page}) {
    const auto [scroll, window] = LaidOutWidth(dir.path(), p);
    EXPECT_EQ(window, 1280) << p;
    EXPECT_GT(scroll, 0) << p;
    EXPECT_LE(scroll, window) << p << " scrolls sideways";
  }
}

}  // namespace
