// What earlier runs left in this out folder: pair durations for longest-first
// ordering, and which records exist (so build.ninja keeps every one of them).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "generator/model.h"

namespace cb {

// The run folder and pair of a record file OUT/RUN/REPO/taskID/fA_fB.json, read
// from its path alone; nullopt unless every piece is exactly as cbgen names it
// (a valid run name and repo folder, "task<id>", "f<a>_f<b>.json" with a < b),
// so the path is one cbgen can have written into build.ninja.
std::optional<RecordedPair> RecordedPairFromPath(const std::filesystem::path& file,
                                                 absl::string_view run_folder);

// One walk over every record under OUT (core/records_tree.h, any run
// prefix): `records` lists them all, from their paths; `durations` holds the
// mean duration per pair of the records under OUT/<prefix>-<setting>/ for the
// build's run prefixes (the only files opened), and `makers` the models and
// agents those records name. Records core/record.h cannot read are left out:
// history is a hint.
OutHistory ReadOutHistory(const std::filesystem::path& out,
                          const std::vector<std::string>& run_prefixes);
OutHistory ReadOutHistory(const std::filesystem::path& out, absl::string_view run_prefix);

}  // namespace cb
