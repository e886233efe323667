#include "runner/budget.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "util/json_read.h"
#include "core/record.h"
#include "core/records_tree.h"
#include "results/cost_estimate.h"
#include "results/report_data.h"

namespace cb {
namespace fs = std::filesystem;

Spend TotalSpend(const fs::path& out) {
  Spend total;
  std::vector<RecordRow> rows;
  ForEachRecordFile(out, [&](const fs::path& file, absl::string_view) {
    absl::StatusOr<boost::json::value> doc = ReadJsonFile(file);
    if (!doc.ok()) return;
    absl::StatusOr<Record> record = Record::FromJson(*doc, file.string());
    if (record.ok()) {
      rows.push_back(RowFromRecord(*record));
      return;
    }
    const RecordTotals stated = StatedCostOfUnreadableRecord(*doc);
    RecordRow bare;  // its cost counts; its unknown attempts have no basis
    bare.cost_usd = stated.cost_usd;
    bare.cost_unknown_attempts = stated.cost_unknown_attempts;
    rows.push_back(std::move(bare));
  });
  const CostBases bases = BuildCostBases(rows);
  const CostEstimate e = EstimateCost(rows, bases);
  total.known_usd = e.known_usd;
  total.cost_unknown_attempts = e.unknown_attempts;
  total.estimated_usd = e.estimated_usd;
  total.estimated_attempts = e.estimated_attempts;
  total.basis = DescribeBasis(e, bases);
  return total;
}

fs::path BudgetMarker(const fs::path& out, double threshold_usd) {
  return out / "services" / absl::StrFormat("budget-warned-%.2f", threshold_usd);
}

fs::path UnknownCostMarker(const fs::path& out, double threshold_usd) {
  return out / "services" / absl::StrFormat("budget-unknown-cost-warned-%.2f", threshold_usd);
}

namespace {

std::string Attempts(long long n) {
  return absl::StrFormat("%d attempt%s", n, n == 1 ? "" : "s");
}

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
        "cbrun: warning: --budget-warn $%.2f counts %s of unknown cost under %s (killed before "
        "upstream reported, or unpriced by litellm) at an ESTIMATE: $%.2f for %d of them; "
        "basis: %s%s\n",
        threshold, Attempts(total.cost_unknown_attempts), out.string(), total.estimated_usd,
        total.estimated_attempts, total.basis,
        total.no_basis_attempts() > 0
            ? absl::StrFormat("; the %s with no basis are left out: register a price "
                              "(LITELLM_MODEL_REGISTRY_PATH names a litellm model-price JSON "
                              "file) or watch the provider's own billing",
                              Attempts(total.no_basis_attempts()))
            : "");
    printed = true;
  }
  if (total.with_estimate_usd() > threshold &&
      ClaimMarker(over_marker, absl::StrFormat("%.6f\n", total.with_estimate_usd()))) {
    std::string what = absl::StrFormat("$%.2f", total.known_usd);
    if (total.cost_unknown_attempts > 0) {
      what = absl::StrFormat("$%.2f known + $%.2f ESTIMATED for %s of unknown cost = $%.2f",
                             total.known_usd, total.estimated_usd,
                             Attempts(total.estimated_attempts), total.with_estimate_usd());
      if (total.no_basis_attempts() > 0)
        absl::StrAppend(&what, absl::StrFormat(" (plus %s of unknown cost with no basis)",
                                               Attempts(total.no_basis_attempts())));
    }
    err << absl::StrFormat(
        "cbrun: warning: spend so far %s has passed --budget-warn $%.2f (all records under "
        "%s); nothing is stopped: interrupt ninja yourself to stop spending\n",
        what, threshold, out.string());
    printed = true;
  }
  if (printed) err.flush();
  return printed;
}

}  // namespace cb
