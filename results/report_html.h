// The report's index page: inline CSS and SVG figures, no scripts, no
// fetches; with the records, figures across models and a link to each pair's
// page (results/pair_page.h; results/pair_page_files.h writes them all). Pure:
// writes to a stream.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "results/html_figures.h"
#include "results/report_data.h"
#include "results/report_summary.h"

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
