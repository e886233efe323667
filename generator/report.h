// `cbgen report`: reads the records under OUT (and the plan in build.ninja)
// and prints what they say; --json, --html FILE, --csv FILE for other readers.
// Reads records only: never calls cooperbench.
#pragma once

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "generator/subcommands.h"

namespace cb {

struct ReportArgs {
  std::string out = "out";
  std::string build_file;  // default: build.ninja next to OUT
  bool json = false;
  std::string html;
  std::string csv;
};

// Writes the report for `args` to `os` (the terminal) and the requested files;
// warnings (unreadable records) go to `err`.
absl::Status RunReport(const ReportArgs& args, std::ostream& os, std::ostream& err);

Subcommand AddReportCommand(CLI::App& app);

}  // namespace cb
