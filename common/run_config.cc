#include "common/run_config.h"

#include "absl/strings/str_format.h"
#include "common/json_read.h"

namespace cb {

boost::json::value RunConfig::ToJson() const {
  boost::json::object o;
  o["schema"] = 1;
  o["cooperbench"] = cooperbench;
  o["docker"] = docker;
  o["redis_server"] = redis_server;
  o["dataset_dir"] = dataset_dir;
  o["timeout_s"] = timeout_s;
  o["retries"] = retries;
  o["eval_timeout_s"] = eval_timeout_s;
  o["eval_retries"] = eval_retries;
  o["grace_s"] = grace_s;
  o["backoff_s"] = backoff_s;
  o["backoff_max_s"] = backoff_max_s;
  o["redis_url"] = redis_url;
  o["registry"] = registry;
  o["pull_retries"] = pull_retries;
  o["min_free_gb"] = min_free_gb;
  o["api_key_env"] = api_key_env;
  o["model"] = model;
  if (budget_warn_usd) o["budget_warn_usd"] = *budget_warn_usd;
  o["image_targets"] = image_targets;
  o["coop_comm_runs"] = coop_comm_runs;
  return o;
}

namespace {

template <typename T>
absl::Status Take(const boost::json::value& v, absl::string_view key, absl::string_view source,
                  T* dst) {
  const boost::json::value* f = Field(v, key);
  if (f == nullptr || f->is_null()) return absl::OkStatus();
  auto bad = [&](absl::string_view want) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: \"%s\" must be %s; regenerate it with cbgen", source, key, want));
  };
  if constexpr (std::is_same_v<T, std::string>) {
    auto s = StringField(v, key);
    if (!s) return bad("a string");
    *dst = *s;
  } else if constexpr (std::is_same_v<T, int>) {
    auto n = IntField(v, key);
    if (!n || *n < 0 || *n > 1'000'000'000) return bad("a whole number >= 0");
    *dst = static_cast<int>(*n);
  } else if constexpr (std::is_same_v<T, double>) {
    auto n = NumberField(v, key);
    if (!n || *n < 0) return bad("a number >= 0");
    *dst = *n;
  } else {
    auto n = NumberField(v, key);
    if (!n || *n < 0) return bad("a number >= 0");
    *dst = *n;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunConfig> RunConfig::FromJson(const boost::json::value& v,
                                              absl::string_view source) {
  if (!v.is_object())
    return absl::InvalidArgumentError(absl::StrFormat("%s: expected a JSON object", source));
  RunConfig c;
  for (absl::Status s : {
           Take(v, "cooperbench", source, &c.cooperbench),
           Take(v, "docker", source, &c.docker),
           Take(v, "redis_server", source, &c.redis_server),
           Take(v, "dataset_dir", source, &c.dataset_dir),
           Take(v, "timeout_s", source, &c.timeout_s),
           Take(v, "retries", source, &c.retries),
           Take(v, "eval_timeout_s", source, &c.eval_timeout_s),
           Take(v, "eval_retries", source, &c.eval_retries),
           Take(v, "grace_s", source, &c.grace_s),
           Take(v, "backoff_s", source, &c.backoff_s),
           Take(v, "backoff_max_s", source, &c.backoff_max_s),
           Take(v, "redis_url", source, &c.redis_url),
           Take(v, "registry", source, &c.registry),
           Take(v, "pull_retries", source, &c.pull_retries),
           Take(v, "min_free_gb", source, &c.min_free_gb),
           Take(v, "api_key_env", source, &c.api_key_env),
           Take(v, "model", source, &c.model),
           Take(v, "budget_warn_usd", source, &c.budget_warn_usd),
           Take(v, "image_targets", source, &c.image_targets),
           Take(v, "coop_comm_runs", source, &c.coop_comm_runs),
       }) {
    if (!s.ok()) return s;
  }
  return c;
}

absl::StatusOr<RunConfig> RunConfig::Load(const std::filesystem::path& path) {
  auto v = ReadJsonFile(path);
  if (!v.ok()) {
    if (absl::IsNotFound(v.status()))
      return absl::NotFoundError(absl::StrFormat(
          "%s is missing: run cbgen again (it writes this file next to the records)",
          path.string()));
    return v.status();
  }
  return FromJson(*v, path.string());
}

}  // namespace cb
