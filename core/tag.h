// A record's outcome: the word every record, report and retry decision uses.
#pragma once

#include <optional>

#include "absl/strings/string_view.h"

namespace cb {

enum class Tag { kPass, kFail, kInfraError };

// "pass", "fail", "infra_error"
inline absl::string_view TagName(Tag tag) {
  switch (tag) {
    case Tag::kPass: return "pass";
    case Tag::kFail: return "fail";
    case Tag::kInfraError: return "infra_error";
  }
  return "?";
}

// The tag a stored word names; nullopt for any other word.
inline std::optional<Tag> ParseTag(absl::string_view word) {
  for (Tag tag : {Tag::kPass, Tag::kFail, Tag::kInfraError})
    if (TagName(tag) == word) return tag;
  return std::nullopt;
}

}  // namespace cb
