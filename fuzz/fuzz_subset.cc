// ParseSubset on arbitrary text: never crashes; what it accepts is well formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "core/naming.h"
#include "generator/subset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<cb::SubsetEntry>> entries = cb::ParseSubset(text, "fuzz.json");
  if (!entries.ok()) {
    // Every error names the file.
    if (entries.status().message().find("fuzz.json") == absl::string_view::npos) std::abort();
    return 0;
  }
  for (const cb::SubsetEntry& e : *entries) {
    if (!cb::CheckRepoName(e.repo).ok() || e.task_id < 0) std::abort();
    if (!e.pairs) continue;
    std::set<std::pair<int, int>> seen;
    for (auto [a, b] : *e.pairs) {
      if (a < 1 || a >= b || !seen.insert({a, b}).second) std::abort();
    }
  }
  return 0;
}
