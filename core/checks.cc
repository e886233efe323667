#include "core/checks.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/disk_check.h"
#include "util/process.h"
#include "core/redis_ping.h"
#include "util/redis_url.h"

namespace cb {
namespace fs = std::filesystem;
namespace {

// `docker version` answers in well under a second; a daemon busy pulling or
// creating containers can take tens of seconds, and past a minute it is hung.
constexpr double kDockerVersionTimeoutS = 60;

}  // namespace

std::string FormatCheck(const CheckResult& c) {
  return absl::StrCat(!c.ok ? "FAIL  " : c.warning ? "warn  " : "ok    ", c.name, ": ", c.detail);
}

CheckResult CheckDocker(const RunConfig& config, int images_to_pull) {
  CheckResult r{"docker", false, ""};
  ProcessResult v = Capture({config.docker, "version", "--format", "{{.Server.Version}}"},
                            kDockerVersionTimeoutS);
  if (!v.started) {
    r.detail = absl::StrCat("cannot run ", config.docker, ": ", v.start_error,
                            " (install Docker, or pass --docker PATH)");
    return r;
  }
  if (!v.ok()) {
    r.detail = absl::StrCat("the Docker daemon does not answer (", FirstLine(v.output),
                            "): start dockerd, or set DOCKER_HOST");
    return r;
  }
  const std::string version(absl::StripAsciiWhitespace(v.output));
  absl::StatusOr<std::string> root = DockerRootDir(config.docker);
  if (!root.ok()) {
    r.detail = std::string(root.status().message());
    return r;
  }
  absl::StatusOr<uint64_t> free = FreeBytes(*root);
  if (!free.ok()) {
    r.detail = std::string(free.status().message());
    return r;
  }
  if (absl::Status s = CheckDisk({*root, *free, images_to_pull, config.min_free_gb}); !s.ok()) {
    r.detail = std::string(s.message());
    return r;
  }
  r.ok = true;
  r.detail = absl::StrCat("daemon ", version, " answers; root dir ", *root, " has ",
                          FormatBytes(*free), " free");
  if (images_to_pull > 0)
    absl::StrAppend(&r.detail, " (", images_to_pull, " image", images_to_pull == 1 ? "" : "s",
                    " still to pull need ",
                    FormatBytes(static_cast<uint64_t>(config.min_free_gb * 1e9 * images_to_pull)),
                    ")");
  return r;
}

CheckResult CheckCooperbench(const RunConfig& config, CooperbenchRelease* release) {
  CheckResult r{"cooperbench", false, ""};
  absl::StatusOr<CooperbenchRelease> found = ProbeCooperbench(config.cooperbench);
  if (!found.ok()) {
    r.detail = std::string(found.status().message());
    return r;
  }
  const ReleaseSupport support = found->Support();
  if (!ReleaseRuns(support)) {
    r.detail = absl::StrCat(
        found->executable, " is release ", found->version,
        support == ReleaseSupport::kTooOld ? ", older than the oldest supported release "
                                           : ", which is not a version cbgen can compare; the "
                                             "oldest supported release is ",
        kOldestSupportedRelease, " (tested: ", kOldestSupportedRelease, " to ",
        kNewestSupportedRelease, "): pip install 'cooperbench>=", kOldestSupportedRelease,
        ",<=", kNewestSupportedRelease, "'");
    return r;
  }
  if (release != nullptr) *release = *found;
  r.ok = true;
  r.detail = absl::StrCat(found->executable, ": ", found->Describe(), "; mini-SWE-agent ",
                          found->DefaultAgent(), "; ",
                          found->has_log_dir ? "attempts log to --log-dir"
                                             : "no --log-dir: each attempt runs in its own folder");
  if (support == ReleaseSupport::kNewerUntested) {
    r.warning = true;
    absl::StrAppend(&r.detail, ". ", UntestedReleaseWarning(found->version));
  }
  return r;
}

CheckResult CheckModelPrice(const CooperbenchRelease& release, const std::string& model) {
  CheckResult r{"price", true, ""};
  absl::StatusOr<std::string> price = ProbeModelPrice(release, model);
  if (price.ok()) {
    r.detail = absl::StrCat("cooperbench's litellm prices ", model, ": ", *price);
    return r;
  }
  r.warning = true;
  r.detail = absl::StrCat(
      "cooperbench's litellm has no price for ", model, " (", price.status().message(),
      "): upstream then reports a cost of $0, which cbrun records as unknown; register a price "
      "with a JSON file named by LITELLM_MODEL_REGISTRY_PATH, e.g. {\"",
      model,
      "\": {\"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\": 1e-05, "
      "\"litellm_provider\": \"cohere_chat\", \"mode\": \"chat\"}}");
  return r;
}

CheckResult CheckApiKey(const std::string& env_name, const char* value) {
  CheckResult r{env_name, false, ""};
  if (value == nullptr || *value == '\0') {
    r.detail = absl::StrCat(env_name, " is not set: export ", env_name,
                            "=<your key> before ninja (or pass --api-key-env NAME to cbgen for "
                            "another model's key)");
    return r;
  }
  r.ok = true;
  r.detail = "set (value not shown)";
  return r;
}

CheckResult CheckRedis(const RunConfig& config) {
  CheckResult r{"redis", false, ""};
  absl::StatusOr<RedisUrl> url = ParseRedisUrl(config.redis_url);
  if (!url.ok()) {
    r.detail = std::string(url.status().message());
    return r;
  }
  absl::Status ping = PingRedis(*url, kRedisPingTimeoutS);
  if (ping.ok()) {
    r.ok = true;
    r.detail = absl::StrCat("answers PING at ", config.redis_url);
    return r;
  }
  if (absl::Status s = CanStartRedis(config.redis_url, *url); !s.ok()) {
    r.detail = absl::StrCat(s.message(), " (PING: ", ping.message(), ")");
    return r;
  }
  const std::string exe = FindExecutable(config.redis_server);
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0) {
    r.detail = absl::StrCat("nothing answers at ", config.redis_url, " and ", config.redis_server,
                            " is not found: apt-get install redis-server, pass --redis-server "
                            "PATH, or start Redis yourself");
    return r;
  }
  r.ok = true;
  r.detail = absl::StrCat("not running at ", config.redis_url, "; cbrun will start ", exe,
                          " there before the first coop-comm run");
  return r;
}

CheckResult CheckDatasetDir(const std::string& dataset_dir) {
  CheckResult r{"dataset", false, ""};
  std::error_code ec;
  fs::directory_iterator it(dataset_dir, ec);
  if (dataset_dir.empty() || ec) {
    r.detail = absl::StrCat("cannot read ", dataset_dir.empty() ? "(none)" : dataset_dir, ": ",
                            ec ? ec.message() : "no folder",
                            " (run `cooperbench prepare`, or pass --dataset-dir)");
    return r;
  }
  r.ok = true;
  r.detail = absl::StrCat(dataset_dir, " readable");
  return r;
}

}  // namespace cb
