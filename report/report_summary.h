// What `cbgen report` says, computed from records and the plan. Pure: no I/O,
// no formatting; report_text, report_html and the JSON writer render it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common/naming.h"
#include "common/reason.h"
#include "common/setting.h"
#include "common/tag.h"
#include "report/cost_estimate.h"
#include "report/report_data.h"
#include "report/report_stats.h"

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
};

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

// `planned` is nullopt when there is no build.ninja: every pair then counts as done.
Summary Summarize(const std::vector<RecordRow>& rows,
                  const std::optional<std::vector<PlannedRun>>& planned);

// The JSON form: {"settings": {"solo": {"pairs", "done", "pass", "fail",
// "infra_error", "pending", "pass_rate", "cost_usd", ...}, ...}, "repos", "gap",
// "difficulty", "reasons", ...}.
boost::json::object SummaryToJson(const Summary& s);

}  // namespace cb
