// Registry of cbgen's subcommands (doctor, report, status, forget): doctor lives
// in doctor.cc, the others in results_commands.cc (their libraries in report/);
// main.cc runs the one the user named.
#pragma once

#include <functional>
#include <vector>

#include "CLI/CLI.hpp"

namespace cb {

struct Subcommand {
  CLI::App* app;             // owned by the parent app
  std::function<int()> run;  // returns the process exit code
};

std::vector<Subcommand> MakeSubcommands(CLI::App& app);

}  // namespace cb
