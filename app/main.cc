// cbgen: turns a CooperBench experiment into a Ninja build.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "CLI/CLI.hpp"
#include "core/exit_codes.h"
#include "app/cli.h"

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

int UsageError(const std::string& message) {
  std::cerr << "cbgen: error: " << message << "\n";
  return cb::kExitUsage;
}

// A command line CLI11 refused. When a generator option went to a subcommand
// (`cbgen status --pull-jobs 5`) or the SUBSET looks like a mistyped
// subcommand (`cbgen reprot --json`), that is the mistake to name.
int ParseFailed(CLI::App& app, const CLI::ParseError& e, const cb::GenerateArgs& gen,
                const CLI::Option* directory, const std::vector<std::string>& directories) {
  if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
  for (const CLI::App* sub : app.get_subcommands()) {
    if (std::optional<std::string> misplaced = cb::MisplacedOption(app, *sub, {directory}))
      return UsageError(*misplaced);
  }
  const CLI::Option* subset = app.get_option("subset");
  if (subset->count() > 0) {
    std::filesystem::path dataset;  // as EnterDirectories would find it
    for (const std::string& dir : directories) dataset /= dir;
    dataset /= gen.dataset_dir;
    if (std::optional<std::string> typo =
            cb::MistypedSubcommand(subset->results().front(), dataset.string()))
      return UsageError(*typo);
  }
  app.exit(e);
  return cb::kExitUsage;
}

int Generate(const cb::GenerateArgs& gen, const char* argv0) {
  if (std::optional<std::string> typo = cb::MistypedSubcommand(gen.subset, gen.dataset_dir))
    return UsageError(*typo);
  absl::StatusOr<cb::GenerateSummary> generated = cb::RunGenerate(gen, SelfPath(argv0));
  if (!generated.ok()) {
    std::cerr << "cbgen: error: " << generated.status().message() << "\n"
              << "cbgen: nothing was written\n";
    return cb::kExitFailed;
  }
  for (const std::string& note : generated->notes) std::cout << "cbgen: " << note << "\n";
  return cb::kExitOk;
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
  const CLI::Option* directory =
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
    return ParseFailed(app, e, gen, directory, directories);
  }

  gen.invoked_in = std::filesystem::current_path().string();
  gen.invoked_args.assign(argv + 1, argv + argc);
  if (!EnterDirectories(directories)) return cb::kExitFailed;

  for (cb::Subcommand& sc : subcommands) {
    if (!sc.app->parsed()) continue;
    // Every command takes -C; the rest of the top-level options are the generator's.
    if (std::optional<std::string> misplaced = cb::MisplacedOption(app, *sc.app, {directory}))
      return UsageError(*misplaced);
    return sc.run();
  }
  return Generate(gen, argv[0]);
}
