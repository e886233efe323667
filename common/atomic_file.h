// Writing files so that a reader sees the old content or the whole new
// content, never a torn file: temp file in the same folder, fsync, rename.
#pragma once

#include "absl/strings/string_view.h"
#include <filesystem>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cb {

enum class Overwrite { kReplace, kNever };

// Writes `contents` to `path` atomically, creating parent folders.
// With Overwrite::kNever an existing file is left as it is and the result is
// AlreadyExists. A full disk or unwritable folder gives an error naming the
// path and leaves no partial file behind.
absl::Status WriteFileAtomically(const std::filesystem::path& path, absl::string_view contents,
                                 Overwrite mode = Overwrite::kReplace);

// Reads a whole file; NotFound if it does not exist.
absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path);

}  // namespace cb
