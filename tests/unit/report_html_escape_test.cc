// cbgen report --html, the pure piece: text is escaped for HTML. (The page
// itself, written by cbgen and rendered in headless Chromium:
// integration/report_html_test.cc.)
#include <gtest/gtest.h>

#include "results/report_html.h"

namespace {

TEST(ReportHtml, EscapesText) {
  EXPECT_EQ(cb::HtmlEscape("<a href=\"x\">Tom's & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; co&lt;/a&gt;");
}

}  // namespace
