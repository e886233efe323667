#include "util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace cb {

absl::StatusOr<FileLock> FileLock::Acquire(const std::filesystem::path& path, Wait wait) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return absl::InternalError(
        absl::StrCat("cannot open lock file ", path.string(), ": ", std::strerror(errno)));
  int op = LOCK_EX | (wait == Wait::kTry ? LOCK_NB : 0);
  while (::flock(fd, op) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return absl::UnavailableError(absl::StrCat(path.string(), " is locked by another process"));
    return absl::InternalError(
        absl::StrCat("cannot lock ", path.string(), ": ", std::strerror(err)));
  }
  return FileLock(fd);
}

bool FileLock::Held(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  int rc;
  do {
    rc = ::flock(fd, LOCK_SH | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  const bool held = rc != 0 && errno == EWOULDBLOCK;
  if (rc == 0) ::flock(fd, LOCK_UN);
  ::close(fd);
  return held;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace cb
