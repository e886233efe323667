#include "core/attempt_file.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "util/atomic_file.h"
#include "util/json_read.h"

namespace cb {
namespace fs = std::filesystem;

fs::path AgentAttemptDir(const fs::path& pair_log_dir, int n) {
  return pair_log_dir / absl::StrCat("attempt-", n);
}
fs::path EvalAttemptDir(const fs::path& agent_attempt_dir, int m) {
  return agent_attempt_dir / absl::StrCat("eval-", m);
}

absl::Status WriteAttemptFile(const fs::path& attempt_dir, const AttemptFile& file) {
  boost::json::object o = AttemptToJson(file.attempt);
  o["ended"] = file.ended;
  return WriteFileAtomically(attempt_dir / kAttemptFileName, PrettyJson(o), Overwrite::kReplace);
}

absl::StatusOr<std::optional<AttemptFile>> ReadAttemptFile(const fs::path& attempt_dir) {
  const fs::path path = attempt_dir / kAttemptFileName;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<AttemptFile>();
  absl::StatusOr<boost::json::value> v = ReadJsonFile(path);
  if (!v.ok()) return v.status();
  absl::StatusOr<AttemptRecord> a = ParseAttempt(*v, path.string());
  if (!a.ok()) return a.status();
  return std::optional<AttemptFile>(AttemptFile{*a, BoolField(*v, "ended").value_or(false)});
}

std::vector<std::pair<int, fs::path>> NumberedDirs(const fs::path& dir, const std::string& prefix) {
  std::vector<std::pair<int, fs::path>> found;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    absl::string_view rest = name;
    int n = 0;
    if (!absl::ConsumePrefix(&rest, prefix) || !absl::SimpleAtoi(rest, &n) || n <= 0 ||
        absl::StrCat(prefix, n) != name || !it->is_directory(ec))
      continue;
    found.emplace_back(n, it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

int RecordedAttempts(const fs::path& pair_log_dir) {
  absl::StatusOr<boost::json::value> v = ReadJsonFile(pair_log_dir / "recorded.json");
  if (!v.ok()) return -1;
  return static_cast<int>(IntField(*v, "attempts").value_or(-1));
}

absl::Status MarkRecordedAttempts(const fs::path& pair_log_dir, int attempts) {
  boost::json::object o{{"attempts", attempts}};
  return WriteFileAtomically(pair_log_dir / "recorded.json", PrettyJson(o), Overwrite::kReplace);
}

absl::Status WriteReevalRequest(const fs::path& pair_log_dir, int agent_attempt) {
  boost::json::object o{{"agent_attempt", agent_attempt}};
  return WriteFileAtomically(pair_log_dir / kReevalFileName, PrettyJson(o), Overwrite::kReplace);
}

absl::StatusOr<int> ReadReevalRequest(const fs::path& pair_log_dir) {
  const fs::path path = pair_log_dir / kReevalFileName;
  std::error_code ec;
  if (!fs::exists(path, ec)) return 0;
  absl::StatusOr<boost::json::value> v = ReadJsonFile(path);
  if (!v.ok()) return v.status();
  const std::optional<long long> n = IntField(*v, "agent_attempt");
  if (!n || *n <= 0 || *n > 1'000'000)
    return absl::InvalidArgumentError(
        absl::StrCat(path.string(), ": \"agent_attempt\" must be a positive number (delete the "
                     "file to run the pair's agents again)"));
  return static_cast<int>(*n);
}

absl::Status RemoveReevalRequest(const fs::path& pair_log_dir) {
  std::error_code ec;
  fs::remove(pair_log_dir / kReevalFileName, ec);
  if (ec)
    return absl::InternalError(
        absl::StrCat("cannot remove ", (pair_log_dir / kReevalFileName).string(), ": ", ec.message()));
  return absl::OkStatus();
}

}  // namespace cb
