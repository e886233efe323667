// HTML and SVG building blocks of the report's pages: escaping, SVG
// primitives, and generic figures drawn from plain rows (a forest plot, grouped
// horizontal bars of rates with intervals). Knows nothing of records or
// settings. Pure: returns text. Every figure is at most kFigureWidth wide, so a
// page reads without horizontal scrolling in a 1280-pixel window.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "results/report_stats.h"

namespace cb {

inline constexpr int kFigureWidth = 760;

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(absl::string_view s);

// <!DOCTYPE> to <body>: the page's title and the style sheet every page shares
// (no scripts, nothing fetched), plus `extra_css`.
std::string HtmlHead(absl::string_view title, absl::string_view extra_css = "");

// <svg ...><title>label</title>; close with "</svg>\n".
std::string SvgOpen(int width, int height, absl::string_view label);
std::string SvgText(double x, double y, absl::string_view text, absl::string_view anchor = "middle",
                    absl::string_view extra = "");
// A rectangle with `tip` as its tooltip.
std::string SvgRect(double x, double y, double w, double h, absl::string_view fill,
                    absl::string_view tip);
std::string SvgLine(double x1, double y1, double x2, double y2, absl::string_view stroke = "#333");

// A colour of a fixed palette, by index (wraps around).
const char* PaletteColor(size_t i);

// One row of a forest plot: an estimate (a difference of rates, -1..1) with
// its interval; a row without an estimate shows `note` instead.
struct ForestRow {
  std::string label;
  std::optional<double> estimate;
  std::optional<Interval> ci;
  std::string color = "#333";
  std::string note;  // after the interval text, e.g. "23 pairs"
};
// Rows top to bottom, a vertical line at 0, the axis in percentage points.
std::string ForestPlot(absl::string_view label, const std::vector<ForestRow>& rows);

// One bar of a rate figure: a rate in 0..1 with optional interval; `text`
// is written after the bar (e.g. "43% of 7").
struct RateBar {
  double rate = 0;
  std::optional<Interval> ci;
  std::string text;
  std::string tip;
};
// A group of bars, one slot per series (nullopt: this series has no bar here;
// the slot is kept so series line up).
struct RateGroup {
  std::string label;
  std::vector<std::optional<RateBar>> bars;
};
struct Series {
  std::string name;
  std::string color;
};
// Horizontal bars 0..100% grouped by `groups`, one colour per series, with a
// legend when there is more than one series. A series that has no bar in any
// group is left out (no empty slot).
std::string GroupedRateBars(absl::string_view label, const std::vector<Series>& series,
                            const std::vector<RateGroup>& groups);

}  // namespace cb
