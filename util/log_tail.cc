#include "util/log_tail.h"

#include <fstream>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace cb {

namespace {
// Enough for a traceback's last lines; a multi-megabyte agent log is never read whole.
constexpr std::streamoff kTailBytes = 64 * 1024;
}  // namespace

std::vector<std::string> LastLines(const std::filesystem::path& log, int lines) {
  std::ifstream in(log, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > kTailBytes ? size - kTailBytes : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  std::vector<std::string> all = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  if (static_cast<int>(all.size()) > lines) all.erase(all.begin(), all.end() - lines);
  return all;
}

std::string LogTail(const std::filesystem::path& log, int lines) {
  return absl::StrJoin(LastLines(log, lines), " | ");
}

}  // namespace cb
