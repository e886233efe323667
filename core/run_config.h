// Operational knobs cbgen hands to cbrun through OUT/config.json rather than
// through build.ninja: changing them must not change any edge's command line,
// or Ninja would re-run (and re-pay for) finished pairs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "util/redact.h"

namespace cb {

// A model of the build and where its provider's key lives.
struct ModelKey {
  std::string model;
  std::string provider;     // litellm's (core/provider.h); "" when not known
  std::string api_key_env;  // the variable holding its key
};

struct RunConfig {
  std::string cooperbench = "cooperbench";  // executable, looked up on PATH if bare
  std::string docker = "docker";
  std::string redis_server = "redis-server";
  std::string dataset_dir;  // absolute; passed as --dataset-dir
  int timeout_s = 600;      // wall clock per agent attempt (`cooperbench run --no-auto-eval`)
  int retries = 2;          // extra agent attempts after an infra_error
  // The evaluation (`cooperbench eval`, no model calls) apart: its own wall
  // clock (upstream's own test-run limit is 600 s) and its own retries, so
  // evaluation trouble never re-runs (and re-pays) the agents.
  int eval_timeout_s = 600;
  int eval_retries = 2;
  double grace_s = 10;    // between TERM and KILL
  double backoff_s = 30;  // first retry delay, doubled each time
  double backoff_max_s = 600;
  // The Redis URL as shown: its password (if any) as ***. This is what
  // config.json and every message hold; RedisUrlWithPassword() is the URL
  // that works.
  std::string redis_url = "redis://localhost:6379";
  // Where the URL with its password is kept, relative to config.json's folder
  // (secrets/redis-url, mode 0600); empty: redis_url has no password.
  std::string redis_url_file;
  // The URL with its password, read from redis_url_file by Load() (never
  // written to config.json); empty: redis_url is the whole URL.
  std::string redis_url_secret;
  std::string registry = "akhatua";  // pull PREFIX/cooperbench-<repo>:task<id>
  int pull_retries = 2;
  double min_free_gb = 2;  // per image still to pull
  std::string api_key_env = "COHERE_API_KEY";
  std::string model =
      "command-a-03-2025";  // for doctor's price check; runs get -m from build.ninja
  // Every model of the build (cbgen --models), with its key's variable; a
  // model not listed uses api_key_env.
  std::vector<ModelKey> models;
  std::optional<double> budget_warn_usd;
  int image_targets = 0;   // pull targets in build.ninja (for the disk check)
  int coop_comm_runs = 0;  // coop-comm targets: the preflight checks Redis

  // The variable holding `model`'s key.
  const std::string& KeyEnvFor(absl::string_view model) const;
  // The variables holding the build's keys: api_key_env, then every other
  // model's (in config.json's order, each once).
  std::vector<std::string> KeyVariables() const;
  // The models whose key is in `var`, comma-separated ("" when none is listed).
  std::string ModelsUsing(absl::string_view var) const;
  // The build's distinct providers (more than one: a rejected key stops only
  // its own provider's runs).
  std::vector<std::string> Providers() const;
  // Sets redis_url and redis_url_secret from a URL as the user typed it.
  void SetRedisUrl(absl::string_view url);
  // For cooperbench's --redis and a redis-server cbrun starts.
  const std::string& RedisUrlWithPassword() const {
    return redis_url_secret.empty() ? redis_url : redis_url_secret;
  }
  // A URL whose password is *** (a regeneration's `--redis redis://:***@HOST`)
  // gets its password back from OUT/secrets/redis-url, written by an earlier
  // cbgen. OK when there is nothing to restore.
  absl::Status RestoreRedisSecret(const std::filesystem::path& out_dir);
  // Keeps the URL's password in OUT/secrets/redis-url (mode 0600, folder
  // 0700) and points redis_url_file at it; with no password, removes an old one.
  absl::Status StoreRedisSecret(const std::filesystem::path& out_dir);
  // What must never be printed or written: the API key of api_key_env and
  // the other providers' keys in our environment, and the Redis password.
  Redactor MakeRedactor() const;

  boost::json::value ToJson() const;
  // Missing keys keep their defaults; a key of the wrong type is an error naming `source`.
  static absl::StatusOr<RunConfig> FromJson(const boost::json::value& v, absl::string_view source);
  // Also reads the Redis URL with its password from redis_url_file.
  static absl::StatusOr<RunConfig> Load(const std::filesystem::path& path);
};

}  // namespace cb
