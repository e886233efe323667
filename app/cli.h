// cbgen's command line (CLI11), kept apart from the libraries it drives:
// the generator's options, and the subcommands from one table (as Ninja's
// ninja.cc lists its tools), each parsing into plain structs and running on
// stdout/stderr to an exit code (core/exit_codes.h). Only the cbgen
// executable is built from these files.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "generator/generate_command.h"

namespace cb {

// --backend's words (docker, modal, gcp), for cbgen and cbgen doctor.
extern const CLI::Validator kKnownBackend;
// A comma-separated list (--settings, --models), the same for every command: each item trimmed
// of blanks ("solo, coop-nocomm" is two settings), an empty item an error naming the list (never
// dropped in silence); the option may be given more than once. `target` keeps its items when the
// option is not given (its default, shown in --help).
absl::StatusOr<std::vector<std::string>> SplitListOption(absl::string_view text);
CLI::Option* AddListOption(CLI::App* app, const std::string& names,
                           std::vector<std::string>* target, const std::string& description);

// Adds the generator's options to `app` (the top-level cbgen command).
void AddGenerateOptions(CLI::App& app, GenerateArgs& args);

// Running a subcommand: prints an error as "cbgen report: error: ..." and
// returns the process exit code.
using RunSubcommand = std::function<int()>;

// One subcommand: its name, what `cbgen --help` says of it, and how to add its
// options to the CLI11 app made for it (returning how to run it).
struct SubcommandDef {
  const char* name;
  const char* description;
  RunSubcommand (*add_options)(CLI::App* sub);
};

// The table, in the order `cbgen --help` lists the subcommands.
const std::vector<SubcommandDef>& Subcommands();

// The options of each subcommand (cli_doctor.cc, cli_results.cc).
RunSubcommand AddDoctorOptions(CLI::App* sub);
RunSubcommand AddReportOptions(CLI::App* sub);
RunSubcommand AddStatusOptions(CLI::App* sub);
RunSubcommand AddForgetOptions(CLI::App* sub);
RunSubcommand AddReevalOptions(CLI::App* sub);

struct Subcommand {
  CLI::App* app;  // owned by the parent app
  RunSubcommand run;
};

// Adds every subcommand of the table to `app`.
std::vector<Subcommand> MakeSubcommands(CLI::App& app);

// The subcommand `word` is a likely typo of (an edit distance of at most 2,
// like Ninja's SpellcheckString), or nothing.
std::optional<std::string> SpellcheckSubcommand(std::string_view word);

// When `word`, given where cbgen takes its SUBSET, is no subset of
// `dataset_dir` but a likely typo of a subcommand: the error saying so
// ("unknown subset or command "reprot": did you mean `cbgen report`?").
std::optional<std::string> MistypedSubcommand(const std::string& word,
                                              const std::string& dataset_dir);

// When `sub` was given an option of the generator: the error naming the
// first ("--pull-jobs is an option of generation (cbgen SUBSET), not of
// `cbgen status`"). Given before the subcommand's name, CLI11 hands it to the
// top-level app (the generator's SUBSET too: `cbgen lite doctor`); after it,
// the subcommand leaves it over. `shared` are the options every command
// takes (-C).
std::optional<std::string> MisplacedOption(const CLI::App& app, const CLI::App& sub,
                                           const std::vector<const CLI::Option*>& shared);

}  // namespace cb
