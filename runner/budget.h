// --budget-warn: after a record is written, cbrun adds up cost_usd over every
// record under OUT and prints one warning line the first time the total passes
// the threshold. A warning only: nothing is ever stopped.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include "common/run_config.h"

namespace cb {

// Sum of cost_usd over OUT/RUN/REPO/taskID/fA_fB.json (not forgotten/ or logs/).
// Unreadable records count as 0.
double TotalSpend(const std::filesystem::path& out);

// The marker that says the warning for `threshold_usd` was printed.
std::filesystem::path BudgetMarker(const std::filesystem::path& out, double threshold_usd);

// Prints the warning to `err` once per OUT and threshold (an O_EXCL marker
// under OUT/services/ makes it once across parallel cbruns). Returns true when
// this call printed it.
bool WarnIfOverBudget(const std::filesystem::path& out, const RunConfig& config, std::ostream& err);

}  // namespace cb
