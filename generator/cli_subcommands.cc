#include "generator/cli.h"

namespace cb {

std::vector<Subcommand> MakeSubcommands(CLI::App& app) {
  std::vector<Subcommand> all;
  all.push_back(AddReportCommand(app));
  all.push_back(AddDoctorCommand(app));
  all.push_back(AddForgetCommand(app));
  all.push_back(AddReevalCommand(app));
  all.push_back(AddStatusCommand(app));
  return all;
}

}  // namespace cb
