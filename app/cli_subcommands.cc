// cbgen's subcommands as one table (Ninja's ninja.cc lists its tools so), and
// the checks that keep the command line free of surprises: a mistyped
// subcommand read as a SUBSET, a generator option given to a subcommand.
#include <algorithm>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "app/cli.h"

namespace cb {
namespace {

// Levenshtein distance (insertions, deletions, replacements), as Ninja's
// EditDistance with allow_replacements.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];  // row[i-1][j-1]
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// Farther than this, a word is no typo of a subcommand (the names have 5 or 6
// letters: "reprot" is 2 from "report").
constexpr size_t kMaxTypoDistance = 2;

}  // namespace

const std::vector<SubcommandDef>& Subcommands() {
  static const std::vector<SubcommandDef> kTable = {
      {"report", "Summarize the records under OUT: pass rates, coordination gap, cost, difficulty",
       AddReportOptions},
      {"doctor", "Check Docker, cooperbench, the API key, Redis and the dataset before a build",
       AddDoctorOptions},
      {"forget", "Move matching records to OUT/forgotten/ so the next ninja runs those pairs again",
       AddForgetOptions},
      {"reeval",
       "Evaluate matching records' kept agent work again on the next ninja (no agent runs, no "
       "model cost); the old records move to OUT/forgotten/",
       AddReevalOptions},
      {"status",
       "While ninja runs: done / running / pending per setting, spend, running pairs, ETA",
       AddStatusOptions},
  };
  return kTable;
}

std::vector<Subcommand> MakeSubcommands(CLI::App& app) {
  std::vector<Subcommand> all;
  for (const SubcommandDef& def : Subcommands()) {
    CLI::App* sub = app.add_subcommand(def.name, def.description);
    all.push_back(Subcommand{sub, def.add_options(sub)});
  }
  return all;
}

std::optional<std::string> SpellcheckSubcommand(std::string_view word) {
  std::optional<std::string> best;
  size_t best_distance = kMaxTypoDistance + 1;
  for (const SubcommandDef& def : Subcommands()) {
    const size_t distance = EditDistance(word, def.name);
    if (distance < best_distance) {
      best_distance = distance;
      best = def.name;
    }
  }
  return best;
}

std::optional<std::string> MistypedSubcommand(const std::string& word,
                                              const std::string& dataset_dir) {
  // "all", a subset file (dataset.cc reads a word with '/' or ending in .json
  // as a path) and a subset of the dataset are what the user meant.
  if (word.empty() || word == "all" || absl::StrContains(word, '/') ||
      absl::EndsWith(word, ".json"))
    return std::nullopt;
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(dataset_dir) / "subsets" / (word + ".json"),
                              ec))
    return std::nullopt;
  std::optional<std::string> command = SpellcheckSubcommand(word);
  if (!command) return std::nullopt;
  return absl::StrCat("unknown subset or command \"", word, "\": did you mean `cbgen ", *command,
                      "`?");
}

std::optional<std::string> MisplacedOption(const CLI::App& app, const CLI::App& sub,
                                           const std::vector<const CLI::Option*>& shared) {
  const std::string not_of =
      absl::StrCat(" of generation (cbgen SUBSET), not of `cbgen ", sub.get_name(), "`");
  // Before the subcommand's name: CLI11 gave it to the top-level app.
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->count() == 0 || opt == app.get_help_ptr() || opt == app.get_version_ptr() ||
        std::find(shared.begin(), shared.end(), opt) != shared.end())
      continue;
    const bool named = opt->nonpositional();
    // As typed: "--pull-jobs", or the word taken for the SUBSET.
    const std::string given = named ? opt->get_name() : opt->results().front();
    std::string message = named ? absl::StrCat(opt->get_name(false, true), " is an option", not_of)
                                : absl::StrCat("\"", given, "\" is the SUBSET", not_of);
    // The subcommand has one of that name too (--out): the user meant it.
    if (sub.get_option_no_throw(named ? given : opt->get_name(true)) != nullptr)
      absl::StrAppend(&message, "; put it after the command: `cbgen ", sub.get_name(), " ", given,
                      named ? " ...`" : "`");
    return message;
  }
  // After it: the subcommand left it over (CLI11 then reports "not expected").
  for (const std::string& arg : sub.remaining()) {
    const std::string name = arg.substr(0, arg.find('='));
    if (absl::StartsWith(name, "-") && app.get_option_no_throw(name) != nullptr)
      return absl::StrCat(name, " is an option", not_of);
  }
  return std::nullopt;
}

}  // namespace cb
