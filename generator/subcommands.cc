#include "generator/subcommands.h"

#include <memory>

#include "generator/doctor.h"
#include "report/commands.h"

namespace cb {
namespace {

// A subcommand whose options live in an Args struct kept alive by its runner.
template <typename Args>
Subcommand Make(CLI::App& app, CLI::App* (*add_options)(CLI::App&, Args&),
                int (*run)(const Args&)) {
  auto args = std::make_shared<Args>();
  CLI::App* sub = add_options(app, *args);
  return Subcommand{sub, [args, run] { return run(*args); }};
}

}  // namespace

std::vector<Subcommand> MakeSubcommands(CLI::App& app) {
  std::vector<Subcommand> all;
  all.push_back(Make(app, AddReportOptions, RunReportCommand));
  all.push_back(AddDoctorCommand(app));
  all.push_back(Make(app, AddForgetOptions, RunForgetCommand));
  all.push_back(Make(app, AddStatusOptions, RunStatusCommand));
  return all;
}

}  // namespace cb
