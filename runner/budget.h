// --budget-warn: after a record is written, cbrun adds up cost_usd over every
// record under OUT and prints one warning line the first time the total passes
// the threshold. A warning only: nothing is ever stopped.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "core/run_config.h"

namespace cb {

struct Spend {
  double known_usd = 0;                 // sum of the records' cost_usd
  long long cost_unknown_attempts = 0;  // sum of their cost_unknown_attempts
  // results/cost_estimate.h's estimate for the attempts of unknown cost that
  // have a basis, how many those are, and what the estimate rests on.
  double estimated_usd = 0;
  long long estimated_attempts = 0;
  std::string basis;
  long long no_basis_attempts() const { return cost_unknown_attempts - estimated_attempts; }
  double with_estimate_usd() const { return known_usd + estimated_usd; }
};

// Over every record under OUT (core/records_tree.h). Unreadable
// records count as 0; records older than cost_unknown_attempts as all known;
// a record the reports cannot read counts its known cost, and its unknown
// attempts have no basis.
Spend TotalSpend(const std::filesystem::path& out);

// The marker that says the warning for `threshold_usd` was printed.
std::filesystem::path BudgetMarker(const std::filesystem::path& out, double threshold_usd);
// The marker that says the "spend cannot be fully tracked" warning was printed.
std::filesystem::path UnknownCostMarker(const std::filesystem::path& out, double threshold_usd);

// Prints to `err`, each once per OUT and threshold (an O_EXCL marker under
// OUT/services/ makes it once across parallel cbruns):
//  - the warning that the known spend plus the estimate for the attempts of
//    unknown cost has passed the threshold;
//  - before that, the first time an attempt's cost is unknown (killed before
//    upstream reported, or unpriced by litellm), that the threshold counts
//    those at an estimate, its basis, and which have none (left out).
// Returns true when this call printed anything.
bool WarnIfOverBudget(const std::filesystem::path& out, const RunConfig& config, std::ostream& err);

}  // namespace cb
