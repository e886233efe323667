#include "runner/services.h"

#include <stdlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "runner/container_tracker.h"
#include "runner/docker_proxy.h"
#include "runner/redis_service.h"
#include "util/process.h"

namespace cb {
namespace fs = std::filesystem;

fs::path MakeProxyDir(std::string* error) {
  const std::string leaf = "/cbrun-XXXXXX";
  const std::string socket = "/docker.sock";
  std::vector<std::string> bases;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && runtime[0] == '/') bases.emplace_back(runtime);
  bases.emplace_back("/tmp");
  std::string last;
  for (std::string base : bases) {
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    if (base.size() + leaf.size() + socket.size() > kMaxUnixSocketPath) continue;
    std::string templ = base + leaf;
    if (::mkdtemp(templ.data()) != nullptr) return templ;
    last = absl::StrCat("cannot create ", templ, ": ", std::strerror(errno));
  }
  *error = last.empty() ? "no folder with a path short enough for a unix socket" : last;
  return {};
}

namespace {

class RealServices : public AttemptServices {
 public:
  RealServices(const RunConfig& config, const fs::path& out_dir, Reporter& reporter)
      : config_(config), services_dir_(out_dir / "services"), reporter_(reporter) {}
  ~RealServices() override { EndProxy(); }

  absl::Status BeforeAttempt(Setting setting) override {
    if (!NeedsRedis(setting)) return absl::OkStatus();
    bool started = false;
    absl::Status s = EnsureRedis(config_, services_dir_, &started);
    if (!s.ok()) return s;
    if (started) {
      absl::StatusOr<RedisUrl> url = ParseRedisUrl(config_.redis_url);
      reporter_.Note(absl::StrCat(
          "nothing answered at ", config_.redis_url, "; started ", config_.redis_server,
          " there (data, pid, log: ", RedisDir(services_dir_, *url).string(), ")"));
    }
    return absl::OkStatus();
  }

  // Starts the attempt's Docker proxy and points cooperbench's DOCKER_HOST at it.
  std::vector<std::pair<std::string, std::string>> AttemptEnvironment(
      const std::string& attempt_id) override {
    EndProxy();  // an earlier attempt's, should AfterAttempt not have run
    // A cloud backend (modal, gcp: a build without image targets) makes no
    // Docker container on this machine: nothing to proxy or clean up.
    if (config_.image_targets == 0) return {};
    real_docker_ = FindExecutable(config_.docker);
    if (real_docker_.empty()) return {};  // no docker here: nothing could clean up
    if (real_docker_[0] != '/') real_docker_ = fs::absolute(real_docker_).string();
    auto untracked = [&](const std::string& why) {
      reporter_.Note(absl::StrCat("warning: ", why, "; containers of attempt ", attempt_id,
                                  " are not tracked"));
      return std::vector<std::pair<std::string, std::string>>{};
    };
    // The proxy speaks plain HTTP to the daemon that DOCKER_HOST (or the
    // default socket) names: a context or TLS would make the CLI go elsewhere.
    for (const char* var : {"DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"}) {
      const std::string value = std::getenv(var) ? std::getenv(var) : "";
      if (value.empty() || (value == "default" && std::string(var) == "DOCKER_CONTEXT")) continue;
      return untracked(absl::StrCat(var,
                                    " is set (cbrun's Docker proxy supports only a plain "
                                    "DOCKER_HOST or the default socket)"));
    }
    std::string error;
    proxy_dir_ = MakeProxyDir(&error);
    if (proxy_dir_.empty()) return untracked(error);
    label_value_ = NewLabelValue(attempt_id);
    marker_ = proxy_dir_ / "created";
    const char* host = std::getenv("DOCKER_HOST");
    absl::StatusOr<std::unique_ptr<DockerProxy>> proxy =
        DockerProxy::Start(host ? host : "", proxy_dir_ / "docker.sock", label_value_, marker_);
    if (!proxy.ok()) {
      RemoveProxyDir();
      return untracked(absl::StrCat("cannot start the Docker proxy: ", proxy.status().message()));
    }
    proxy_ = *std::move(proxy);
    return {{"DOCKER_HOST", proxy_->docker_host()}};
  }

  void AfterAttempt(const std::string& attempt_id) override {
    if (!proxy_) return;
    proxy_->Stop();  // no request of the attempt reaches the daemon after this
    const DockerProxy::Stats stats = proxy_->stats();
    std::error_code ec;
    const bool created = fs::exists(marker_, ec);
    EndProxy();
    if (stats.refused > 0)
      reporter_.Note(absl::StrCat("warning: the Docker proxy of attempt ", attempt_id, " closed ",
                                  stats.refused, " connection", stats.refused == 1 ? "" : "s",
                                  " on a request it could not handle (last: ", stats.last_problem,
                                  ")"));
    if (!created) return;  // the attempt created no container
    absl::StatusOr<int> removed = RemoveAttemptContainers(real_docker_, label_value_);
    if (!removed.ok()) {
      reporter_.Note(absl::StrCat("warning: ", removed.status().message()));
    } else if (*removed > 0) {
      reporter_.Note(absl::StrCat("removed ", *removed, " container", *removed == 1 ? "" : "s",
                                  " left by attempt ", attempt_id));
    }
  }

 private:
  void RemoveProxyDir() {
    std::error_code ec;
    if (!proxy_dir_.empty()) fs::remove_all(proxy_dir_, ec);
    proxy_dir_.clear();
  }
  void EndProxy() {
    if (proxy_) proxy_->Stop();
    proxy_.reset();
    RemoveProxyDir();
  }

  RunConfig config_;
  fs::path services_dir_;
  Reporter& reporter_;
  std::string real_docker_;
  std::string label_value_;  // of the current attempt
  fs::path proxy_dir_;       // the proxy's socket and the marker
  fs::path marker_;          // exists once the proxy forwarded a container create
  std::unique_ptr<DockerProxy> proxy_;
};

}  // namespace

std::unique_ptr<AttemptServices> MakeServices(const RunConfig& config, const fs::path& out_dir,
                                              Reporter& reporter) {
  return std::make_unique<RealServices>(config, out_dir, reporter);
}

}  // namespace cb
