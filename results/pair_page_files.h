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

// The index file of --html PATH: PATH itself when it names an .html (or .htm)
// file, else PATH/index.html (a folder, made if missing: `--html report` and
// `--html report/` both mean report/index.html, with report/pairs/ beside it).
std::filesystem::path HtmlIndexPath(const std::filesystem::path& path);

// --html PATH: writes HtmlIndexPath(PATH) and pairs/<PairPageFileName>.html
// beside it for every pair of `rows`, each page self-contained; `source` says
// where the records came from.
absl::Status WriteHtmlReport(const std::filesystem::path& path, const Summary& summary,
                             const std::vector<RecordRow>& rows, const std::filesystem::path& out,
                             const std::string& source);

}  // namespace cb
