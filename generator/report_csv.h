// One CSV row per record (RFC 4180 quoting), for pandas and R.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "generator/report_data.h"

namespace cb {

// Quotes a field when it holds a comma, quote, CR or LF.
std::string CsvField(absl::string_view s);

void WriteRecordsCsv(const std::vector<RecordRow>& rows, std::ostream& os);

}  // namespace cb
