// A record's outcome: the word every record, report and retry decision uses.
#pragma once

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

}  // namespace cb
