#include "core/disk_check.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "util/process.h"

namespace cb {
namespace fs = std::filesystem;
namespace {

// `docker info` answers in under a second; a daemon busy pulling or creating
// containers can take tens of seconds, and past a minute it is hung.
constexpr double kDockerInfoTimeoutS = 60;

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1e9) return absl::StrFormat("%.1f GB", b / 1e9);
  if (b >= 1e6) return absl::StrFormat("%.1f MB", b / 1e6);
  return absl::StrFormat("%.1f kB", b / 1e3);
}

absl::Status CheckDisk(const DiskFacts& f) {
  if (f.images_to_pull <= 0) return absl::OkStatus();
  const double needed = f.min_free_gb * 1e9 * f.images_to_pull;
  if (static_cast<double>(f.free_bytes) >= needed) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrFormat(
      "Docker's root dir %s has %s free, but %d image%s still to pull need %s (%g GB each, "
      "--min-free-gb): free space there, or move Docker's data root to a bigger mounted disk: "
      "set {\"data-root\": \"/mnt/big/docker\"} in /etc/docker/daemon.json and restart dockerd "
      "(or lower --min-free-gb if your images are smaller)",
      f.root_dir, FormatBytes(f.free_bytes), f.images_to_pull, f.images_to_pull == 1 ? "" : "s",
      FormatBytes(static_cast<uint64_t>(needed)), f.min_free_gb));
}

absl::StatusOr<std::string> DockerRootDir(const std::string& docker) {
  ProcessResult c =
      Capture({docker, "info", "--format", "{{.DockerRootDir}}"}, kDockerInfoTimeoutS);
  if (!c.started)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run docker: ", c.start_error, " (install Docker or pass --docker)"));
  std::string dir(absl::StripAsciiWhitespace(c.output));
  if (!c.ok() || dir.empty() || dir[0] != '/')
    return absl::UnavailableError(
        absl::StrCat("the Docker daemon does not answer (docker info: ", FirstLine(c.output),
                     "): start dockerd, or set DOCKER_HOST"));
  return dir;
}

absl::StatusOr<uint64_t> FreeBytes(const fs::path& dir) {
  struct statvfs s;
  if (::statvfs(dir.c_str(), &s) != 0)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the free space of ", dir.string(), ": ", std::strerror(errno)));
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

int ImagesStillToPull(const fs::path& images_dir, int image_targets) {
  int stamps = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(images_dir, ec))
    if (e.path().extension() == ".stamp") ++stamps;
  return std::max(0, image_targets - stamps);
}

absl::Status CheckDockerDisk(const RunConfig& config, const fs::path& images_dir, int at_least) {
  absl::StatusOr<std::string> root = DockerRootDir(config.docker);
  if (!root.ok()) return root.status();
  absl::StatusOr<uint64_t> free = FreeBytes(*root);
  if (!free.ok()) return free.status();
  return CheckDisk({*root, *free,
                    std::max(at_least, ImagesStillToPull(images_dir, config.image_targets)),
                    config.min_free_gb});
}

absl::Status CheckOutHasRoom(const std::filesystem::path& out_dir) {
  absl::StatusOr<uint64_t> free = FreeBytes(out_dir);
  if (!free.ok()) return free.status();
  if (*free >= kMinFreeOutBytes) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat(out_dir.string(), " is full (No space left on device: ", FormatBytes(*free),
                   " free, an attempt needs ", FormatBytes(kMinFreeOutBytes),
                   " for its logs and record): free some disk space, then run ninja again"));
}

}  // namespace cb
