#include "core/record_copy.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

long long MtimeNs(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return -1;
  return static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
}

std::string Errno(absl::string_view what, const fs::path& p) {
  return absl::StrCat("cannot ", what, " ", p.string(), ": ", std::strerror(errno));
}

}  // namespace

fs::path RecordCopyPath(const fs::path& pair_log_dir) {
  return pair_log_dir / "record.json";
}

absl::Status KeepRecordCopy(const fs::path& record, const fs::path& copy) {
  const fs::path temp = absl::StrCat(copy.string(), ".new");
  ::unlink(temp.c_str());
  if (::link(record.c_str(), temp.c_str()) != 0)
    return absl::InternalError(Errno("link the record to", temp));
  if (::rename(temp.c_str(), copy.c_str()) != 0)
    return absl::InternalError(Errno("rename to", copy));
  return absl::OkStatus();
}

long long NinjaLoggedMtime(const fs::path& ninja_log, absl::string_view output) {
  std::ifstream in(ninja_log);
  long long found = -1;
  std::string line;
  // v5 lines: start_ms TAB end_ms TAB mtime_ns TAB path TAB command_hash
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    if (f.size() < 5 || f[3] != output) continue;
    long long mtime = 0;
    if (absl::SimpleAtoi(f[2], &mtime)) found = mtime;
  }
  return found;
}

absl::StatusOr<RecoveryResult> RecoverRecord(const fs::path& record,
                                             absl::string_view record_as_ninja_names_it,
                                             const fs::path& copy, const fs::path& ninja_log) {
  RecoveryResult r;
  const long long copy_mtime = MtimeNs(copy);
  if (copy_mtime < 0) return r;
  // Ninja logs max(edge start, output mtime) for a finished edge: an entry at
  // least as new as the copy means it finished after this record existed.
  if (NinjaLoggedMtime(ninja_log, record_as_ninja_names_it) >= copy_mtime) {
    for (int n = 1;; ++n) {
      const fs::path aside = copy.parent_path() / absl::StrCat("record.deleted-", n, ".json");
      if (fs::exists(aside)) continue;
      if (::rename(copy.c_str(), aside.c_str()) != 0)
        return absl::InternalError(Errno("move aside", copy));
      r.recovery = Recovery::kSetAside;
      r.message = absl::StrCat(
          "its record was deleted after ninja had accepted it; the old one is kept as ",
          aside.string(), " and the pair runs again");
      return r;
    }
  }
  std::error_code ec;
  fs::create_directories(record.parent_path(), ec);
  if (::link(copy.c_str(), record.c_str()) != 0)
    return absl::InternalError(Errno("restore the record from", copy));
  r.recovery = Recovery::kRestored;
  r.message = absl::StrCat(
      "restored ", record.string(), " from ", copy.string(),
      ": ninja never accepted it (an interrupted ninja deletes the records of running edges, or "
      "its log ",
      ninja_log.string(),
      " is gone); nothing runs. To run the pair again on purpose, "
      "delete both files");
  return r;
}

}  // namespace cb
