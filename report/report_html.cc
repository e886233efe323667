#include "report/report_html.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "report/report_text.h"

namespace cb {

std::string HtmlEscape(absl::string_view s) {
  std::string out;
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

namespace {

const char* SettingColor(Setting s) {
  switch (s) {
    case Setting::kSolo: return "#4e79a7";
    case Setting::kCoopComm: return "#f28e2b";
    case Setting::kCoopNocomm: return "#59a14f";
  }
  return "#999";
}

struct Outcome {
  const char* name;
  const char* color;
  long long GroupStats::*count;
};
const Outcome kOutcomes[] = {{"pass", "#59a14f", &GroupStats::pass},
                             {"fail", "#e15759", &GroupStats::fail},
                             {"infra_error", "#edc948", &GroupStats::infra_error},
                             {"pending", "#bab0ac", &GroupStats::pending}};

std::string SvgOpen(int width, int height, absl::string_view label) {
  return absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "role=\"img\" aria-label=\"%s\"><title>%s</title>\n",
      width, height, width, height, HtmlEscape(label), HtmlEscape(label));
}

std::string Text(double x, double y, absl::string_view text, absl::string_view anchor = "middle",
                 absl::string_view extra = "") {
  return absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n", x, y,
                         anchor, extra, HtmlEscape(text));
}

std::string Rect(double x, double y, double w, double h, absl::string_view fill,
                 absl::string_view tip) {
  return absl::StrFormat(
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
      "fill=\"%s\"><title>%s</title></rect>\n",
      x, y, std::max(0.0, w), std::max(0.0, h), fill, HtmlEscape(tip));
}

std::string Line(double x1, double y1, double x2, double y2, absl::string_view stroke = "#333") {
  return absl::StrFormat(
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
      "stroke-width=\"1.5\"/>\n",
      x1, y1, x2, y2, stroke);
}

// Vertical bars, one per setting, with optional interval whiskers; y from 0 to y_max.
std::string VerticalBars(absl::string_view label, const std::vector<Setting>& settings,
                         const std::vector<std::optional<double>>& values,
                         const std::vector<std::optional<Interval>>& intervals, double y_max,
                         bool percent) {
  const int width = 420, height = 260, left = 50, bottom = 40, top = 20;
  const double plot_h = height - bottom - top;
  std::string svg = SvgOpen(width, height, label);
  auto y_of = [&](double v) { return top + plot_h * (1 - std::clamp(v / y_max, 0.0, 1.0)); };
  for (int i = 0; i <= 4; ++i) {
    const double v = y_max * i / 4;
    svg += Line(left, y_of(v), width - 10, y_of(v), "#ddd");
    svg += Text(left - 6, y_of(v) + 4,
                percent ? absl::StrFormat("%.0f%%", v * 100) : absl::StrFormat("$%.2f", v), "end");
  }
  const double slot = (width - left - 10) / static_cast<double>(settings.size());
  for (size_t i = 0; i < settings.size(); ++i) {
    const double x = left + slot * i + slot * 0.2, w = slot * 0.6;
    const std::string name(SettingName(settings[i]));
    if (values[i]) {
      const std::string shown = percent ? Percent(values[i]) : absl::StrFormat("$%.2f", *values[i]);
      svg += Rect(x, y_of(*values[i]), w, y_of(0) - y_of(*values[i]), SettingColor(settings[i]),
                  absl::StrCat(name, ": ", shown));
      svg += Text(x + w / 2, y_of(*values[i]) - 4, shown);
    } else {
      svg += Text(x + w / 2, y_of(0) - 4, "no data");
    }
    if (i < intervals.size() && intervals[i]) {
      const double cx = x + w / 2;
      svg += Line(cx, y_of(intervals[i]->low), cx, y_of(intervals[i]->high));
      svg += Line(cx - 6, y_of(intervals[i]->low), cx + 6, y_of(intervals[i]->low));
      svg += Line(cx - 6, y_of(intervals[i]->high), cx + 6, y_of(intervals[i]->high));
    }
    svg += Text(x + w / 2, height - bottom + 18, name);
  }
  svg += Line(left, y_of(0), width - 10, y_of(0));
  return svg + "</svg>\n";
}

// Horizontal grouped bars: pass rate of each setting within each repository.
std::string RepoBars(const Summary& s) {
  const int bar = 9, gap = 10, left = 230, width = 640;
  const int plot_w = width - left - 60;
  int height = 30;
  height += static_cast<int>(s.repos.size()) * (bar * 3 + gap);
  std::string svg = SvgOpen(width, height + 20, "Pass rate per setting per repository");
  double y = 10;
  for (int i = 0; i <= 4; ++i) {
    const double x = left + plot_w * i / 4.0;
    svg += Line(x, 5, x, height - 15, "#ddd");
    svg += Text(x, height, absl::StrFormat("%d%%", i * 25));
  }
  for (const auto& [repo, groups] : s.repos) {
    svg += Text(left - 8, y + bar * 1.5 + 4, repo, "end");
    for (Setting st : AllSettings()) {
      auto it = groups.find(st);
      if (it != groups.end() && it->second.pass_rate) {
        const double w = plot_w * *it->second.pass_rate;
        svg +=
            Rect(left, y, w, bar - 1, SettingColor(st),
                 absl::StrFormat("%s %s: %s of %d finished", repo, SettingName(st),
                                 Percent(it->second.pass_rate), it->second.pass + it->second.fail));
        svg += Text(left + w + 4, y + bar - 1, Percent(it->second.pass_rate), "start",
                    " font-size=\"9\"");
      }
      y += bar;
    }
    y += gap;
  }
  return svg + "</svg>\n";
}

// Stacked horizontal bars: pass / fail / infra_error / pending per setting.
std::string OutcomeBars(const Summary& s) {
  const int width = 640, left = 110, bar = 28, plot_w = width - left - 20;
  const int height = 3 * (bar + 14) + 50;
  std::string svg = SvgOpen(width, height, "Outcome breakdown per setting");
  double y = 10;
  for (const auto& [st, g] : s.settings) {
    svg += Text(left - 8, y + bar / 2.0 + 4, SettingName(st), "end");
    double x = left;
    for (const Outcome& o : kOutcomes) {
      const long long n = g.*(o.count);
      if (g.pairs == 0 || n == 0) continue;
      const double w = plot_w * static_cast<double>(n) / static_cast<double>(g.pairs);
      svg += Rect(x, y, w, bar, o.color, absl::StrFormat("%s %s: %d", SettingName(st), o.name, n));
      if (w > 22) svg += Text(x + w / 2, y + bar / 2.0 + 4, absl::StrCat(n));
      x += w;
    }
    if (g.pairs == 0) svg += Text(left + 4, y + bar / 2.0 + 4, "no pairs", "start");
    y += bar + 14;
  }
  double lx = left;
  for (const Outcome& o : kOutcomes) {
    svg += Rect(lx, y + 4, 12, 12, o.color, o.name);
    svg += Text(lx + 16, y + 14, o.name, "start");
    lx += 110;
  }
  return svg + "</svg>\n";
}

std::string Cell(absl::string_view s) {
  return absl::StrCat("<td>", HtmlEscape(s), "</td>");
}

std::string Count(const std::optional<long long>& n) {
  return n ? absl::StrCat(*n) : "n/a";
}

// <!DOCTYPE> to <body>, with the page's style sheet.
void WriteHead(const std::string& title, std::ostream& os) {
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<title>" << HtmlEscape(title) << "</title>\n"
     << "<style>\n"
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}\n"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
        "text-align:right}td:first-child,th:first-child{text-align:left}\n"
        "svg{font-size:11px;display:block;margin:1em 0}figure{margin:0}"
        "figcaption{font-weight:bold}.note{color:#555}\n"
        "</style>\n</head>\n<body>\n";
}

void WriteIntro(const Summary& s, const std::string& title, const std::string& source,
                std::ostream& os) {
  os << "<h1>" << HtmlEscape(title) << "</h1>\n<p class=\"note\">" << s.records << " records from "
     << HtmlEscape(source) << ". Pass rate = pass / (pass + fail): infra errors are excluded. "
     << "Cost counts every attempt whose cost is known. Intervals are 95% Wilson score "
        "intervals.</p>\n";
}

// One row of the settings table.
std::string SettingRow(Setting st, const GroupStats& g) {
  return absl::StrCat(
      "<tr>", Cell(SettingName(st)), Cell(absl::StrCat(g.pairs)), Cell(absl::StrCat(g.done)),
      Cell(absl::StrCat(g.pass)), Cell(absl::StrCat(g.fail)), Cell(absl::StrCat(g.infra_error)),
      Cell(absl::StrCat(g.pending)), Cell(Percent(g.pass_rate)),
      Cell(g.pass_rate_ci ? absl::StrFormat("%.1f-%.1f%%", g.pass_rate_ci->low * 100,
                                            g.pass_rate_ci->high * 100)
                          : "-"),
      Cell(g.pass_agent1_alone ? absl::StrCat(*g.pass_agent1_alone) : "-"),
      Cell(absl::StrFormat("%.2f", g.cost_usd)), Cell(absl::StrCat(g.cost_unknown_attempts)),
      Cell(Count(g.input_tokens)), Cell(Count(g.output_tokens)),
      Cell(g.median_duration_s ? absl::StrFormat("%.1f", *g.median_duration_s) : "-"),
      Cell(g.p90_duration_s ? absl::StrFormat("%.1f", *g.p90_duration_s) : "-"),
      Cell(g.mean_attempts ? absl::StrFormat("%.2f", *g.mean_attempts) : "-"), "</tr>\n");
}

// The settings table and, under it, the usage notes of the text report.
void WriteSettingsTable(const Summary& s, std::ostream& os) {
  os << "<h2>Settings</h2>\n<table>\n<tr><th>setting</th><th>pairs</th><th>done</th><th>pass</th>"
        "<th>fail</th><th>infra_error</th><th>pending</th><th>pass rate</th><th>95% CI</th>"
        "<th>of which agent 1 alone</th><th>cost USD</th><th>cost unknown (attempts)</th>"
        "<th>tokens in</th><th>tokens out</th><th>median s</th><th>p90 s</th>"
        "<th>mean attempts</th></tr>\n";
  for (const auto& [st, g] : s.settings) os << SettingRow(st, g);
  os << "</table>\n";
  std::ostringstream notes;
  WriteUsageNotes(s, notes);
  for (absl::string_view line : absl::StrSplit(notes.str(), '\n', absl::SkipEmpty()))
    os << "<p class=\"note\">" << HtmlEscape(line) << "</p>\n";
}

// The four charts: pass rate, outcomes and cost per setting, pass rate per repository.
void WriteCharts(const Summary& s, std::ostream& os) {
  const std::vector<Setting> settings = AllSettings();
  std::vector<std::optional<double>> rates, costs;
  std::vector<std::optional<Interval>> cis;
  double max_cost = 0;
  for (Setting st : settings) {
    const GroupStats& g = s.settings.at(st);
    rates.push_back(g.pass_rate);
    cis.push_back(g.pass_rate_ci);
    costs.push_back(g.done > 0 ? std::optional<double>(g.cost_usd) : std::nullopt);
    max_cost = std::max(max_cost, g.cost_usd);
  }
  os << "<figure><figcaption>Pass rate per setting (95% interval)</figcaption>\n"
     << VerticalBars("Pass rate per setting with 95% intervals", settings, rates, cis, 1.0, true)
     << "</figure>\n";
  os << "<figure><figcaption>Outcomes per setting</figcaption>\n"
     << OutcomeBars(s) << "</figure>\n";
  os << "<figure><figcaption>Cost per setting (USD, all attempts whose cost is known)"
        "</figcaption>\n"
     << VerticalBars("Cost per setting in USD", settings, costs, {},
                     max_cost > 0 ? max_cost * 1.15 : 1.0, false)
     << "</figure>\n";
  os << "<figure><figcaption>Pass rate per setting per repository</figcaption>\n";
  for (Setting st : settings)
    os << "<span style=\"color:" << SettingColor(st) << "\">&#9632;</span> "
       << HtmlEscape(SettingName(st)) << " &nbsp; ";
  os << "\n" << RepoBars(s) << "</figure>\n";
}

void WriteGapTable(const Summary& s, std::ostream& os) {
  os << "<h2>Coordination gap</h2>\n<p class=\"note\">Solo pass rate minus coop pass rate, on the "
        "pairs finished (pass or fail) in both. 95% CI: "
     << HtmlEscape(kGapMethod)
     << ".</p>\n<table>\n<tr><th>coop setting</th><th>pairs</th>"
        "<th>solo</th><th>coop</th><th>gap (points)</th><th>95% CI</th></tr>\n";
  for (const Gap& g : s.gaps) {
    os << "<tr>" << Cell(SettingName(g.coop)) << Cell(absl::StrCat(g.table.n()));
    if (g.result)
      os << Cell(Percent(g.result->x_rate)) << Cell(Percent(g.result->y_rate))
         << Cell(Points(g.result->difference))
         << Cell(absl::StrCat(Points(g.result->ci.low), " to ", Points(g.result->ci.high)));
    else
      os << Cell("-") << Cell("-") << Cell("-") << Cell("-");
    os << "</tr>\n";
  }
  os << "</table>\n";
}

void WriteReasonsTable(const Summary& s, std::ostream& os) {
  os << "<h2>Failure "
        "reasons</h2>\n<table>\n<tr><th>setting</th><th>reason</th><th>records</th></tr>\n";
  for (const auto& [st, reasons] : s.reasons)
    for (const auto& [reason, n] : reasons)
      os << "<tr>" << Cell(SettingName(st)) << Cell(ReasonName(reason)) << Cell(absl::StrCat(n))
         << "</tr>\n";
  os << "</table>\n";
}

// Tasks, then pairs, hardest first.
void WriteDifficultyTables(const Summary& s, std::ostream& os) {
  os << "<h2>Difficulty from solo (hardest first)</h2>\n<table>\n<tr><th>task</th><th>solved "
        "solo</th>"
        "<th>finished solo</th><th>share</th></tr>\n";
  for (const TaskDifficulty& t : s.tasks)
    os << "<tr>" << Cell(absl::StrCat(t.repo, "/", t.task_id)) << Cell(absl::StrCat(t.solved))
       << Cell(absl::StrCat(t.finished)) << Cell(Percent(t.solved_share)) << "</tr>\n";
  os << "</table>\n<table>\n<tr><th>pair</th><th>solo</th><th>coop-comm</th><th>coop-nocomm</th></"
        "tr>\n";
  for (const PairDifficulty& d : s.pairs) {
    auto coop = [&](Setting st) {
      auto it = d.coop.find(st);
      return it == d.coop.end() ? absl::string_view("-") : TagName(it->second);
    };
    os << "<tr>"
       << Cell(absl::StrFormat("%s/%d [%d,%d]", d.pair.repo, d.pair.task_id, d.pair.feature_a,
                               d.pair.feature_b))
       << Cell(TagName(d.solo)) << Cell(coop(Setting::kCoopComm))
       << Cell(coop(Setting::kCoopNocomm)) << "</tr>\n";
  }
  os << "</table>\n";
}

}  // namespace

void WriteReportHtml(const Summary& s, const std::string& title, const std::string& source,
                     std::ostream& os) {
  WriteHead(title, os);
  WriteIntro(s, title, source, os);
  WriteSettingsTable(s, os);
  WriteCharts(s, os);
  WriteGapTable(s, os);
  WriteReasonsTable(s, os);
  WriteDifficultyTables(s, os);
  os << "</body>\n</html>\n";
}

}  // namespace cb
