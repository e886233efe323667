// `cbgen report`: reads the records under OUT (and the plan in OUT/plan.json)
// and prints what they say; --json, --html FILE, --csv FILE for other readers.
// Reads records only: never calls cooperbench.
#pragma once

#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace cb {

struct ReportArgs {
  std::string out = "out";
  std::string build_file;  // optional: the build whose plan is meant (OUT/plan.json must be its)
  bool json = false;
  std::string html;
  std::string csv;
};

// Writes the report for `args` to `os` (the terminal) and the requested files;
// warnings (unreadable records) go to `err`.
absl::Status RunReport(const ReportArgs& args, std::ostream& os, std::ostream& err);

}  // namespace cb
