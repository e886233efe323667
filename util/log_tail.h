// The last lines of a log file, for messages and for reading why a process
// failed (argparse's usage error, an upstream traceback).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cb {

// The last `lines` non-empty lines of `log` (at most its last 64 KiB are read);
// empty when it cannot be read.
std::vector<std::string> LastLines(const std::filesystem::path& log, int lines);

// The same joined with " | ", for a one-line message.
std::string LogTail(const std::filesystem::path& log, int lines);

}  // namespace cb
