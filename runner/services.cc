#include "runner/services.h"

#include <stdlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/process.h"
#include "runner/container_tracker.h"
#include "runner/docker_proxy.h"
#include "runner/redis_service.h"

namespace cb {
namespace fs = std::filesystem;

fs::path MakeProxyDir(std::string* error) {
  constexpr size_t kMaxSocketPath = 107;
  const std::string leaf = "/cbrun-XXXXXX";
  const std::string socket = "/docker.sock";
  std::vector<std::string> bases;
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && runtime[0] == '/') bases.emplace_back(runtime);
  bases.emplace_back("/tmp");
  std::string last;
  for (std::string base : bases) {
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    if (base.size() + leaf.size() + socket.size() > kMaxSocketPath) continue;
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
  RealServices(const RunConfig& config, const fs::path& out_dir)
      : config_(config), services_dir_(out_dir / "services") {}
  ~RealServices() override { EndProxy(); }

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
      std::fprintf(stderr, "cbrun: warning: %s; containers of attempt %s are not tracked\n",
                   why.c_str(), attempt_id.c_str());
      return std::vector<std::pair<std::string, std::string>>{};
    };
    // The proxy speaks plain HTTP to the daemon that DOCKER_HOST (or the
    // default socket) names: a context or TLS would make the CLI go elsewhere.
    for (const char* var : {"DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"}) {
      const std::string value = std::getenv(var) ? std::getenv(var) : "";
      if (value.empty() || (value == "default" && std::string(var) == "DOCKER_CONTEXT")) continue;
      return untracked(absl::StrCat(var, " is set (cbrun's Docker proxy supports only a plain "
                                         "DOCKER_HOST or the default socket)"));
    }
    std::string error;
    proxy_dir_ = MakeProxyDir(&error);
    if (proxy_dir_.empty()) return untracked(error);
    label_value_ = NewLabelValue(attempt_id);
    marker_ = proxy_dir_ / "created";
    const char* host = std::getenv("DOCKER_HOST");
    absl::StatusOr<std::unique_ptr<DockerProxy>> proxy = DockerProxy::Start(
        host ? host : "", proxy_dir_ / "docker.sock", label_value_, marker_);
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
      std::fprintf(stderr,
                   "cbrun: warning: the Docker proxy of attempt %s closed %d connection%s on a "
                   "request it could not handle (last: %s)\n",
                   attempt_id.c_str(), stats.refused, stats.refused == 1 ? "" : "s",
                   stats.last_problem.c_str());
    if (!created) return;  // the attempt created no container
    absl::StatusOr<int> removed = RemoveAttemptContainers(real_docker_, label_value_);
    if (!removed.ok()) {
      std::fprintf(stderr, "cbrun: warning: %s\n", std::string(removed.status().message()).c_str());
    } else if (*removed > 0) {
      std::fprintf(stderr, "cbrun: removed %d container%s left by attempt %s\n", *removed,
                   *removed == 1 ? "" : "s", attempt_id.c_str());
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
  std::string real_docker_;
  std::string label_value_;            // of the current attempt
  fs::path proxy_dir_;                 // the proxy's socket and the marker
  fs::path marker_;                    // exists once the proxy forwarded a container create
  std::unique_ptr<DockerProxy> proxy_;
};

}  // namespace

std::unique_ptr<AttemptServices> MakeServices(const RunConfig& config, const fs::path& out_dir,
                                              Launcher&) {
  return std::make_unique<RealServices>(config, out_dir);
}

}  // namespace cb
