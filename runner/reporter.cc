#include "runner/reporter.h"

#include <cstdio>

namespace cb {

void StderrReporter::Note(absl::string_view line) {
  std::fprintf(stderr, "cbrun: %.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

}  // namespace cb
