#include "runner/reporter.h"

#include <cstdio>

namespace cb {

void StderrReporter::Note(absl::string_view line) {
  const std::string shown = redactor_.Redact(line);
  std::fprintf(stderr, "cbrun: %.*s\n", static_cast<int>(shown.size()), shown.data());
  std::fflush(stderr);
}

}  // namespace cb
