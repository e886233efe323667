#include "results/report_text.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "results/report_models.h"

namespace cb {

std::string Percent(std::optional<double> rate) {
  return rate ? absl::StrFormat("%.1f%%", *rate * 100) : "-";
}

std::string Points(double difference) {
  double points = difference * 100;
  if (std::fabs(points) < 0.05) points = 0;
  return absl::StrFormat("%+.1f", points);
}

std::string ShortCount(long long n) {
  if (n >= 1000000) return absl::StrFormat("%.2fM", static_cast<double>(n) / 1e6);
  if (n >= 10000) return absl::StrFormat("%.1fk", static_cast<double>(n) / 1e3);
  return absl::StrCat(n);
}

namespace {

std::string Seconds(std::optional<double> s) {
  return s ? absl::StrFormat("%.1f", *s) : "-";
}

std::string Tokens(const std::optional<long long>& n) {
  return n ? ShortCount(*n) : "n/a";
}

// "12k/3k"; "n/a" when neither count is known (never "n/a/n/a").
std::string TokensInOut(const GroupStats& g) {
  if (!g.input_tokens && !g.output_tokens) return "n/a";
  return absl::StrCat(Tokens(g.input_tokens), "/", Tokens(g.output_tokens));
}

std::string RateWithCi(const GroupStats& g) {
  if (!g.pass_rate) return "-";
  return absl::StrFormat("%s (%.1f-%.1f)", Percent(g.pass_rate), g.pass_rate_ci->low * 100,
                         g.pass_rate_ci->high * 100);
}

void Header(std::ostream& os, absl::string_view first, int width) {
  os << absl::StrFormat("%-*s %6s %6s %6s %6s %6s %8s  %-20s %10s %15s %9s %8s %8s\n", width, first,
                        "pairs", "done", "pass", "fail", "infra", "pending", "pass rate (95% CI)",
                        "cost USD", "tokens in/out", "median s", "p90 s", "attempts");
}

void Row(std::ostream& os, absl::string_view first, int width, const GroupStats& g) {
  os << absl::StrFormat("%-*s %6d %6d %6d %6d %6d %8d  %-20s %10.2f %15s %9s %8s %8s\n", width,
                        first, g.pairs, g.done, g.pass, g.fail, g.infra_error, g.pending,
                        RateWithCi(g), g.cost_usd,
                        TokensInOut(g),
                        Seconds(g.median_duration_s), Seconds(g.p90_duration_s),
                        g.mean_attempts ? absl::StrFormat("%.2f", *g.mean_attempts) : "-");
}

std::string PairName(const PairId& p) {
  return absl::StrFormat("%s/%d [%d,%d]", p.repo, p.task_id, p.feature_a, p.feature_b);
}

// "solo 3, coop-comm 2" over the settings where `count` is not 0.
std::string PerSetting(const Summary& s, long long GroupStats::*count) {
  std::string out;
  for (const auto& [st, g] : s.settings)
    if (g.*count != 0)
      absl::StrAppend(&out, out.empty() ? "" : ", ", SettingName(st), " ", g.*count);
  return out;
}

}  // namespace

void WriteUsageNotes(const Summary& s, std::ostream& os) {
  if (s.total_cost_unknown_attempts > 0)
    os << absl::StrFormat("Cost unknown for %d attempt%s (%s), left out of the costs above: %s.\n",
                          s.total_cost_unknown_attempts,
                          s.total_cost_unknown_attempts == 1 ? "" : "s",
                          PerSetting(s, &GroupStats::cost_unknown_attempts), kCostUnknownWhy);
  if (s.total_cost_unknown_attempts > 0) {
    std::string per_setting;
    for (const auto& [st, g] : s.settings)
      if (g.cost_unknown_attempts > 0)
        absl::StrAppend(&per_setting, per_setting.empty() ? "" : ", ", SettingName(st), " ",
                        FormatEstimate(g.cost_estimate));
    os << absl::StrFormat(
        "Estimated cost of those attempts: %s (%s), ESTIMATE, known spend $%.2f + estimate = %s; "
        "basis: %s; %s.\n",
        FormatEstimate(s.total_cost_estimate), per_setting, s.total_cost_estimate.known_usd,
        s.total_cost_estimate.estimate_usd()
            ? absl::StrFormat(
                  "$%.2f", s.total_cost_estimate.known_usd + *s.total_cost_estimate.estimate_usd())
            : std::string("unknown"),
        DescribeBasis(s.total_cost_estimate, s.cost_bases), kEstimateMethod);
  }
  if (s.releases.size() > 1)
    os << absl::StrFormat(
        "Mixed cooperbench releases: the records and attempts under OUT name %s; results from "
        "different releases may not be comparable (grading changed in 0.0.23).\n",
        absl::StrJoin(s.releases, ", "));
  if (s.total_tokens_unknown_attempts > 0)
    os << absl::StrFormat("Tokens unknown for %d attempt%s (%s), left out of the sums above: %s.\n",
                          s.total_tokens_unknown_attempts,
                          s.total_tokens_unknown_attempts == 1 ? "" : "s",
                          PerSetting(s, &GroupStats::tokens_unknown_attempts), kTokensUnknownWhy);
  for (const auto& [st, g] : s.settings) {
    if (!g.pass_agent1_alone || g.done == 0) continue;
    os << absl::StrFormat("%s: %d pass%s, of which %d through agent 1's patch alone (%s)\n",
                          SettingName(st), g.pass, g.pass == 1 ? "" : "es", *g.pass_agent1_alone,
                          kAgent1AloneWhy);
  }
}

namespace {

// The opening lines, the settings table and the usage notes under it.
void WriteSettingsSection(const Summary& s, const std::string& source, std::ostream& os) {
  os << "Results: " << s.records << " records in " << source << "\n";
  if (!s.plan_known) os << "(no build.ninja found: pairs total = pairs done, pending unknown)\n";
  os << "Pass rate = pass / (pass + fail): infra errors are excluded from it. "
        "Cost counts every attempt whose cost is known.\n\n";

  Header(os, "setting", 12);
  for (const auto& [st, g] : s.settings)
    if (s.built.count(st)) Row(os, SettingName(st), 12, g);
  os << absl::StrFormat("%-12s %6s %6s %6s %6s %6s %8s  %-20s %10.2f\n", "total", "", "", "", "",
                        "", "", "", s.total_cost_usd);
  WriteUsageNotes(s, os);
}

void WriteRepoTable(const Summary& s, std::ostream& os) {
  if (s.repos.empty()) return;
  size_t width = 24;
  for (const auto& [repo, groups] : s.repos) width = std::max(width, repo.size() + 13);
  os << "\nBy repository\n";
  Header(os, "repository / setting", static_cast<int>(width));
  for (const auto& [repo, groups] : s.repos)
    for (const auto& [st, g] : groups)
      Row(os, absl::StrCat(repo, " ", SettingName(st)), static_cast<int>(width), g);
}

void WriteGaps(const Summary& s, std::ostream& os) {
  // A build without a coop setting (solo only) has no gap: no header over nothing.
  const auto built = [&](const Gap& g) { return s.built.count(g.coop) > 0; };
  if (std::none_of(s.gaps.begin(), s.gaps.end(), built)) return;
  os << "\nCoordination gap: solo pass rate minus coop pass rate, on pairs finished in both\n"
     << "  95% CI: " << kGapMethod << "\n";
  for (const Gap& g : s.gaps) {
    if (!s.built.count(g.coop)) continue;
    if (!g.result) {
      os << absl::StrFormat("  %-12s no pairs finished in both solo and %s\n", SettingName(g.coop),
                            SettingName(g.coop));
      continue;
    }
    os << absl::StrFormat(
        "  %-12s gap %s points (95%% CI %s to %s) on %d pairs: solo %s, %s %s "
        "(both pass %d, solo only %d, coop only %d, neither %d)\n",
        SettingName(g.coop), Points(g.result->difference), Points(g.result->ci.low),
        Points(g.result->ci.high), g.table.n(), Percent(g.result->x_rate), SettingName(g.coop),
        Percent(g.result->y_rate), g.table.both, g.table.x_only, g.table.y_only, g.table.neither);
  }
}

// The pairs solo failed, hardest first, at most 30 of them.
void WriteUnsolvedPairs(const Summary& s, std::ostream& os) {
  long long unsolved = 0;
  for (const PairDifficulty& d : s.pairs) unsolved += d.solo == Tag::kFail;
  if (unsolved == 0) return;
  os << "  pairs solo did not solve (" << unsolved << "):\n";
  long long shown = 0;
  for (const PairDifficulty& d : s.pairs) {
    if (d.solo != Tag::kFail) continue;
    if (++shown > 30) {
      os << "    ... and " << unsolved - 30 << " more (see --json)\n";
      break;
    }
    os << "    " << PairName(d.pair);
    for (const auto& [st, tag] : d.coop) os << "  " << SettingName(st) << ": " << TagName(tag);
    os << "\n";
  }
}

void WriteDifficulty(const Summary& s, std::ostream& os) {
  os << "\nDifficulty from solo, hardest first\n";
  if (s.tasks.empty()) os << "  no solo pairs finished yet\n";
  for (const TaskDifficulty& t : s.tasks)
    os << absl::StrFormat("  %-40s solved %d of %d solo (%s)\n",
                          absl::StrCat(t.repo, "/", t.task_id), t.solved, t.finished,
                          Percent(t.solved_share));
  WriteUnsolvedPairs(s, os);
}

void WriteReasons(const Summary& s, std::ostream& os) {
  os << "\nFailure reasons (fail and infra_error records)\n";
  bool any = false;
  for (const auto& [st, reasons] : s.reasons) {
    for (const auto& [reason, n] : reasons) {
      os << absl::StrFormat("  %-12s %-20s %d\n", SettingName(st), ReasonName(reason), n);
      any = true;
    }
  }
  if (!any) os << "  none\n";
}

// "$0.68 ($2.03 over 3 passes)".
std::string CostPerSolvedText(const CostPerSolved& c) {
  if (!c.spend_usd) return "unknown (an attempt of unknown cost has no basis for an estimate)";
  if (!c.usd) return absl::StrFormat("- (no pass; $%.2f spent)", *c.spend_usd);
  return absl::StrFormat("$%.2f ($%.2f over %d pass%s)", *c.usd, *c.spend_usd, c.solved,
                         c.solved == 1 ? "" : "es");
}

// After what a one-model report always said: cost per solved pair, and which
// interval each number has and why.
void WriteCostPerSolvedAndMethods(const Summary& s, std::ostream& os) {
  os << "\nCost per solved pair\n  " << kCostPerSolvedDefinition << "\n";
  for (const auto& [st, g] : s.settings)
    if (s.built.count(st))
      os << absl::StrFormat("  %-12s %s\n", SettingName(st), CostPerSolvedText(CostPerSolvedOf(g)));
  os << "\nIntervals\n  " << kPassRateMethodWhy << "\n  " << kGapMethodWhy << "\n";
}

// The opening lines and one row per model x setting built.
void WriteModelsOverview(const Summary& s, const std::string& source, std::ostream& os) {
  os << "Results: " << s.records << " records in " << source << " from " << s.models.size()
     << " models (run groups), each reported on its own records: nothing is pooled\n";
  if (!s.plan_known) os << "(no build.ninja found: pairs total = pairs done, pending unknown)\n";
  os << "Pass rate = pass / (pass + fail): infra errors are excluded from it. Cost counts every "
        "attempt whose cost is known; estimate: of the attempts of unknown cost.\n\n";
  size_t width = 24;
  for (const ModelGroup& g : s.models) width = std::max(width, g.label.size() + 13);
  const int w = static_cast<int>(width);
  os << absl::StrFormat("%-*s %6s %6s %6s %6s %6s %8s  %-20s %10s %12s  %s\n", w, "model / setting",
                        "pairs", "done", "pass", "fail", "infra", "pending", "pass rate (95% CI)",
                        "cost USD", "estimate USD", "cost per solved pair");
  for (const ModelGroup& g : s.models)
    for (const auto& [st, c] : g.cost_per_solved) {
      const GroupStats& x = g.summary.settings.at(st);
      const std::optional<double> estimate = x.cost_estimate.estimate_usd();
      os << absl::StrFormat("%-*s %6d %6d %6d %6d %6d %8d  %-20s %10.2f %12s  %s\n", w,
                            absl::StrCat(g.label, " ", SettingName(st)), x.pairs, x.done, x.pass,
                            x.fail, x.infra_error, x.pending, RateWithCi(x), x.cost_usd,
                            estimate ? absl::StrFormat("%.2f", *estimate) : std::string("unknown"),
                            !c.spend_usd ? std::string("unknown")
                            : c.usd      ? absl::StrFormat("$%.2f", *c.usd)
                                         : "-");
    }
  os << "  " << kCostPerSolvedDefinition << "\n";
}

void WriteSettingComparison(const SettingComparison& c, std::ostream& os) {
  if (!c.result) {
    os << absl::StrFormat("    pass rate %-12s no pairs both finished\n", SettingName(c.setting));
    return;
  }
  os << absl::StrFormat(
      "    pass rate %-12s %s points (95%% CI %s to %s) on %d pairs: %s vs %s (both pass %d, A "
      "only %d, B only %d, neither %d)\n",
      SettingName(c.setting), Points(c.result->difference), Points(c.result->ci.low),
      Points(c.result->ci.high), c.table.n(), Percent(c.result->x_rate), Percent(c.result->y_rate),
      c.table.both, c.table.x_only, c.table.y_only, c.table.neither);
}

void WriteGapComparison(const GapComparison& c, std::ostream& os) {
  const std::string name(SettingName(c.coop));
  if (c.pairs == 0) {
    os << absl::StrFormat("    gap       %-12s no pairs with all four records finished\n", name);
    return;
  }
  std::vector<std::string> counts;
  for (const auto& [d, n] : c.d_counts)
    counts.push_back(d == 0 ? absl::StrFormat("%d: %d", d, n) : absl::StrFormat("%+d: %d", d, n));
  const std::string tail = absl::StrFormat("on %d pair%s: gap A %s, B %s (pairs per d: %s)",
                                           c.pairs, c.pairs == 1 ? "" : "s", Points(*c.a_gap),
                                           Points(*c.b_gap), absl::StrJoin(counts, ", "));
  if (!c.result) {
    os << absl::StrFormat("    gap       %-12s %s points, too few pairs for an interval, %s\n",
                          name, Points(*c.a_gap - *c.b_gap), tail);
    return;
  }
  os << absl::StrFormat(
      "    gap       %-12s %s points (95%% CI %s to %s, t %s, df %.0f) %s\n", name,
      Points(c.result->mean), Points(c.result->ci.low), Points(c.result->ci.high),
      c.result->t ? absl::StrFormat("%.2f", *c.result->t) : std::string("-"), c.result->df, tail);
}

// Every two models: A minus B, on the pairs both ran.
void WriteComparisons(const Summary& s, std::ostream& os) {
  os << "\nComparisons across models: A minus B, on the same pairs\n"
     << "  pass rate: per setting, on the pairs both finished (pass or fail); "
     << kModelDifferenceMethodWhy
     << "\n  gap: per coop setting, on the pairs where all four records finished, the mean of d = "
        "(A solo - A coop) - (B solo - B coop) = gap A - gap B; "
     << kGapDifferenceMethodWhy << "\n";
  for (const ModelComparison& c : s.comparisons) {
    os << "  A " << s.models[c.a].label << " minus B " << s.models[c.b].label << "\n";
    for (const SettingComparison& sc : c.settings) WriteSettingComparison(sc, os);
    for (const GapComparison& gc : c.gaps) WriteGapComparison(gc, os);
  }
}

// Today's report of one run group.
void WriteRunGroup(const Summary& s, const std::string& source, std::ostream& os) {
  WriteSettingsSection(s, source, os);
  WriteRepoTable(s, os);
  WriteGaps(s, os);
  WriteDifficulty(s, os);
  WriteReasons(s, os);
  WriteCostPerSolvedAndMethods(s, os);
}

}  // namespace

void WriteReportText(const Summary& s, const std::string& source, std::ostream& os) {
  if (!s.several_models()) return WriteRunGroup(s, source, os);
  WriteModelsOverview(s, source, os);
  for (const ModelGroup& g : s.models) {
    os << "\n==== " << g.label << " (run prefix " << (g.run_prefix.empty() ? "none" : g.run_prefix)
       << ") ====\n";
    WriteRunGroup(g.summary, source, os);
  }
  WriteComparisons(s, os);
}

}  // namespace cb
