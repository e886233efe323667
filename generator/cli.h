// cbgen's command line (CLI11), kept apart from the libraries it drives:
// the generator's options, and the subcommands doctor, report, status and
// forget, each parsing into plain structs and running on stdout/stderr to an
// exit code. Only the cbgen executable is built from these files.
#pragma once

#include <functional>
#include <vector>

#include "CLI/CLI.hpp"
#include "generator/generate_command.h"

namespace cb {

// Adds the generator's options to `app` (the top-level cbgen command).
void AddGenerateOptions(CLI::App& app, GenerateArgs& args);

struct Subcommand {
  CLI::App* app;             // owned by the parent app
  std::function<int()> run;  // returns the process exit code
};

// Each adds its subcommand to `app`; running it prints an error as
// "cbgen report: error: ..." and returns the process exit code.
Subcommand AddDoctorCommand(CLI::App& app);
Subcommand AddReportCommand(CLI::App& app);
Subcommand AddStatusCommand(CLI::App& app);
Subcommand AddForgetCommand(CLI::App& app);
Subcommand AddReevalCommand(CLI::App& app);

// All of them, in the order `cbgen --help` lists them.
std::vector<Subcommand> MakeSubcommands(CLI::App& app);

}  // namespace cb
