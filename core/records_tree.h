// The one walk over the records under OUT, for everything that reads them all
// (cbgen report, status and forget, cbrun's --budget-warn, cbgen's history).
#pragma once

#include <filesystem>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace cb {

// True for OUT's own folders that never hold records (logs, images, services,
// forgotten, locks).
bool IsReservedOutFolder(absl::string_view name);

// Calls `visit(file, run_folder)` for every record file
// OUT/RUN/REPO/taskID/fA_fB.json: a regular file (or a link to one) named
// *.json exactly three folders below OUT, in a RUN folder that is not reserved
// and whose name starts with `run_prefix` (empty: any). OUT's own files
// (config.json, plan.json) and everything under logs/, forgotten/, services/,
// images/ and locks/ are left out. Directory order, not sorted. A missing OUT
// visits nothing; a folder that cannot be read is skipped.
void ForEachRecordFile(
    const std::filesystem::path& out,
    absl::FunctionRef<void(const std::filesystem::path& file, absl::string_view run_folder)> visit,
    absl::string_view run_prefix = "");

}  // namespace cb
