// What `cbgen report` says, computed from records and the plan. Pure: no I/O,
// no formatting; report_text, report_html and the JSON writer render it.
//
// Several models in one OUT (issue 17): records are grouped by run group (the
// run prefix: run name minus its setting suffix), each group is summarized on
// its own records alone (a Summary of its own), and groups are compared on the
// pairs both ran. Nothing is ever pooled across groups.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/naming.h"
#include "core/reason.h"
#include "core/setting.h"
#include "core/tag.h"
#include "results/cost_estimate.h"
#include "results/report_data.h"
#include "results/report_stats.h"

namespace cb {

// Counts and costs of one group of (setting, pair)s: a setting, or a setting
// within one repository.
struct GroupStats {
  long long pairs = 0;  // planned or recorded
  long long done = 0;   // recorded
  long long pass = 0, fail = 0, infra_error = 0;
  long long pending = 0;                 // planned, not recorded
  std::optional<double> pass_rate;       // pass / (pass + fail): infra errors excluded
  std::optional<Interval> pass_rate_ci;  // Wilson 95%
  double cost_usd = 0;                   // all attempts of all records whose cost is known
  long long cost_unknown_attempts = 0;   // cost unknown: left out of cost_usd
  CostEstimate cost_estimate;            // known spend, unknown attempts and their estimate
  long long agent_attempts = 0, eval_attempts = 0;
  // Sums over the records with known counts; nullopt when the group has
  // records and none of them has known counts (shown as "n/a").
  std::optional<long long> input_tokens = 0, output_tokens = 0;
  long long tokens_unknown_attempts = 0;  // attempts left out of the sums
  // Coop settings: passes whose merge.strategy is "solo-agent1" (upstream
  // 0.0.16+: after a merge conflict the first agent's patch alone passed both
  // suites). nullopt for solo.
  std::optional<long long> pass_agent1_alone;
  std::optional<double> median_duration_s, p90_duration_s;
  std::optional<double> mean_attempts;
};

// Solo minus one coop setting, on the pairs finished (pass or fail) in both.
struct Gap {
  Setting coop = Setting::kCoopComm;
  PairedTable table;                       // X = solo, Y = coop
  std::optional<PairedDifference> result;  // nullopt with no common pairs
};

// A pair solo finished: only those are ranked.
struct PairDifficulty {
  PairId pair;
  Tag solo = Tag::kFail;        // pass or fail
  std::map<Setting, Tag> coop;  // tags of the coop records there are
};

struct TaskDifficulty {
  std::string repo;
  long long task_id = 0;
  long long solved = 0;    // solo passes
  long long finished = 0;  // solo pass + fail
  double solved_share = 0;
};

// Reasons in the order of their words, as every renderer lists them.
struct ByReasonName {
  bool operator()(Reason a, Reason b) const { return ReasonName(a) < ReasonName(b); }
};
using ReasonCounts = std::map<Reason, long long, ByReasonName>;

struct ModelGroup;
struct ModelComparison;

// The whole report. One run group (one model: every build before issue 17):
// the fields below are that group's, exactly as before, and `models` holds it
// once more with its label. Several run groups: the per-setting fields below
// (settings, repos, gaps, pairs, tasks, reasons, totals, cost_bases,
// releases) are EMPTY, never pooled: read `models` and `comparisons`.
struct Summary {
  bool plan_known = false;  // a build.ninja was read
  long long records = 0;
  std::map<Setting, GroupStats> settings;                      // all three, always
  std::map<std::string, std::map<Setting, GroupStats>> repos;  // only settings with pairs
  std::vector<Gap> gaps;                                       // coop-comm, coop-nocomm
  std::vector<PairDifficulty> pairs;                           // hardest first
  std::vector<TaskDifficulty> tasks;                           // hardest first
  std::map<Setting, ReasonCounts> reasons;                     // non-pass records by reason
  double total_cost_usd = 0;
  long long total_cost_unknown_attempts = 0;
  CostBases cost_bases;  // per (model, setting), from every record
  CostEstimate total_cost_estimate;
  // The cooperbench releases the records and their attempts name, sorted;
  // more than one: OUT mixes releases.
  std::vector<std::string> releases;
  long long total_tokens_unknown_attempts = 0;
  // Settings in the build: planned, or with a record. Renderers show rows for
  // these only (all three stay in `settings`, zero when not built).
  std::set<Setting> built;
  // One per run group, sorted by label; none in a summary SummarizeRunGroup made.
  std::vector<ModelGroup> models;
  std::vector<ModelComparison> comparisons;  // every two groups; none for one group
  bool several_models() const;  // defined below ModelGroup (a complete type there)
};

// Spend of one model x setting per pair it solved: known cost plus the
// estimate for attempts of unknown cost, over ALL the setting's records (pass,
// fail and infra_error alike), divided by its passes.
struct CostPerSolved {
  long long solved = 0;             // passes
  std::optional<double> spend_usd;  // known + estimate; nullopt: some unknown attempt has no basis
  std::optional<double> usd;        // spend / solved; nullopt: spend unknown, or nothing solved
};

// One run group: the records (and planned runs) of one run prefix.
struct ModelGroup {
  std::string run_prefix;  // "command-a" (run names command-a-solo, ...); "" for bare names
  std::string model;       // the plan's, else the records'; "" when neither names one
  // What reports call it (unique): the model; "MODEL (PREFIX)" when two groups
  // share a model; "PREFIX (model unknown)" when no plan or record names one.
  std::string label;
  Summary summary;  // what a one-model report says, on this group's records alone
  std::map<Setting, CostPerSolved> cost_per_solved;  // settings in summary.built
  // The group's finished records (pass or fail) by (setting, pair): what the
  // comparisons pair up.
  std::map<std::pair<Setting, PairId>, Tag> finished;
};

// Two groups' pass rates in one setting, on the pairs both finished (pass or
// fail): X = A, Y = B in the table, difference A - B (Newcombe method 10).
struct SettingComparison {
  Setting setting = Setting::kSolo;
  PairedTable table;
  std::optional<PairedDifference> result;  // nullopt with no common pairs
};

// Two groups' coordination gaps for one coop setting, on the pairs where all
// four records (A solo, A coop, B solo, B coop) finished: per pair
// d = (A_solo - A_coop) - (B_solo - B_coop), in -2..2 (1 = pass).
struct GapComparison {
  Setting coop = Setting::kCoopComm;
  long long pairs = 0;
  std::map<int, long long> d_counts;   // d -> pairs, only the d that occur
  std::optional<double> a_gap, b_gap;  // each group's gap on those pairs; nullopt with none
  // Mean d with its paired t 95% interval, cut to -2..2; nullopt under 2 pairs.
  std::optional<MeanDifference> result;
};

// Group `a` minus group `b` (indexes into Summary::models, a < b).
struct ModelComparison {
  size_t a = 0, b = 0;
  std::vector<SettingComparison> settings;  // settings both groups built
  std::vector<GapComparison> gaps;          // coop settings both built along with solo
};

inline bool Summary::several_models() const { return models.size() > 1; }

// One line each, for every renderer: why a cost is unknown and what to do,
// what "n/a" tokens mean, and what the agent-1-alone count is.
inline constexpr char kCostUnknownWhy[] =
    "they were killed before upstream reported (a timeout, a crash, an OOM kill), or took steps "
    "but reported $0, as upstream does when litellm has no price for the model (register one: "
    "LITELLM_MODEL_REGISTRY_PATH names a litellm model-price JSON file)";
inline constexpr char kTokensUnknownWhy[] =
    "the agent reported no token counts (mini_swe_agent_v2 never fills them); n/a means none "
    "known";
inline constexpr char kAgent1AloneWhy[] =
    "the merge of the two patches conflicted and upstream (0.0.16+) passed the pair on the first "
    "agent's patch alone";

// Which interval each number has and why that one: one line each, for every
// renderer (the method names are report_stats.h's).
inline constexpr char kPassRateMethodWhy[] =
    "pass rate: Wilson score interval, 95%: it stays within 0-100% and keeps its coverage with "
    "few pairs and rates near 0 or 1";
inline constexpr char kGapMethodWhy[] =
    "gap (solo minus coop): Newcombe method 10, 95%: both rates come from the same pairs, so "
    "the outcomes are paired, and method 10 uses their correlation";
inline constexpr char kModelDifferenceMethodWhy[] =
    "difference of two models' pass rates: Newcombe method 10, 95%: on the pairs both models "
    "finished, so the outcomes are paired";
inline constexpr char kGapDifferenceMethodWhy[] =
    "difference of two models' gaps: paired Student t, 95%: each pair's (A solo - A coop) - "
    "(B solo - B coop) is -2..2, not a pass/fail, so its mean gets Student's t interval";
inline constexpr char kCostPerSolvedDefinition[] =
    "cost per solved pair: known cost plus the estimate for attempts of unknown cost, over all "
    "the setting's records (pass, fail and infra_error), divided by its passes; unknown when an "
    "attempt of unknown cost has no basis, - when nothing passed";

// Every run group of `rows` and `planned` (results/report_models.h), each
// summarized alone, and their comparisons. `planned` is nullopt when there is
// no build.ninja: every pair then counts as done.
Summary Summarize(const std::vector<RecordRow>& rows,
                  const std::optional<std::vector<PlannedRun>>& planned);

// One run group's summary (all of `rows` and `planned` belong to it): no
// `models`, no `comparisons`.
Summary SummarizeRunGroup(const std::vector<RecordRow>& rows,
                          const std::optional<std::vector<PlannedRun>>& planned);

// The JSON form. One group: {"settings": {"solo": {"pairs", "done", "pass",
// "fail", "infra_error", "pending", "pass_rate", "cost_usd", ...}, ...},
// "repos", "gap", "difficulty", "reasons", ...} as always, plus "models",
// "comparisons" and "methods". Several groups: definitions, "methods",
// "models" and "comparisons" only (results/report_models.h), no pooled numbers.
boost::json::object SummaryToJson(const Summary& s);

// The one-group JSON form above without "methods", "models", "comparisons".
boost::json::object RunGroupToJson(const Summary& s);

}  // namespace cb
