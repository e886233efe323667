// What `cbgen report` says, computed from records and the plan. Pure: no I/O,
// no formatting; report_text, report_html and the JSON writer render it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "common/naming.h"
#include "common/setting.h"
#include "generator/report_data.h"
#include "generator/report_stats.h"

namespace cb {

// Counts and costs of one group of (setting, pair)s: a setting, or a setting
// within one repository.
struct GroupStats {
  long long pairs = 0;     // planned or recorded
  long long done = 0;      // recorded
  long long pass = 0, fail = 0, infra_error = 0;
  long long pending = 0;   // planned, not recorded
  std::optional<double> pass_rate;    // pass / (pass + fail): infra errors excluded
  std::optional<Interval> pass_rate_ci;  // Wilson 95%
  double cost_usd = 0;     // all attempts of all records
  long long input_tokens = 0, output_tokens = 0;
  std::optional<double> median_duration_s, p90_duration_s;
  std::optional<double> mean_attempts;
};

// Solo minus one coop setting, on the pairs finished (pass or fail) in both.
struct Gap {
  Setting coop = Setting::kCoopComm;
  PairedTable table;                      // X = solo, Y = coop
  std::optional<PairedDifference> result;  // nullopt with no common pairs
};

struct PairDifficulty {
  PairId pair;
  std::string solo;  // tag of the solo record ("" when none)
  std::map<Setting, std::string> coop;  // tags of the coop records
};

struct TaskDifficulty {
  std::string repo;
  long long task_id = 0;
  long long solved = 0;    // solo passes
  long long finished = 0;  // solo pass + fail
  double solved_share = 0;
};

struct Summary {
  bool plan_known = false;          // a build.ninja was read
  long long records = 0;
  std::map<Setting, GroupStats> settings;                       // all three, always
  std::map<std::string, std::map<Setting, GroupStats>> repos;   // only settings with pairs
  std::vector<Gap> gaps;                                        // coop-comm, coop-nocomm
  std::vector<PairDifficulty> pairs;                            // hardest first
  std::vector<TaskDifficulty> tasks;                            // hardest first
  std::map<Setting, std::map<std::string, long long>> reasons;  // non-pass records by reason
  double total_cost_usd = 0;
};

// `planned` is nullopt when there is no build.ninja: every pair then counts as done.
Summary Summarize(const std::vector<RecordRow>& rows,
                  const std::optional<std::vector<PlannedRun>>& planned);

// The JSON form: {"settings": {"solo": {"pairs", "done", "pass", "fail",
// "infra_error", "pending", "pass_rate", "cost_usd", ...}, ...}, "repos", "gap",
// "difficulty", "reasons", ...}.
boost::json::object SummaryToJson(const Summary& s);

}  // namespace cb
