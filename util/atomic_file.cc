#include "util/atomic_file.h"

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
  if (err == ENOSPC || err == EDQUOT)
    absl::StrAppend(&msg, " (free some disk space and run again)");
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

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path) : path_(std::move(path)) {
  const std::filesystem::path dir = path_.parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      status_ = ErrnoError("cannot create folder", dir, ec.value());
      return;
    }
  }
  std::string tmpl = (dir.empty() ? std::filesystem::path(".") : dir) /
                     absl::StrCat(".", path_.filename().string(), ".tmp.XXXXXX");
  fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd_ < 0) {
    status_ = ErrnoError("cannot create a temporary file in", dir, errno);
    return;
  }
  tmp_ = tmpl;
  ::fchmod(fd_, 0644);
}

AtomicFileWriter::~AtomicFileWriter() {
  Discard();
}

void AtomicFileWriter::Discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!tmp_.empty()) {
    ::unlink(tmp_.c_str());
    tmp_.clear();
  }
}

absl::Status AtomicFileWriter::Fail(absl::string_view what, int err) {
  Discard();
  status_ = ErrnoError(what, path_, err);
  return status_;
}

absl::Status AtomicFileWriter::Append(absl::string_view piece) {
  if (!status_.ok()) return status_;
  if (fd_ < 0) return status_ = absl::FailedPreconditionError("file already committed");
  size_t done = 0;
  while (done < piece.size()) {
    ssize_t n = ::write(fd_, piece.data() + done, piece.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail("cannot write", errno);
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status AtomicFileWriter::Commit(Overwrite mode, Durability durability) {
  if (!status_.ok()) return status_;
  if (fd_ < 0) return status_ = absl::FailedPreconditionError("file already committed");
  // The file's time is the moment it takes its place, not its last write:
  // build.ninja must be newer than what cbgen wrote while streaming it
  // (config.json), or Ninja would see its own manifest as out of date.
  if (::futimens(fd_, nullptr) != 0) return Fail("cannot set the time of", errno);
  if (durability == Durability::kSynced && ::fsync(fd_) != 0) return Fail("cannot flush", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Fail("cannot close", errno);
  if (mode == Overwrite::kNever) {
    // link() fails with EEXIST instead of replacing: a finished record is never overwritten.
    if (::link(tmp_.c_str(), path_.c_str()) != 0) {
      const int err = errno;
      Discard();
      if (err == EEXIST)
        return status_ = absl::AlreadyExistsError(
                   absl::StrCat(path_.string(), " exists already; left as it is"));
      return status_ = ErrnoError("cannot create", path_, err);
    }
    Discard();
  } else if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    return Fail("cannot replace", errno);
  } else {
    tmp_.clear();
  }
  return durability == Durability::kSynced ? SyncDir(path_.parent_path()) : absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::filesystem::path& path, absl::string_view contents,
                                 Overwrite mode, Durability durability) {
  AtomicFileWriter file(path);
  if (absl::Status s = file.Append(contents); !s.ok()) return s;
  return file.Commit(mode, durability);
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
