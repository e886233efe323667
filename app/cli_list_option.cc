// A comma-separated list option, read the same way by every command (issue 24 item 4).
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "app/cli.h"

namespace cb {

absl::StatusOr<std::vector<std::string>> SplitListOption(absl::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty())
      return absl::InvalidArgumentError(absl::StrCat(
          "an empty item in the comma-separated list \"", text,
          "\" (two commas in a row, or one at an end)"));
    items.emplace_back(item);
  }
  return items;
}

CLI::Option* AddListOption(CLI::App* app, const std::string& names,
                           std::vector<std::string>* target, const std::string& description) {
  // Not CLI11's delimiter: it drops empty items before any check could see them.
  CLI::Option* option = app->add_option_function<std::vector<std::string>>(
      names,
      [target](const std::vector<std::string>& given) {
        target->clear();
        for (const std::string& text : given) {
          absl::StatusOr<std::vector<std::string>> items = SplitListOption(text);  // checked
          for (std::string& item : *items) target->push_back(std::move(item));
        }
      },
      description);
  option->check(CLI::Validator(
      [](std::string& text) -> std::string {
        absl::StatusOr<std::vector<std::string>> items = SplitListOption(text);
        return items.ok() ? "" : std::string(items.status().message());
      },
      "ITEM,..."));
  if (!target->empty()) option->default_str(absl::StrJoin(*target, ","));
  return option;
}

}  // namespace cb
