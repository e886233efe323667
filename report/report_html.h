// The report's index page: inline CSS and SVG figures, no scripts, no
// fetches; with the records, figures across models and a link to each pair's
// page (report/pair_page.h; report/pair_page_files.h writes them all). Pure:
// writes to a stream.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "report/html_figures.h"
#include "report/report_data.h"
#include "report/report_summary.h"

namespace cb {

struct HtmlIndex {
  std::string title;   // heads the page
  std::string source;  // where the records came from
  // The records: figures that need them (difficulty, messages, merges) and
  // the list of pairs; nullptr: neither.
  const std::vector<RecordRow>* rows = nullptr;
  // Where pair pages are, relative to the index ("pairs/"); empty: no links.
  std::string pairs_href;
};

void WriteReportHtml(const Summary& s, const HtmlIndex& index, std::ostream& os);

// The page without records: no pair links, no figures that need records.
void WriteReportHtml(const Summary& s, const std::string& title, const std::string& source,
                     std::ostream& os);

}  // namespace cb
