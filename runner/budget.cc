#include "runner/budget.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/json_read.h"
#include "common/records_tree.h"

namespace cb {
namespace fs = std::filesystem;

Spend TotalSpend(const fs::path& out) {
  Spend total;
  ForEachRecordFile(out, [&](const fs::path& file, absl::string_view) {
    absl::StatusOr<boost::json::value> doc = ReadJsonFile(file);
    if (!doc.ok()) return;
    total.known_usd += NumberField(*doc, "cost_usd").value_or(0);
    total.cost_unknown_attempts +=
        std::max(0LL, IntField(*doc, "cost_unknown_attempts").value_or(0));
  });
  return total;
}

fs::path BudgetMarker(const fs::path& out, double threshold_usd) {
  return out / "services" / absl::StrFormat("budget-warned-%.2f", threshold_usd);
}

fs::path UnknownCostMarker(const fs::path& out, double threshold_usd) {
  return out / "services" / absl::StrFormat("budget-unknown-cost-warned-%.2f", threshold_usd);
}

namespace {

// Creates `marker` with O_EXCL; false when it exists (another cbrun said it).
bool ClaimMarker(const fs::path& marker, const std::string& text) {
  std::error_code ec;
  fs::create_directories(marker.parent_path(), ec);
  const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST) return false;
  if (fd >= 0) {
    (void)!::write(fd, text.data(), text.size());
    ::close(fd);
  }
  return true;
}

}  // namespace

bool WarnIfOverBudget(const fs::path& out, const RunConfig& config, std::ostream& err) {
  if (!config.budget_warn_usd) return false;
  const double threshold = *config.budget_warn_usd;
  const fs::path over_marker = BudgetMarker(out, threshold);
  const fs::path unknown_marker = UnknownCostMarker(out, threshold);
  std::error_code ec;
  // Once the threshold is passed and said, skip the scan: the unknown-cost
  // warning only matters while the known spend is still below it.
  if (fs::exists(over_marker, ec)) return false;
  const bool unknown_said = fs::exists(unknown_marker, ec);
  const Spend total = TotalSpend(out);
  bool printed = false;
  if (!unknown_said && total.cost_unknown_attempts > 0 &&
      ClaimMarker(unknown_marker, absl::StrFormat("%d\n", total.cost_unknown_attempts))) {
    err << absl::StrFormat(
        "cbrun: warning: --budget-warn $%.2f counts known costs only: %d attempt%s under %s took "
        "steps but reported $0, as upstream does when litellm has no price for the model; register "
        "one (LITELLM_MODEL_REGISTRY_PATH names a litellm model-price JSON file) or watch the "
        "provider's own billing\n",
        threshold, total.cost_unknown_attempts, total.cost_unknown_attempts == 1 ? "" : "s",
        out.string());
    printed = true;
  }
  if (total.known_usd > threshold &&
      ClaimMarker(over_marker, absl::StrFormat("%.6f\n", total.known_usd))) {
    err << absl::StrFormat(
        "cbrun: warning: spend so far $%.2f%s has passed --budget-warn $%.2f (all records under "
        "%s); nothing is stopped: interrupt ninja yourself to stop spending\n",
        total.known_usd,
        total.cost_unknown_attempts > 0
            ? absl::StrFormat(" (plus %d attempt%s of unknown cost)", total.cost_unknown_attempts,
                              total.cost_unknown_attempts == 1 ? "" : "s")
            : "",
        threshold, out.string());
    printed = true;
  }
  if (printed) err.flush();
  return printed;
}

}  // namespace cb
