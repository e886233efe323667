// Escaping for Ninja files. Three separate modes, so nothing is escaped twice
// or not at all:
//  - EscapePath: a path on a `build` line (where ' ', ':' and '$' are special);
//  - EscapeValue: the text of a variable value (where '$' is special);
//  - EscapeShellArg: a value that also reaches /bin/sh as one argument.
// Ninja cannot express newlines in any of them, nor '|' in a path: those are errors.
#pragma once

#include <string>
#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace cb {

absl::StatusOr<std::string> EscapePath(absl::string_view path);
absl::StatusOr<std::string> EscapeValue(absl::string_view value);
// POSIX shell quoting: the argument unchanged when it is made only of safe
// characters, else in single quotes (with ' written as '\'').
std::string ShellQuote(absl::string_view arg);
absl::StatusOr<std::string> EscapeShellArg(absl::string_view arg);

}  // namespace cb
