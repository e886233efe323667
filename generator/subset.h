// Parsing a subset file (dataset/subsets/NAME.json). Pure: text in, entries out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace cb {

struct SubsetEntry {
  std::string repo;
  long long task_id = 0;
  // Absent: every 2-combination of the task's features (upstream's rule).
  std::optional<std::vector<std::pair<int, int>>> pairs;  // normalised: first < second
};

// Checks structure, names, ids and pairs; every error names `source` and the
// offending task ("lite.json: tasks[3] (dspy_task/8394): pair [4,4] pairs a feature with itself").
absl::StatusOr<std::vector<SubsetEntry>> ParseSubset(absl::string_view text,
                                                     absl::string_view source);

}  // namespace cb
