// cbgen: turns a CooperBench experiment into a Ninja build.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "CLI/CLI.hpp"
#include "generator/cli.h"

namespace {

std::string SelfPath(const char* argv0) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) return self.string();
  return std::filesystem::absolute(argv0).string();
}

// `-C DIR` (repeatable, like make's and git's): run as if started in DIR, each
// relative DIR taken from the one before.
bool EnterDirectories(const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) {
    std::error_code ec;
    std::filesystem::current_path(dir, ec);
    if (ec) {
      std::cerr << "cbgen: error: -C " << dir << ": " << ec.message()
                << " (name an existing folder)\n";
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "cbgen: write build.ninja for a CooperBench experiment.\n"
      "  cbgen lite && ninja -j4     run solo, coop-comm and coop-nocomm on the lite subset\n"
      "  ninja solo                  run one setting"};
  app.set_version_flag("--version", std::string("cbgen ") + CBGEN_VERSION);
  cb::GenerateArgs gen;
  cb::AddGenerateOptions(app, gen);
  std::vector<std::string> directories;
  app.add_option("-C,--directory", directories,
                 "Run as if cbgen was started in DIR (build.ninja's regeneration uses it)")
      ->type_name("DIR")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  std::vector<cb::Subcommand> subcommands = cb::MakeSubcommands(app);
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  gen.invoked_in = std::filesystem::current_path().string();
  gen.invoked_args.assign(argv + 1, argv + argc);
  if (!EnterDirectories(directories)) return 1;

  bool ran_subcommand = false;
  int exit_code = 0;
  for (cb::Subcommand& sc : subcommands) {
    if (sc.app->parsed()) {
      ran_subcommand = true;
      exit_code = sc.run();
    }
  }
  if (ran_subcommand) return exit_code;
  absl::StatusOr<cb::GenerateSummary> generated = cb::RunGenerate(gen, SelfPath(argv[0]));
  if (!generated.ok()) {
    std::cerr << "cbgen: error: " << generated.status().message() << "\n"
              << "cbgen: nothing was written\n";
    return 1;
  }
  for (const std::string& note : generated->notes) std::cout << "cbgen: " << note << "\n";
  return 0;
}
