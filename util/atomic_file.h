// Writing files so that a reader sees the old content or the whole new
// content, never a torn file: temp file in the same folder, fsync, rename.
#pragma once

#include <filesystem>
#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cb {

enum class Overwrite { kReplace, kNever };

// kSynced: flushed to disk (file and folder) before it counts as written.
// kVolatile: renamed into place without a flush, still never torn, for files
// that only matter while their writer lives (a runner's current.json).
enum class Durability { kSynced, kVolatile };

// Writes `contents` to `path` atomically, creating parent folders.
// With Overwrite::kNever an existing file is left as it is and the result is
// AlreadyExists. A full disk or unwritable folder gives an error naming the
// path and leaves no partial file behind.
absl::Status WriteFileAtomically(const std::filesystem::path& path, absl::string_view contents,
                                 Overwrite mode = Overwrite::kReplace,
                                 Durability durability = Durability::kSynced);

// The same for a file written in pieces (build.ninja for the full dataset is
// tens of MB: streaming it keeps memory small). The content goes to a temp
// file beside `path`; Commit() flushes it to disk and renames it into place.
// Without Commit(), or after any failure, the temp file is removed and `path`
// is as it was.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Why the temp file could not be made, or OK.
  const absl::Status& status() const { return status_; }
  absl::Status Append(absl::string_view piece);
  absl::Status Commit(Overwrite mode = Overwrite::kReplace,
                      Durability durability = Durability::kSynced);

 private:
  absl::Status Fail(absl::string_view what, int err);
  void Discard();

  std::filesystem::path path_;
  std::filesystem::path tmp_;
  int fd_ = -1;
  absl::Status status_;
};

// Reads a whole file; NotFound if it does not exist.
absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path);

}  // namespace cb
