// The files of `cbgen report --html`: reads each record's evidence from OUT's
// log folders (results/pair_page.h renders it) and writes the index page with,
// in the folder pairs/ beside it, one page per pair. The only part of the HTML
// report that touches the disk.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "results/pair_page.h"
#include "results/report_data.h"
#include "results/report_summary.h"

namespace cb {

// The pair pages' folder, beside the index.
inline constexpr char kPairPagesFolder[] = "pairs";

// What `row`'s last agent attempt (and its last evaluation) left under OUT's
// log folder: patches, eval.json, conversation.json. Missing files are noted
// in `problems`, never an error.
RecordEvidence LoadRecordEvidence(const std::filesystem::path& out, const RecordRow& row);

// --html PATH: writes PATH (PATH/index.html when PATH is a folder or ends in
// '/') and PATH's folder/pairs/<PairPageFileName>.html for every pair of
// `rows`, each page self-contained; `source` says where the records came from.
absl::Status WriteHtmlReport(const std::filesystem::path& path, const Summary& summary,
                             const std::vector<RecordRow>& rows, const std::filesystem::path& out,
                             const std::string& source);

}  // namespace cb
