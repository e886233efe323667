#include "runner/image_puller.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log_tail.h"
#include "common/atomic_file.h"
#include "common/json_read.h"
#include "common/naming.h"
#include "common/record.h"
#include "common/disk_check.h"

namespace cb {
namespace {

bool Succeeded(const LaunchResult& r) {
  return r.outcome.started && r.outcome.exit_code == 0 && r.interrupt_signal == 0;
}

absl::Status Interrupted(const LaunchResult& r) {
  return absl::CancelledError(absl::StrCat("interrupted (signal ", r.interrupt_signal, ")"));
}

}  // namespace

absl::Status PullImage(const PullJob& job, const RunConfig& config, Launcher& launcher) {
  const std::string canonical = CanonicalImageName(job.repo, job.task_id);
  const std::string source = ImageName(config.registry, job.repo, job.task_id);
  auto docker = [&](std::vector<std::string> args, double timeout_s) {
    LaunchSpec spec;
    spec.argv = {config.docker};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.log_file = job.log_file;
    spec.timeout_s = timeout_s;
    spec.grace_s = 5;
    std::ofstream(job.log_file, std::ios::app) << "$ docker " << absl::StrJoin(args, " ") << "\n";
    return launcher.Run(spec);
  };

  LaunchResult inspect = docker({"image", "inspect", "--format", "{{.Id}}", canonical}, 120);
  if (inspect.interrupt_signal) return Interrupted(inspect);
  if (!inspect.outcome.started)
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot run docker: ", inspect.outcome.start_error, " (install Docker or pass --docker)"));
  std::string pulled_from;
  if (!Succeeded(inspect)) {
    // Room for this image and every other one still to pull.
    if (absl::Status s = CheckDockerDisk(config, job.stamp.parent_path(), 1); !s.ok()) return s;
    const int tries = config.pull_retries + 1;
    bool ok = false;
    for (int i = 1; i <= tries && !ok; ++i) {
      LaunchResult pull = docker({"pull", source}, 3 * 3600);
      if (pull.interrupt_signal) return Interrupted(pull);
      ok = Succeeded(pull);
      if (!ok && i < tries) {
        const double delay = config.backoff_s * (1 << (i - 1));
        std::fprintf(stderr, "cbrun: pull %s failed (try %d of %d); again in %.0fs\n",
                     source.c_str(), i, tries, delay);
        if (!launcher.Sleep(delay)) return Interrupted(pull);
      }
    }
    if (!ok)
      return absl::UnavailableError(absl::StrCat("pull ", source, " failed after ", tries,
                                                 " tries: ", LogTail(job.log_file, 3),
                                                 " (log: ", job.log_file.string(), ")"));
    if (source != canonical) {
      LaunchResult tag = docker({"tag", source, canonical}, 120);
      if (tag.interrupt_signal) return Interrupted(tag);
      if (!Succeeded(tag))
        return absl::InternalError(absl::StrCat("docker tag ", source, " ", canonical,
                                                " failed: ", LogTail(job.log_file, 2)));
    }
    pulled_from = source;
  }
  LaunchResult verify =
      docker({"run", "--rm", "--entrypoint", "", canonical, "test", "-d", "/workspace/repo"}, 600);
  if (verify.interrupt_signal) return Interrupted(verify);
  if (!Succeeded(verify))
    return absl::FailedPreconditionError(absl::StrCat(
        "image ", canonical, " failed its check (no /workspace/repo, or it does not start): ",
        LogTail(job.log_file, 2), " (log: ", job.log_file.string(), ")"));

  boost::json::object stamp{{"image", canonical},
                            {"pulled_from", pulled_from.empty() ? boost::json::value(nullptr)
                                                                : boost::json::value(pulled_from)},
                            {"verified_at", IsoTimeNow()}};
  return WriteFileAtomically(job.stamp, PrettyJson(stamp));
}

}  // namespace cb
