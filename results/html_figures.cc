#include "results/html_figures.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cb {

std::string HtmlEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string HtmlHead(absl::string_view title, absl::string_view extra_css) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
      HtmlEscape(title),
      "</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}\n"
      "table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;"
      "padding:3px 5px;text-align:right}td{overflow-wrap:anywhere}"
      "td:first-child,th:first-child{text-align:left}th{font-size:12px}\n"
      "svg{font-size:11px;display:block;margin:1em 0;max-width:100%;height:auto}figure{margin:0}"
      "figcaption{font-weight:bold}.note{color:#555}\n",
      extra_css, "</style>\n</head>\n<body>\n");
}

std::string SvgOpen(int width, int height, absl::string_view label) {
  return absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "role=\"img\" aria-label=\"%s\"><title>%s</title>\n",
      width, height, width, height, HtmlEscape(label), HtmlEscape(label));
}

std::string SvgText(double x, double y, absl::string_view text, absl::string_view anchor,
                    absl::string_view extra) {
  return absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n", x, y,
                         anchor, extra, HtmlEscape(text));
}

std::string SvgRect(double x, double y, double w, double h, absl::string_view fill,
                    absl::string_view tip) {
  return absl::StrFormat(
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
      "fill=\"%s\"><title>%s</title></rect>\n",
      x, y, std::max(0.0, w), std::max(0.0, h), fill, HtmlEscape(tip));
}

std::string SvgLine(double x1, double y1, double x2, double y2, absl::string_view stroke) {
  return absl::StrFormat(
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
      "stroke-width=\"1.5\"/>\n",
      x1, y1, x2, y2, stroke);
}

const char* PaletteColor(size_t i) {
  static const char* const kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                         "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))];
}

namespace {

// "+12.3", "-4.0", never "-0.0": a difference of rates in percentage points.
std::string SignedPoints(double d) {
  const double p = std::round(d * 1000) / 10;
  return absl::StrFormat("%+.1f", p == 0 ? 0.0 : p);
}

// The axis of a forest plot: at least -20..+20 points, out to the widest
// interval, on a round step.
struct Axis {
  double lo = -0.2, hi = 0.2, step = 0.1;
};
Axis ForestAxis(const std::vector<ForestRow>& rows) {
  Axis a;
  for (const ForestRow& r : rows) {
    if (r.ci) a.lo = std::min(a.lo, r.ci->low), a.hi = std::max(a.hi, r.ci->high);
    if (r.estimate) a.lo = std::min(a.lo, *r.estimate), a.hi = std::max(a.hi, *r.estimate);
  }
  a.lo = std::max(-1.0, std::floor(a.lo * 10 - 1e-9) / 10);
  a.hi = std::min(1.0, std::ceil(a.hi * 10 + 1e-9) / 10);
  for (double step : {0.1, 0.2, 0.25, 0.5})
    if ((a.hi - a.lo) / step <= 8) return a.step = step, a;
  return a;
}

// Grid lines and labels of a 0..100% axis from x0 to x0 + w, at the bottom y.
std::string PercentAxis(double x0, double w, double top, double bottom) {
  std::string svg;
  for (int i = 0; i <= 4; ++i) {
    const double x = x0 + w * i / 4.0;
    svg += SvgLine(x, top, x, bottom, "#ddd");
    svg += SvgText(x, bottom + 14, absl::StrFormat("%d%%", i * 25));
  }
  return svg;
}

// A horizontal interval whisker at height y.
std::string Whisker(double x_lo, double x_hi, double y, double half) {
  return SvgLine(x_lo, y, x_hi, y) + SvgLine(x_lo, y - half, x_lo, y + half) +
         SvgLine(x_hi, y - half, x_hi, y + half);
}

}  // namespace

std::string ForestPlot(absl::string_view label, const std::vector<ForestRow>& rows) {
  const int left = 250, right = 200, row_h = 26, top = 10;
  const double plot_w = kFigureWidth - left - right;
  const int height = top + static_cast<int>(rows.size()) * row_h + 36;
  const Axis axis = ForestAxis(rows);
  auto x_of = [&](double v) { return left + plot_w * (v - axis.lo) / (axis.hi - axis.lo); };
  std::string svg = SvgOpen(kFigureWidth, height, label);
  const double bottom = top + rows.size() * row_h;
  for (double v = axis.lo; v <= axis.hi + 1e-9; v += axis.step) {
    svg += SvgLine(x_of(v), top, x_of(v), bottom, std::abs(v) < 1e-9 ? "#888" : "#eee");
    svg += SvgText(x_of(v), bottom + 14, SignedPoints(v));
  }
  svg += SvgText(left + plot_w / 2, bottom + 30, "percentage points (solo minus coop)");
  for (size_t i = 0; i < rows.size(); ++i) {
    const ForestRow& r = rows[i];
    const double y = top + i * row_h + row_h / 2.0;
    svg += SvgText(left - 8, y + 4, r.label, "end");
    std::string shown = r.note;
    if (r.estimate) {
      if (r.ci) svg += Whisker(x_of(r.ci->low), x_of(r.ci->high), y, 5);
      svg += absl::StrFormat(
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"><title>%s</title></circle>\n",
          x_of(*r.estimate), y, HtmlEscape(r.color), HtmlEscape(r.label));
      shown = absl::StrCat(
          SignedPoints(*r.estimate),
          r.ci ? absl::StrCat(" (", SignedPoints(r.ci->low), " to ", SignedPoints(r.ci->high), ")")
               : "",
          r.note.empty() ? "" : ", ", r.note);
    }
    svg += SvgText(kFigureWidth - right + 8, y + 4, shown, "start");
  }
  return svg + "</svg>\n";
}

namespace {

// The series that have a bar somewhere, by index.
std::vector<size_t> UsedSeries(size_t n, const std::vector<RateGroup>& groups) {
  std::vector<size_t> used;
  for (size_t i = 0; i < n; ++i)
    for (const RateGroup& g : groups)
      if (i < g.bars.size() && g.bars[i]) {
        used.push_back(i);
        break;
      }
  return used;
}

std::string Legend(const std::vector<Series>& series, const std::vector<size_t>& used, double y) {
  std::string svg;
  double x = 10;
  for (size_t i : used) {
    if (x > kFigureWidth - 150) x = 10, y += 16;
    svg += SvgRect(x, y, 12, 12, series[i].color, series[i].name);
    svg += SvgText(x + 16, y + 10, series[i].name, "start");
    x += 24 + 7.0 * series[i].name.size();
  }
  return svg;
}

}  // namespace

std::string GroupedRateBars(absl::string_view label, const std::vector<Series>& series,
                            const std::vector<RateGroup>& groups) {
  const std::vector<size_t> used = UsedSeries(series.size(), groups);
  const int left = 250, right = 130, bar = 14, gap = 12, top = 8;
  const double plot_w = kFigureWidth - left - right;
  const double bottom = top + groups.size() * (used.size() * bar + gap);
  const int legend_rows = used.size() > 1 ? 1 + static_cast<int>(used.size()) / 5 : 0;
  std::string svg =
      SvgOpen(kFigureWidth, static_cast<int>(bottom) + 24 + legend_rows * 16 + 6, label);
  svg += PercentAxis(left, plot_w, top, bottom);
  double y = top;
  for (const RateGroup& g : groups) {
    svg += SvgText(left - 8, y + used.size() * bar / 2.0 + 4, g.label, "end");
    for (size_t i : used) {
      if (i < g.bars.size() && g.bars[i]) {
        const RateBar& b = *g.bars[i];
        const double w = plot_w * std::clamp(b.rate, 0.0, 1.0);
        svg += SvgRect(left, y + 1, w, bar - 2, series[i].color, b.tip);
        if (b.ci)
          svg += Whisker(left + plot_w * b.ci->low, left + plot_w * b.ci->high, y + bar / 2.0, 3);
        const double tx = std::max(left + w, b.ci ? left + plot_w * b.ci->high : 0.0) + 4;
        svg += SvgText(std::min(tx, kFigureWidth - right + 4.0), y + bar - 3, b.text, "start",
                       " font-size=\"10\"");
      }
      y += bar;
    }
    y += gap;
  }
  if (legend_rows > 0) svg += Legend(series, used, bottom + 22);
  return svg + "</svg>\n";
}

}  // namespace cb
