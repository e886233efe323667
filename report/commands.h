// The command lines of `cbgen report`, `cbgen status` and `cbgen forget`:
// their options (CLI11) and running one to an exit code. The libraries behind
// them (report.h, status.h, forget.h) take plain structs;
// generator/subcommands.cc registers these with cbgen.
#pragma once

#include "CLI/CLI.hpp"
#include "report/forget.h"
#include "report/report.h"
#include "report/status.h"

namespace cb {

// Each adds its subcommand to `app`, parsing into `args` (which must outlive
// the parse), and returns it.
CLI::App* AddReportOptions(CLI::App& app, ReportArgs& args);
CLI::App* AddStatusOptions(CLI::App& app, StatusArgs& args);
CLI::App* AddForgetOptions(CLI::App& app, ForgetArgs& args);

// Each runs its command on stdout/stderr, prints an error as
// "cbgen report: error: ..." and returns the process exit code.
int RunReportCommand(const ReportArgs& args);
int RunStatusCommand(const StatusArgs& args);
int RunForgetCommand(const ForgetArgs& args);

}  // namespace cb
