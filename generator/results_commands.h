// The command lines of `cbgen report`, `cbgen status` and `cbgen forget`:
// their options (CLI11), and running one on stdout/stderr to an exit code.
// The results library behind them (report/report.h, report/status.h,
// report/forget.h) takes plain structs and streams and prints nothing itself.
#pragma once

#include "CLI/CLI.hpp"
#include "generator/subcommands.h"

namespace cb {

// Each adds its subcommand to `app`; running it prints an error as
// "cbgen report: error: ..." and returns the process exit code.
Subcommand AddReportCommand(CLI::App& app);
Subcommand AddStatusCommand(CLI::App& app);
Subcommand AddForgetCommand(CLI::App& app);

}  // namespace cb
