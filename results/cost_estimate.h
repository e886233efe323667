// An estimate for the attempts whose cost is unknown (killed before upstream
// reported: a timeout, a crash, an OOM kill). Pure: records in, numbers out.
// `cbgen report`, `cbgen status` and cbrun's --budget-warn all use this one
// estimate, so they always agree.
//
// Basis: for each (model, setting), the median known cost per agent-second
// over the agent attempts of that model and setting with a known cost > 0
// and a duration > 0. An unknown attempt is estimated at its own duration
// times that rate. With no such attempt there is no basis: the estimate is
// unknown (never $0).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/setting.h"
#include "results/report_data.h"

namespace cb {

using CostBasisKey = std::pair<std::string, Setting>;  // model, setting

struct CostBasis {
  double usd_per_agent_second = 0;  // the median
  long long samples = 0;            // agent attempts it rests on
};
using CostBases = std::map<CostBasisKey, CostBasis>;

// The bases of every (model, setting) the records give one for.
CostBases BuildCostBases(const std::vector<RecordRow>& rows);

// Known spend, unknown attempts and their estimate, over some records.
struct CostEstimate {
  double known_usd = 0;
  long long unknown_attempts = 0;             // the records' cost_unknown_attempts
  long long estimated_attempts = 0;           // of those, the ones with a basis and a duration
  double estimated_usd = 0;                   // their estimate
  std::map<CostBasisKey, long long> used;     // unknown attempts per basis used
  std::map<CostBasisKey, long long> missing;  // unknown attempts with no basis
  // The estimate of all unknown attempts: 0 when there are none, nullopt
  // when some have no basis (the estimate is then unknown).
  std::optional<double> estimate_usd() const;
  void Add(const RecordRow& r, const CostBases& bases);
};

CostEstimate EstimateCost(const std::vector<RecordRow>& rows, const CostBases& bases);

// One line saying what the estimate rests on, for every renderer, e.g.
// "median known cost per agent-second: command-a/solo $0.0012/s over 14
// attempts; no basis for command-a/coop-comm (2 attempts)".
std::string DescribeBasis(const CostEstimate& e, const CostBases& bases);

// "$1.23", or "unknown" when some unknown attempt has no basis.
std::string FormatEstimate(const CostEstimate& e);

inline constexpr char kEstimateMethod[] =
    "an estimate, not a measurement: each attempt of unknown cost (killed before upstream "
    "reported: a timeout, a crash, an OOM kill) at its duration times the median known cost per "
    "agent-second of the agent attempts of the same model and setting; unknown where there is no "
    "such attempt";

}  // namespace cb
