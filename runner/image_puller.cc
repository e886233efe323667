#include "runner/image_puller.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "util/atomic_file.h"
#include "core/disk_check.h"
#include "util/json_read.h"
#include "util/log_tail.h"
#include "core/naming.h"
#include "core/record.h"

namespace cb {
namespace {

bool Succeeded(const LaunchResult& r) {
  return r.process.started && r.process.exit_code == 0 && r.interrupt_signal == 0;
}

// The signal is the launcher's (Launcher::interrupt_signal), which cbrun
// exits with (128 + it).
absl::Status Interrupted(int sig) {
  return absl::CancelledError(absl::StrCat("interrupted (signal ", sig,
                                           "); no stamp written, the pull runs again next time"));
}

}  // namespace

namespace {

// How long each docker command of a pull may take: local ones are quick, a
// pull of a several-GB image over a slow link is not.
constexpr double kDockerLocalTimeoutS = 120;
constexpr double kDockerPullTimeoutS = 3 * 3600;
// The check starts a container: an image's first start can be slow on a cold disk.
constexpr double kDockerVerifyTimeoutS = 600;
// Between TERM and KILL for a docker command at its timeout.
constexpr double kDockerGraceS = 5;

// The docker commands of one pull, each logged to the pull's log file.
class Puller {
 public:
  Puller(const PullJob& job, const RunConfig& config, Launcher& launcher, Reporter& reporter)
      : job_(job),
        config_(config),
        launcher_(launcher),
        reporter_(reporter),
        canonical_(CanonicalImageName(job.repo, job.task_id)),
        source_(ImageName(config.registry, job.repo, job.task_id)) {}

  absl::Status Run() {
    LaunchResult inspect =
        Docker({"image", "inspect", "--format", "{{.Id}}", canonical_}, kDockerLocalTimeoutS);
    if (inspect.interrupt_signal) return Interrupted(inspect.interrupt_signal);
    if (!inspect.process.started)
      return absl::FailedPreconditionError(
          absl::StrCat("cannot run docker: ", inspect.process.start_error,
                       " (install Docker or pass --docker)"));
    std::string pulled_from;
    if (!Succeeded(inspect)) {
      if (absl::Status s = PullAndTag(); !s.ok()) return s;
      pulled_from = source_;
    }
    if (absl::Status s = Verify(); !s.ok()) return s;
    boost::json::object stamp{
        {"image", canonical_},
        {"pulled_from",
         pulled_from.empty() ? boost::json::value(nullptr) : boost::json::value(pulled_from)},
        {"verified_at", IsoTimeNow()}};
    return WriteFileAtomically(job_.stamp, PrettyJson(stamp));
  }

 private:
  LaunchResult Docker(const std::vector<std::string>& args, double timeout_s) {
    ProcessSpec spec;
    spec.argv = {config_.docker};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.log_file = job_.log_file;
    spec.timeout_s = timeout_s;
    spec.grace_s = kDockerGraceS;
    std::ofstream(job_.log_file, std::ios::app) << "$ docker " << absl::StrJoin(args, " ") << "\n";
    return launcher_.Run(spec);
  }

  // Pulls (retried with backoff) and tags the image with its canonical name.
  absl::Status PullAndTag() {
    // Room for this image and every other one still to pull.
    if (absl::Status s = CheckDockerDisk(config_, job_.stamp.parent_path(), 1); !s.ok()) return s;
    const int tries = config_.pull_retries + 1;
    bool ok = false;
    for (int i = 1; i <= tries && !ok; ++i) {
      LaunchResult pull = Docker({"pull", source_}, kDockerPullTimeoutS);
      if (pull.interrupt_signal) return Interrupted(pull.interrupt_signal);
      ok = Succeeded(pull);
      if (!ok && i < tries) {
        const double delay = config_.backoff_s * (1 << (i - 1));
        reporter_.Note(absl::StrFormat("pull %s failed (try %d of %d); again in %.0fs", source_, i,
                                       tries, delay));
        if (!launcher_.Sleep(delay)) return Interrupted(launcher_.interrupt_signal());
      }
    }
    if (!ok)
      return absl::UnavailableError(absl::StrCat("pull ", source_, " failed after ", tries,
                                                 " tries: ", LogTail(job_.log_file, 3),
                                                 " (log: ", job_.log_file.string(), ")"));
    if (source_ == canonical_) return absl::OkStatus();
    LaunchResult tag = Docker({"tag", source_, canonical_}, kDockerLocalTimeoutS);
    if (tag.interrupt_signal) return Interrupted(tag.interrupt_signal);
    if (!Succeeded(tag))
      return absl::InternalError(absl::StrCat("docker tag ", source_, " ", canonical_,
                                              " failed: ", LogTail(job_.log_file, 2)));
    return absl::OkStatus();
  }

  absl::Status Verify() {
    LaunchResult verify =
        Docker({"run", "--rm", "--entrypoint", "", canonical_, "test", "-d", "/workspace/repo"},
               kDockerVerifyTimeoutS);
    if (verify.interrupt_signal) return Interrupted(verify.interrupt_signal);
    if (Succeeded(verify)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "image ", canonical_, " failed its check (no /workspace/repo, or it does not start): ",
        LogTail(job_.log_file, 2), " (log: ", job_.log_file.string(), ")"));
  }

  const PullJob& job_;
  const RunConfig& config_;
  Launcher& launcher_;
  Reporter& reporter_;
  const std::string canonical_;
  const std::string source_;
};

}  // namespace

absl::Status PullImage(const PullJob& job, const RunConfig& config, Launcher& launcher,
                       Reporter& reporter) {
  return Puller(job, config, launcher, reporter).Run();
}

}  // namespace cb
