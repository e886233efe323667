// An exclusive advisory lock on a file (flock), released when the object dies
// or the process exits, so a crashed holder never leaves a stale lock.
#pragma once

#include <filesystem>

#include "absl/status/statusor.h"

namespace cb {

class FileLock {
 public:
  enum class Wait { kBlock, kTry };
  // Creates the file (and its folder) if needed and locks it. With kTry,
  // returns Unavailable when another process holds it.
  static absl::StatusOr<FileLock> Acquire(const std::filesystem::path& path, Wait wait);
  // True when another process holds a lock on `path`: probed with a shared
  // non-blocking lock, released at once (a holder-to-be locks at once after).
  // A missing file is not held; the file is never created.
  static bool Held(const std::filesystem::path& path);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace cb
