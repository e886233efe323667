// The report as one self-contained HTML page: inline CSS and SVG charts, no
// scripts, no fetches. Pure: writes to a stream.
#pragma once

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "report/report_summary.h"

namespace cb {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(absl::string_view s);

// `title` heads the page; `source` says where the records came from.
void WriteReportHtml(const Summary& s, const std::string& title, const std::string& source,
                     std::ostream& os);

}  // namespace cb
