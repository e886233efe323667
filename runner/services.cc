#include "runner/services.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "runner/container_tracker.h"
#include "runner/redis_service.h"

namespace cb {
namespace fs = std::filesystem;
namespace {

class RealServices : public AttemptServices {
 public:
  RealServices(const RunConfig& config, const fs::path& out_dir)
      : config_(config), services_dir_(out_dir / "services") {}

  absl::Status BeforeAttempt(Setting setting) override {
    if (!NeedsRedis(setting)) return absl::OkStatus();
    bool started = false;
    absl::Status s = EnsureRedis(config_, services_dir_, &started);
    if (!s.ok()) return s;
    if (started) {
      absl::StatusOr<RedisUrl> url = ParseRedisUrl(config_.redis_url);
      std::fprintf(stderr, "cbrun: nothing answered at %s; started %s there (data, pid, log: %s)\n",
                   config_.redis_url.c_str(), config_.redis_server.c_str(),
                   RedisDir(services_dir_, *url).c_str());
    }
    return absl::OkStatus();
  }

  std::vector<std::pair<std::string, std::string>> AttemptEnvironment(
      const std::string& attempt_id) override {
    shim_ready_ = false;
    real_docker_ = FindExecutable(config_.docker);
    if (real_docker_.empty()) return {};  // no docker here: nothing to track
    if (real_docker_[0] != '/') real_docker_ = fs::absolute(real_docker_).string();
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const fs::path shim_dir = services_dir_ / "shim";
    if (ec) return {};
    if (absl::Status s = PrepareShim(shim_dir, self); !s.ok()) {
      std::fprintf(stderr, "cbrun: warning: %s; containers of this attempt are not tracked\n",
                   std::string(s.message()).c_str());
      return {};
    }
    shim_ready_ = true;
    label_value_ = NewLabelValue(attempt_id);
    marker_ = shim_dir / absl::StrCat(label_value_, ".started");
    return ShimEnvironment(shim_dir, real_docker_, label_value_, marker_);
  }

  void AfterAttempt(const std::string& attempt_id) override {
    std::error_code ec;
    if (!shim_ready_ || !fs::exists(marker_, ec)) return;  // the attempt started no container
    absl::StatusOr<int> removed = RemoveAttemptContainers(real_docker_, label_value_);
    if (removed.ok()) fs::remove(marker_, ec);
    if (!removed.ok()) {
      std::fprintf(stderr, "cbrun: warning: %s\n", std::string(removed.status().message()).c_str());
    } else if (*removed > 0) {
      std::fprintf(stderr, "cbrun: removed %d container%s left by attempt %s\n", *removed,
                   *removed == 1 ? "" : "s", attempt_id.c_str());
    }
  }

 private:
  RunConfig config_;
  fs::path services_dir_;
  std::string real_docker_;
  std::string label_value_;  // of the current attempt
  fs::path marker_;          // exists once the attempt ran `docker run` or `docker create`
  bool shim_ready_ = false;
};

}  // namespace

std::unique_ptr<AttemptServices> MakeServices(const RunConfig& config, const fs::path& out_dir,
                                              Launcher&) {
  return std::make_unique<RealServices>(config, out_dir);
}

}  // namespace cb
