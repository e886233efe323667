#include "runner/budget.h"

#include <fcntl.h>
#include <unistd.h>

#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/json_read.h"

namespace cb {
namespace fs = std::filesystem;

double TotalSpend(const fs::path& out) {
  double total = 0;
  std::error_code ec;
  for (const fs::directory_entry& run_dir : fs::directory_iterator(out, ec)) {
    const std::string name = run_dir.path().filename().string();
    if (!run_dir.is_directory() || name == "logs" || name == "images" || name == "services" ||
        name == "forgotten" || name == "locks")
      continue;
    for (auto it = fs::recursive_directory_iterator(run_dir.path(), ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it.depth() != 2 || !it->is_regular_file() || it->path().extension() != ".json") continue;
      absl::StatusOr<boost::json::value> doc = ReadJsonFile(it->path());
      if (doc.ok()) total += NumberField(*doc, "cost_usd").value_or(0);
    }
  }
  return total;
}

fs::path BudgetMarker(const fs::path& out, double threshold_usd) {
  return out / "services" / absl::StrFormat("budget-warned-%.2f", threshold_usd);
}

bool WarnIfOverBudget(const fs::path& out, const RunConfig& config, std::ostream& err) {
  if (!config.budget_warn_usd) return false;
  const double threshold = *config.budget_warn_usd;
  const fs::path marker = BudgetMarker(out, threshold);
  std::error_code ec;
  if (fs::exists(marker, ec)) return false;  // already said; skip the scan
  const double total = TotalSpend(out);
  if (total <= threshold) return false;
  fs::create_directories(marker.parent_path(), ec);
  const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0 && errno == EEXIST) return false;  // another cbrun said it first
  if (fd >= 0) {
    const std::string text = absl::StrFormat("%.6f\n", total);
    (void)!::write(fd, text.data(), text.size());
    ::close(fd);
  }
  err << absl::StrFormat(
      "cbrun: warning: spend so far $%.2f has passed --budget-warn $%.2f (all records under %s); "
      "nothing is stopped: interrupt ninja yourself to stop spending\n",
      total, threshold, out.string());
  err.flush();
  return true;
}

}  // namespace cb
