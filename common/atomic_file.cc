#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace cb {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::filesystem::path& path, int err) {
  std::string msg = absl::StrCat(what, " ", path.string(), ": ", std::strerror(err));
  if (err == ENOSPC || err == EDQUOT) absl::StrAppend(&msg, " (free some disk space and run again)");
  if (err == EACCES || err == EPERM || err == EROFS)
    absl::StrAppend(&msg, " (make the folder writable or choose another with --out)");
  return absl::Status(err == ENOENT ? absl::StatusCode::kNotFound : absl::StatusCode::kInternal,
                      msg);
}

absl::Status SyncDir(const std::filesystem::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open folder", dir, errno);
  ::fsync(fd);  // best effort: some file systems refuse fsync on folders
  ::close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileAtomically(const std::filesystem::path& path, absl::string_view contents,
                                 Overwrite mode) {
  const std::filesystem::path dir = path.parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return ErrnoError("cannot create folder", dir, ec.value());
  }
  std::string tmpl = (dir.empty() ? std::filesystem::path(".") : dir) /
                     absl::StrCat(".", path.filename().string(), ".tmp.XXXXXX");
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot create a temporary file in", dir, errno);
  const std::filesystem::path tmp = tmpl;
  auto fail = [&](absl::string_view what, int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return ErrnoError(what, path, err);
  };
  ::fchmod(fd, 0644);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write", errno);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot flush", errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoError("cannot close", path, err);
  }
  if (mode == Overwrite::kNever) {
    // link() fails with EEXIST instead of replacing: a finished record is never overwritten.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      if (err == EEXIST)
        return absl::AlreadyExistsError(absl::StrCat(path.string(), " exists already; left as it is"));
      return ErrnoError("cannot create", path, err);
    }
    ::unlink(tmp.c_str());
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoError("cannot replace", path, err);
  }
  return SyncDir(dir);
}

absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("cannot read", path, errno ? errno : ENOENT);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return ErrnoError("cannot read", path, errno);
  return ss.str();
}

}  // namespace cb
