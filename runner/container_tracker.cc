#include "runner/container_tracker.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "runner/capture.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// docker's global options that take a value (docker 20.10).
bool GlobalOptionTakesValue(const std::string& a) {
  static const std::set<std::string> kWithValue = {
      "-H", "--host", "-c", "--context", "--config", "-l", "--log-level",
      "--tlscacert", "--tlscert", "--tlskey"};
  return kWithValue.count(a) > 0;
}

}  // namespace

std::string NewLabelValue(const std::string& attempt_id) {
  std::random_device rd;
  const uint64_t token = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return absl::StrCat(attempt_id, ".", absl::Hex(token, absl::kZeroPad16));
}

std::vector<std::string> LabelDockerArgs(const std::vector<std::string>& args,
                                         const std::string& label_value) {
  const std::string label = absl::StrCat(kAttemptLabel, "=", label_value);
  size_t i = 0;
  while (i < args.size() && absl::StartsWith(args[i], "-") && args[i] != "-") {
    if (args[i] == "--") return args;
    i += GlobalOptionTakesValue(args[i]) ? 2 : 1;
  }
  if (i >= args.size()) return args;
  size_t command = i;
  if (args[i] == "container") {
    command = i + 1;
    if (command >= args.size()) return args;
  }
  if (args[command] != "run" && args[command] != "create") return args;
  std::vector<std::string> out(args.begin(), args.begin() + command + 1);
  out.insert(out.end(), {"--label", label});
  out.insert(out.end(), args.begin() + command + 1, args.end());
  return out;
}

int RunDockerShim(int argc, char** argv) {
  const char* real = std::getenv(kRealDockerEnv);
  if (real == nullptr || *real == '\0') {
    std::fprintf(stderr,
                 "docker (cbrun shim): %s is not set; this shim only works inside an attempt "
                 "started by cbrun\n", kRealDockerEnv);
    return 127;
  }
  const char* id = std::getenv(kLabelValueEnv);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (id != nullptr && *id != '\0') {
    std::vector<std::string> labelled = LabelDockerArgs(args, id);
    const char* marker = std::getenv(kMarkerEnv);
    if (labelled != args && marker != nullptr && *marker != '\0') {
      const int fd = ::open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) {
        std::perror(absl::StrCat("docker (cbrun shim): cannot create ", marker,
                                 "; not starting a container cbrun could not clean up")
                        .c_str());
        return 125;
      }
      ::close(fd);
    }
    args = std::move(labelled);
  }
  std::vector<std::string> full = {real};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (std::string& s : full) cargs.push_back(s.data());
  cargs.push_back(nullptr);
  ::execv(real, cargs.data());
  std::perror(absl::StrCat("docker (cbrun shim): cannot run ", real).c_str());
  return 127;
}

absl::Status PrepareShim(const fs::path& shim_dir, const fs::path& cbrun) {
  std::error_code ec;
  fs::create_directories(shim_dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", shim_dir.string(), ": ", ec.message()));
  const fs::path link = shim_dir / "docker";
  if (fs::read_symlink(link, ec) == cbrun && !ec) return absl::OkStatus();
  const fs::path tmp = shim_dir / absl::StrCat(".docker.", ::getpid());
  fs::remove(tmp, ec);
  fs::create_symlink(cbrun, tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot make the docker shim ", link.string(), ": ", ec.message()));
  return absl::OkStatus();
}

std::vector<std::pair<std::string, std::string>> ShimEnvironment(const fs::path& shim_dir,
                                                                 const std::string& real_docker,
                                                                 const std::string& label_value,
                                                                 const fs::path& marker) {
  const char* path = std::getenv("PATH");
  return {{"PATH", absl::StrCat(shim_dir.string(), ":",
                                path ? path : "/usr/local/bin:/usr/bin:/bin")},
          {kRealDockerEnv, real_docker},
          {kLabelValueEnv, label_value},
          {kMarkerEnv, marker.string()}};
}

absl::StatusOr<int> RemoveAttemptContainers(const std::string& docker,
                                            const std::string& label_value) {
  const std::string filter = absl::StrCat("label=", kAttemptLabel, "=", label_value);
  int removed = 0;
  // A second look catches a container whose `docker run` was still in flight.
  for (int pass = 0; pass < 2; ++pass) {
    Captured ps = Capture({docker, "ps", "-aq", "--no-trunc", "--filter", filter}, 60);
    if (!ps.ok())
      return absl::UnavailableError(absl::StrCat(
          "docker ps --filter ", filter, " failed: ",
          ps.started ? FirstLine(ps.output) : ps.error));
    std::vector<std::string> ids = absl::StrSplit(ps.output, '\n', absl::SkipWhitespace());
    if (ids.empty()) break;
    std::vector<std::string> rm = {docker, "rm", "-f"};
    rm.insert(rm.end(), ids.begin(), ids.end());
    Captured r = Capture(rm, 120);
    if (!r.ok())
      return absl::InternalError(absl::StrCat("docker rm -f of the containers labelled ",
                                              label_value, " failed: ", FirstLine(r.output)));
    removed += static_cast<int>(ids.size());
    ::usleep(300 * 1000);
  }
  return removed;
}

}  // namespace cb
