#include "runner/container_tracker.h"

#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "util/process.h"

namespace cb {
namespace {

// `docker ps` answers in under a second; a daemon busy creating or removing
// containers can take tens of seconds, and past a minute it is hung.
constexpr double kDockerPsTimeoutS = 60;
// `docker rm -f` kills and removes each container, deleting its writable
// layer: on a slow or busy disk several of them take more than a minute.
constexpr double kDockerRmTimeoutS = 120;
// Between the two looks: a create the daemon was still completing when the
// attempt ended shows up within a few hundred milliseconds.
constexpr auto kSecondLookDelay = std::chrono::milliseconds(300);

}  // namespace

std::string NewLabelValue(const std::string& attempt_id) {
  std::random_device rd;
  const uint64_t token = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return absl::StrCat(attempt_id, ".", absl::Hex(token, absl::kZeroPad16));
}

absl::StatusOr<int> RemoveAttemptContainers(const std::string& docker,
                                            const std::string& label_value) {
  const std::string filter = absl::StrCat("label=", kAttemptLabel, "=", label_value);
  int removed = 0;
  // A second look catches a container whose create the daemon was still
  // completing when the attempt ended (and its proxy closed the connection).
  for (int pass = 0; pass < 2; ++pass) {
    ProcessResult ps =
        Capture({docker, "ps", "-aq", "--no-trunc", "--filter", filter}, kDockerPsTimeoutS);
    if (!ps.ok())
      return absl::UnavailableError(
          absl::StrCat("docker ps --filter ", filter,
                       " failed: ", ps.started ? FirstLine(ps.output) : ps.start_error));
    std::vector<std::string> ids = absl::StrSplit(ps.output, '\n', absl::SkipWhitespace());
    if (ids.empty()) break;
    std::vector<std::string> rm = {docker, "rm", "-f"};
    rm.insert(rm.end(), ids.begin(), ids.end());
    ProcessResult r = Capture(rm, kDockerRmTimeoutS);
    if (!r.ok())
      return absl::InternalError(absl::StrCat("docker rm -f of the containers labelled ",
                                              label_value, " failed: ", FirstLine(r.output)));
    removed += static_cast<int>(ids.size());
    std::this_thread::sleep_for(kSecondLookDelay);
  }
  return removed;
}

}  // namespace cb
