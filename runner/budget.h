// --budget-warn: after a record is written, cbrun adds up cost_usd over every
// record under OUT and prints one warning line the first time the total passes
// the threshold. A warning only: nothing is ever stopped.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include "common/run_config.h"

namespace cb {

struct Spend {
  double known_usd = 0;                 // sum of the records' cost_usd
  long long cost_unknown_attempts = 0;  // sum of their cost_unknown_attempts
};

// Over every record under OUT (common/records_tree.h). Unreadable
// records count as 0; records older than cost_unknown_attempts as all known.
Spend TotalSpend(const std::filesystem::path& out);

// The marker that says the warning for `threshold_usd` was printed.
std::filesystem::path BudgetMarker(const std::filesystem::path& out, double threshold_usd);
// The marker that says the "spend cannot be fully tracked" warning was printed.
std::filesystem::path UnknownCostMarker(const std::filesystem::path& out, double threshold_usd);

// Prints to `err`, each once per OUT and threshold (an O_EXCL marker under
// OUT/services/ makes it once across parallel cbruns):
//  - the warning that the known spend has passed the threshold;
//  - before that, the first time an attempt's cost is unknown (it took steps
//    but reported $0, as upstream does when litellm cannot price the model),
//    that the threshold is checked against the known spend only and why.
// Returns true when this call printed anything.
bool WarnIfOverBudget(const std::filesystem::path& out, const RunConfig& config, std::ostream& err);

}  // namespace cb
