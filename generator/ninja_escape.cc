#include "generator/ninja_escape.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace cb {
namespace {

absl::Status Unwritable(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", absl::CHexEscape(text), "\" cannot be written to build.ninja: ", why));
}

absl::Status CheckCommon(absl::string_view text) {
  for (char c : text) {
    if (c == '\n' || c == '\r') return Unwritable(text, "it contains a line break");
    if (c == '\0') return Unwritable(text, "it contains a NUL byte");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> EscapePath(absl::string_view path) {
  if (absl::Status s = CheckCommon(path); !s.ok()) return s;
  if (path.empty()) return Unwritable(path, "a path cannot be empty");
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    switch (c) {
      case '|': return Unwritable(path, "Ninja has no escape for '|' in a path; rename it");
      case '$': out += "$$"; break;
      case ' ': out += "$ "; break;
      case ':': out += "$:"; break;
      default: out += c;
    }
  }
  return out;
}

absl::StatusOr<std::string> EscapeValue(absl::string_view value) {
  if (absl::Status s = CheckCommon(value); !s.ok()) return s;
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '$')
      out += "$$";
    else if (c == ' ' && i == 0)
      out += "$ ";  // Ninja strips a value's leading spaces
    else
      out += c;
  }
  return out;
}

std::string ShellQuote(absl::string_view arg) {
  auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/' || c == ',' || c == '+' || c == '=' || c == ':' ||
           c == '@' || c == '%';
  };
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), safe)) return std::string(arg);
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += "'";
  return out;
}

absl::StatusOr<std::string> EscapeShellArg(absl::string_view arg) {
  return EscapeValue(ShellQuote(arg));
}

}  // namespace cb
