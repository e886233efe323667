// Docker needs room for the images still to pull. Checked before pulling:
// Docker's root dir (`docker info`) must have --min-free-gb per image left.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/run_config.h"

namespace cb {

struct DiskFacts {
  std::string root_dir;     // Docker's root dir
  uint64_t free_bytes = 0;  // available to Docker there
  int images_to_pull = 0;
  double min_free_gb = 2;  // per image still to pull
};

// Pure: OK when there is room; else an error naming the dir, the free and
// needed space, and how to move Docker's data root to a bigger disk.
absl::Status CheckDisk(const DiskFacts& facts);

// "79.3 GB", "24.0 kB".
std::string FormatBytes(uint64_t bytes);

// Docker's root dir, from `docker info --format '{{.DockerRootDir}}'`.
absl::StatusOr<std::string> DockerRootDir(const std::string& docker);

// Bytes available to unprivileged writers in the filesystem holding `dir`.
absl::StatusOr<uint64_t> FreeBytes(const std::filesystem::path& dir);

// Room an attempt needs in OUT for its logs and its record.
inline constexpr uint64_t kMinFreeOutBytes = 256 * 1024;

// OK when the filesystem holding `out_dir` has at least kMinFreeOutBytes free;
// else an error saying so. A full OUT is the disk's fault, not the pair's: an
// attempt that fails for it must not become the pair's record.
absl::Status CheckOutHasRoom(const std::filesystem::path& out_dir);

// Image targets of the build whose stamp is not in `images_dir` yet (at least 0).
int ImagesStillToPull(const std::filesystem::path& images_dir, int image_targets);

// The whole check for cbrun: root dir, free space, images still to pull
// (counted from the stamps, and at least `at_least`).
absl::Status CheckDockerDisk(const RunConfig& config, const std::filesystem::path& images_dir,
                             int at_least);

}  // namespace cb
