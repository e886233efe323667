#include "results/report_html.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "results/html_figures_data.h"
#include "results/pair_page.h"
#include "results/report_models.h"
#include "results/report_text.h"

namespace cb {

namespace {

struct Outcome {
  const char* name;
  const char* color;
  long long GroupStats::*count;
};
const Outcome kOutcomes[] = {{"pass", "#59a14f", &GroupStats::pass},
                             {"fail", "#e15759", &GroupStats::fail},
                             {"infra_error", "#edc948", &GroupStats::infra_error},
                             {"pending", "#bab0ac", &GroupStats::pending}};

// The settings in the build (planned or recorded), in their order.
std::vector<Setting> BuiltSettings(const Summary& s) {
  std::vector<Setting> out;
  for (Setting st : AllSettings()) {
    auto it = s.settings.find(st);
    if (s.built.count(st) || (s.built.empty() && it != s.settings.end() && it->second.pairs > 0))
      out.push_back(st);
  }
  return out;
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
    svg += SvgLine(left, y_of(v), width - 10, y_of(v), "#ddd");
    svg +=
        SvgText(left - 6, y_of(v) + 4,
                percent ? absl::StrFormat("%.0f%%", v * 100) : absl::StrFormat("$%.2f", v), "end");
  }
  const double slot = (width - left - 10) / static_cast<double>(settings.size());
  for (size_t i = 0; i < settings.size(); ++i) {
    const double x = left + slot * i + slot * 0.2, w = slot * 0.6;
    const std::string name(SettingName(settings[i]));
    if (values[i]) {
      const std::string shown = percent ? Percent(values[i]) : absl::StrFormat("$%.2f", *values[i]);
      svg += SvgRect(x, y_of(*values[i]), w, y_of(0) - y_of(*values[i]), SettingColor(settings[i]),
                     absl::StrCat(name, ": ", shown));
      svg += SvgText(x + w / 2, y_of(*values[i]) - 4, shown);
    } else {
      svg += SvgText(x + w / 2, y_of(0) - 4, "none finished");
    }
    if (i < intervals.size() && intervals[i]) {
      const double cx = x + w / 2;
      svg += SvgLine(cx, y_of(intervals[i]->low), cx, y_of(intervals[i]->high));
      svg += SvgLine(cx - 6, y_of(intervals[i]->low), cx + 6, y_of(intervals[i]->low));
      svg += SvgLine(cx - 6, y_of(intervals[i]->high), cx + 6, y_of(intervals[i]->high));
    }
    svg += SvgText(x + w / 2, height - bottom + 18, name);
  }
  svg += SvgLine(left, y_of(0), width - 10, y_of(0));
  return svg + "</svg>\n";
}

// Horizontal grouped bars: pass rate of each setting within each repository.
std::string RepoBars(const Summary& s) {
  const std::vector<Setting> built = BuiltSettings(s);
  const int bar = 9, gap = 10, left = 230, width = 640;
  const int plot_w = width - left - 60;
  const int per_repo = bar * static_cast<int>(built.size());
  int height = 30;
  height += static_cast<int>(s.repos.size()) * (per_repo + gap);
  std::string svg = SvgOpen(width, height + 20, "Pass rate per setting per repository");
  double y = 10;
  for (int i = 0; i <= 4; ++i) {
    const double x = left + plot_w * i / 4.0;
    svg += SvgLine(x, 5, x, height - 15, "#ddd");
    svg += SvgText(x, height, absl::StrFormat("%d%%", i * 25));
  }
  for (const auto& [repo, groups] : s.repos) {
    svg += SvgText(left - 8, y + per_repo / 2.0 + 4, repo, "end");
    for (Setting st : built) {
      auto it = groups.find(st);
      if (it != groups.end() && it->second.pass_rate) {
        const double w = plot_w * *it->second.pass_rate;
        svg += SvgRect(
            left, y, w, bar - 1, SettingColor(st),
            absl::StrFormat("%s %s: %s of %d finished", repo, SettingName(st),
                            Percent(it->second.pass_rate), it->second.pass + it->second.fail));
        svg += SvgText(left + w + 4, y + bar - 1, Percent(it->second.pass_rate), "start",
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
  const std::vector<Setting> built = BuiltSettings(s);
  const int width = 640, left = 110, bar = 28, plot_w = width - left - 20;
  const int height = static_cast<int>(built.size()) * (bar + 14) + 50;
  std::string svg = SvgOpen(width, height, "Outcome breakdown per setting");
  double y = 10;
  for (Setting st : built) {
    const GroupStats& g = s.settings.at(st);
    svg += SvgText(left - 8, y + bar / 2.0 + 4, SettingName(st), "end");
    double x = left;
    for (const Outcome& o : kOutcomes) {
      const long long n = g.*(o.count);
      if (g.pairs == 0 || n == 0) continue;
      const double w = plot_w * static_cast<double>(n) / static_cast<double>(g.pairs);
      svg +=
          SvgRect(x, y, w, bar, o.color, absl::StrFormat("%s %s: %d", SettingName(st), o.name, n));
      if (w > 22) svg += SvgText(x + w / 2, y + bar / 2.0 + 4, absl::StrCat(n));
      x += w;
    }
    if (g.pairs == 0) svg += SvgText(left + 4, y + bar / 2.0 + 4, "no pairs", "start");
    y += bar + 14;
  }
  double lx = left;
  for (const Outcome& o : kOutcomes) {
    svg += SvgRect(lx, y + 4, 12, 12, o.color, o.name);
    svg += SvgText(lx + 16, y + 14, o.name, "start");
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

void WriteIntro(const Summary& s, const HtmlIndex& index, std::ostream& os) {
  os << "<h1>" << HtmlEscape(index.title) << "</h1>\n<p class=\"note\">" << s.records
     << " records from " << HtmlEscape(index.source)
     << ". Pass rate = pass / (pass + fail): infra errors are excluded. "
     << "Cost counts every attempt whose cost is known. Intervals are 95% Wilson score "
        "intervals (gaps: "
     << HtmlEscape(kGapMethod) << ").";
  if (index.rows != nullptr && !index.pairs_href.empty())
    os << " Every pair has a page of its own (patches, test output, merge, messages): "
          "<a href=\"#pairs\">the pairs</a>.";
  os << "</p>\n";
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

// The settings table (settings in the build) and, under it, the usage notes of the text report.
void WriteSettingsTable(const Summary& s, absl::string_view heading, std::ostream& os) {
  os << "<h2>" << HtmlEscape(heading)
     << "</h2>\n<table>\n<tr><th>setting</th><th>pairs</th><th>done</th><th>pass</th>"
        "<th>fail</th><th>infra_error</th><th>pending</th><th>pass rate</th><th>95% CI</th>"
        "<th>of which agent 1 alone</th><th>cost USD</th><th>cost unknown (attempts)</th>"
        "<th>tokens in</th><th>tokens out</th><th>median s</th><th>p90 s</th>"
        "<th>mean attempts</th></tr>\n";
  for (Setting st : BuiltSettings(s)) os << SettingRow(st, s.settings.at(st));
  os << "</table>\n";
  std::ostringstream notes;
  WriteUsageNotes(s, notes);
  for (absl::string_view line : absl::StrSplit(notes.str(), '\n', absl::SkipEmpty()))
    os << "<p class=\"note\">" << HtmlEscape(line) << "</p>\n";
}

void Figure(absl::string_view caption, const std::string& svg, std::ostream& os) {
  os << "<figure><figcaption>" << HtmlEscape(caption) << "</figcaption>\n" << svg << "</figure>\n";
}

// The four charts of one model: pass rate, outcomes and cost per setting, pass rate per repository.
void WriteCharts(const Summary& s, std::ostream& os) {
  const std::vector<Setting> settings = BuiltSettings(s);
  if (settings.empty()) return;
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
  Figure("Pass rate per setting (95% interval)",
         VerticalBars("Pass rate per setting with 95% intervals", settings, rates, cis, 1.0, true),
         os);
  Figure("Outcomes per setting", OutcomeBars(s), os);
  Figure("Cost per setting (USD, all attempts whose cost is known)",
         VerticalBars("Cost per setting in USD", settings, costs, {},
                      max_cost > 0 ? max_cost * 1.15 : 1.0, false),
         os);
  os << "<figure><figcaption>Pass rate per setting per repository</figcaption>\n";
  for (Setting st : settings)
    os << "<span style=\"color:" << SettingColor(st) << "\">&#9632;</span> "
       << HtmlEscape(SettingName(st)) << " &nbsp; ";
  os << "\n" << RepoBars(s) << "</figure>\n";
}

// The figures across models (one model: its gaps, difficulty, messages and merges).
void WriteModelFigures(const Summary& s, const std::vector<RecordRow>* rows, std::ostream& os) {
  if (s.several_models()) {
    const RateFigure rates = PassRateByModel(s);
    if (!rates.empty())
      Figure("Pass rate per model and setting (95% Wilson interval)",
             GroupedRateBars("Pass rate per model and setting", rates.series, rates.groups), os);
  }
  const std::vector<ForestRow> gaps = GapForestRows(s);
  if (!gaps.empty())
    Figure(
        "Coordination gap: solo minus coop pass rate, on the pairs finished in both (95% "
        "interval)",
        ForestPlot("Coordination gap per model and coop setting", gaps), os);
  if (rows == nullptr) return;
  const struct {
    RateFigure fig;
    const char* caption;
    const char* label;
  } figures[] = {
      {CoopByDifficulty(s, *rows),
       "Coop pass rate by solo difficulty (tasks bucketed by the share of their pairs solo "
       "solved; tasks solo never finished are left out)",
       "Coop pass rate by solo difficulty"},
      {OutcomeByMessages(s, *rows), "coop-comm pass rate by messages sent (result.json)",
       "coop-comm pass rate by messages sent"},
      {MergeConflictRate(s, *rows),
       "Merge-conflict rate: merge status conflicts or error, among coop records with a merge "
       "status",
       "Merge-conflict rate per model and coop setting"}};
  for (const auto& f : figures)
    if (!f.fig.empty()) Figure(f.caption, GroupedRateBars(f.label, f.fig.series, f.fig.groups), os);
}

void WriteGapTable(const Summary& s, std::ostream& os) {
  os << "<table>\n<tr><th>coop setting</th><th>pairs</th><th>solo</th><th>coop</th>"
        "<th>gap (points)</th><th>95% CI</th></tr>\n";
  for (const Gap& g : s.gaps) {
    if (!s.built.empty() && (!s.built.count(g.coop) || !s.built.count(Setting::kSolo))) continue;
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

// "dspy_task/8394 [3,4]", a link to the pair's page when there are pages.
std::string PairCell(const PairId& p, const HtmlIndex& index) {
  const std::string text =
      absl::StrFormat("%s/%d [%d,%d]", p.repo, p.task_id, p.feature_a, p.feature_b);
  if (index.rows == nullptr || index.pairs_href.empty()) return Cell(text);
  return absl::StrCat("<td><a href=\"",
                      HtmlEscape(absl::StrCat(index.pairs_href, PairPageFileName(p))), "\">",
                      HtmlEscape(text), "</a></td>");
}

// Tasks, then pairs, hardest first.
void WriteDifficultyTables(const Summary& s, const HtmlIndex& index, std::ostream& os) {
  os << "<h2>Difficulty from solo (hardest first)</h2>\n<table>\n<tr><th>task</th><th>solved "
        "solo</th><th>finished solo</th><th>share</th></tr>\n";
  for (const TaskDifficulty& t : s.tasks)
    os << "<tr>" << Cell(absl::StrCat(t.repo, "/", t.task_id)) << Cell(absl::StrCat(t.solved))
       << Cell(absl::StrCat(t.finished)) << Cell(Percent(t.solved_share)) << "</tr>\n";
  const std::vector<Setting> built = BuiltSettings(s);
  os << "</table>\n<table>\n<tr><th>pair</th>";
  for (Setting st : built) os << "<th>" << SettingName(st) << "</th>";
  os << "</tr>\n";
  for (const PairDifficulty& d : s.pairs) {
    os << "<tr>" << PairCell(d.pair, index);
    for (Setting st : built) {
      auto it = d.coop.find(st);
      os << Cell(st == Setting::kSolo ? TagName(d.solo)
                 : it == d.coop.end() ? absl::string_view("-")
                                      : TagName(it->second));
    }
    os << "</tr>\n";
  }
  os << "</table>\n";
}

// Every pair with a record, linked to its page, with each record's tag per setting.
void WritePairList(const Summary& s, const HtmlIndex& index, std::ostream& os) {
  if (index.rows == nullptr || index.pairs_href.empty()) return;
  std::map<PairId, std::map<Setting, std::vector<const RecordRow*>>> pairs;
  std::set<Setting> settings;
  for (const RecordRow& r : *index.rows) {
    pairs[r.pair][r.setting].push_back(&r);
    settings.insert(r.setting);
  }
  os << "<h2 id=\"pairs\">Pairs</h2>\n<p class=\"note\">" << pairs.size()
     << " pairs with records; each links to its page.</p>\n<table>\n<tr><th>pair</th>";
  for (Setting st : settings) os << "<th>" << SettingName(st) << "</th>";
  os << "</tr>\n";
  for (const auto& [pair, by_setting] : pairs) {
    os << "<tr>" << PairCell(pair, index);
    for (Setting st : settings) {
      auto it = by_setting.find(st);
      std::vector<std::string> tags;
      if (it != by_setting.end())
        for (const RecordRow* r : it->second)
          tags.push_back(s.several_models()
                             ? absl::StrCat(RunPrefixOf(r->run_name), ": ", TagName(r->tag))
                             : std::string(TagName(r->tag)));
      os << Cell(tags.empty() ? "-" : absl::StrJoin(tags, ", "));
    }
    os << "</tr>\n";
  }
  os << "</table>\n";
}

// Every two models, on the pairs both ran: pass rates per setting, and gaps.
void WriteComparisons(const Summary& s, std::ostream& os) {
  if (s.comparisons.empty()) return;
  os << "<h2>Model comparisons</h2>\n<p class=\"note\">" << HtmlEscape(kModelDifferenceMethodWhy)
     << ". " << HtmlEscape(kGapDifferenceMethodWhy)
     << ".</p>\n<table>\n<tr><th>A</th><th>B</th><th>what</th><th>pairs</th><th>A</th><th>B</th>"
        "<th>A - B (points)</th><th>95% CI</th></tr>\n";
  auto ci = [](const Interval& i) { return absl::StrCat(Points(i.low), " to ", Points(i.high)); };
  for (const ModelComparison& c : s.comparisons) {
    const std::string a = Cell(s.models[c.a].label), b = Cell(s.models[c.b].label);
    for (const SettingComparison& sc : c.settings) {
      os << "<tr>" << a << b << Cell(absl::StrCat(SettingName(sc.setting), " pass rate"))
         << Cell(absl::StrCat(sc.table.n()));
      if (sc.result)
        os << Cell(Percent(sc.result->x_rate)) << Cell(Percent(sc.result->y_rate))
           << Cell(Points(sc.result->difference)) << Cell(ci(sc.result->ci));
      else
        os << Cell("-") << Cell("-") << Cell("-") << Cell("-");
      os << "</tr>\n";
    }
    for (const GapComparison& g : c.gaps) {
      os << "<tr>" << a << b << Cell(absl::StrCat(SettingName(g.coop), " gap"))
         << Cell(absl::StrCat(g.pairs)) << Cell(g.a_gap ? Points(*g.a_gap) : "-")
         << Cell(g.b_gap ? Points(*g.b_gap) : "-") << Cell(g.result ? Points(g.result->mean) : "-")
         << Cell(g.result ? ci(g.result->ci) : "-") << "</tr>\n";
    }
  }
  os << "</table>\n";
}

// One model: the page as before issue 17, with the new figures and links.
void WriteOneModel(const Summary& s, const HtmlIndex& index, std::ostream& os) {
  WriteSettingsTable(s, "Settings", os);
  WriteCharts(s, os);
  WriteModelFigures(s, index.rows, os);
  os << "<h2>Coordination gap</h2>\n<p class=\"note\">Solo pass rate minus coop pass rate, on the "
        "pairs finished (pass or fail) in both. 95% CI: "
     << HtmlEscape(kGapMethod) << ".</p>\n";
  WriteGapTable(s, os);
  WriteReasonsTable(s, os);
  WriteDifficultyTables(s, index, os);
}

// Several models: each one's table and gaps, the figures across them, their comparisons.
void WriteSeveralModels(const Summary& s, const HtmlIndex& index, std::ostream& os) {
  os << "<p class=\"note\">" << s.models.size()
     << " models (run groups), each summarized on its own records; nothing is pooled across "
        "them.</p>\n";
  WriteModelFigures(s, index.rows, os);
  for (const ModelGroup& m : s.models) {
    WriteSettingsTable(m.summary, absl::StrCat("Model ", m.label), os);
    os << "<p class=\"note\">Coordination gap of " << HtmlEscape(m.label)
       << " (solo minus coop, pairs finished in both):</p>\n";
    WriteGapTable(m.summary, os);
  }
  WriteComparisons(s, os);
}

}  // namespace

void WriteReportHtml(const Summary& s, const HtmlIndex& index, std::ostream& os) {
  os << HtmlHead(index.title);
  WriteIntro(s, index, os);
  if (s.several_models())
    WriteSeveralModels(s, index, os);
  else
    WriteOneModel(s, index, os);
  WritePairList(s, index, os);
  os << "</body>\n</html>\n";
}

void WriteReportHtml(const Summary& s, const std::string& title, const std::string& source,
                     std::ostream& os) {
  WriteReportHtml(s, HtmlIndex{title, source, nullptr, ""}, os);
}

}  // namespace cb
