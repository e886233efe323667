// One CSV row per record (RFC 4180 quoting), for pandas and R.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "results/report_data.h"

namespace cb {

// Quotes a field when it holds a comma, quote, CR or LF.
std::string CsvField(absl::string_view s);

// Unknown token counts and absent merge facts are empty fields (NaN in pandas);
// cost_usd is the known part, cost_unknown_attempts says how many are left out.
void WriteRecordsCsv(const std::vector<RecordRow>& rows, std::ostream& os);

}  // namespace cb
