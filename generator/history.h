// Durations of pairs finished earlier in this out folder, for longest-first ordering.
#pragma once

#include <filesystem>
#include "absl/strings/string_view.h"

#include "generator/model.h"

namespace cb {

// Reads every record under OUT/<run_prefix>-*/ (any setting; the walk of
// common/records_tree.h) and returns the mean duration per pair. Unreadable
// records are skipped: history is a hint.
DurationHistory ReadDurationHistory(const std::filesystem::path& out, absl::string_view run_prefix);

}  // namespace cb
