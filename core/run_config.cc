#include "core/run_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "util/atomic_file.h"
#include "util/json_read.h"
#include "util/redis_url.h"

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
  if (!redis_url_file.empty()) o["redis_url_file"] = redis_url_file;
  o["registry"] = registry;
  o["pull_retries"] = pull_retries;
  o["min_free_gb"] = min_free_gb;
  o["api_key_env"] = api_key_env;
  o["model"] = model;
  if (!models.empty()) {
    boost::json::array list;
    for (const ModelKey& m : models)
      list.push_back(boost::json::object{
          {"model", m.model}, {"provider", m.provider}, {"api_key_env", m.api_key_env}});
    o["models"] = std::move(list);
  }
  if (budget_warn_usd) o["budget_warn_usd"] = *budget_warn_usd;
  o["image_targets"] = image_targets;
  o["coop_comm_runs"] = coop_comm_runs;
  return o;
}

namespace {

// Under OUT: the Redis URL with its password, one line.
constexpr char kRedisSecretFile[] = "secrets/redis-url";

// The URL with its password from `file`; it must be `shown` once redacted.
// `asked_by` names what needs it, for the message.
absl::StatusOr<std::string> ReadRedisSecret(const std::filesystem::path& file,
                                            absl::string_view shown, absl::string_view asked_by) {
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok())
    return absl::FailedPreconditionError(absl::StrCat(
        asked_by, ": the Redis password is kept in ", file.string(), ", which cannot be read (",
        text.status().message(), "): run cbgen again with the whole --redis URL"));
  std::string url(absl::StripTrailingAsciiWhitespace(*text));
  if (RedactUrlPasswords(url) != shown)
    return absl::FailedPreconditionError(
        absl::StrCat(asked_by, ": ", file.string(), " holds the URL of another Redis (",
                     RedactUrlPasswords(url), "): run cbgen again with the whole --redis URL"));
  return url;
}

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

// "models": [{"model", "provider", "api_key_env"}, ...]; errors name `source`.
absl::Status TakeModels(const boost::json::value& v, absl::string_view source,
                        std::vector<ModelKey>* models) {
  const boost::json::value* list = Field(v, "models");
  if (list == nullptr) return absl::OkStatus();
  if (!list->is_array())
    return absl::InvalidArgumentError(absl::StrCat(source, ": \"models\" is not a list"));
  for (const boost::json::value& m : list->as_array()) {
    std::optional<std::string> model = StringField(m, "model");
    std::optional<std::string> env = StringField(m, "api_key_env");
    if (!model || !env || model->empty() || env->empty())
      return absl::InvalidArgumentError(absl::StrCat(
          source, ": \"models\": an entry lacks \"model\" or \"api_key_env\": run cbgen again"));
    models->push_back(ModelKey{*model, StringField(m, "provider").value_or(""), *env});
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
           Take(v, "redis_url_file", source, &c.redis_url_file),
           Take(v, "registry", source, &c.registry),
           Take(v, "pull_retries", source, &c.pull_retries),
           Take(v, "min_free_gb", source, &c.min_free_gb),
           Take(v, "api_key_env", source, &c.api_key_env),
           Take(v, "model", source, &c.model),
           Take(v, "budget_warn_usd", source, &c.budget_warn_usd),
           Take(v, "image_targets", source, &c.image_targets),
           Take(v, "coop_comm_runs", source, &c.coop_comm_runs),
           TakeModels(v, source, &c.models),
       }) {
    if (!s.ok()) return s;
  }
  return c;
}

const std::string& RunConfig::KeyEnvFor(absl::string_view name) const {
  for (const ModelKey& m : models)
    if (m.model == name) return m.api_key_env;
  return api_key_env;
}

std::vector<std::string> RunConfig::KeyVariables() const {
  std::vector<std::string> vars = {api_key_env};
  for (const ModelKey& m : models)
    if (std::find(vars.begin(), vars.end(), m.api_key_env) == vars.end())
      vars.push_back(m.api_key_env);
  return vars;
}

std::string RunConfig::ModelsUsing(absl::string_view var) const {
  std::string names;
  for (const ModelKey& m : models)
    if (m.api_key_env == var) absl::StrAppend(&names, names.empty() ? "" : ", ", m.model);
  return names;
}

std::vector<std::string> RunConfig::Providers() const {
  std::vector<std::string> providers;
  for (const ModelKey& m : models)
    if (std::find(providers.begin(), providers.end(), m.provider) == providers.end())
      providers.push_back(m.provider);
  return providers;
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
  absl::StatusOr<RunConfig> c = FromJson(*v, path.string());
  if (!c.ok() || c->redis_url_file.empty()) return c;
  absl::StatusOr<std::string> secret =
      ReadRedisSecret(path.parent_path() / c->redis_url_file, c->redis_url, path.string());
  if (!secret.ok()) return secret.status();
  c->redis_url_secret = *std::move(secret);
  return c;
}

void RunConfig::SetRedisUrl(absl::string_view url) {
  redis_url = RedactUrlPasswords(url);
  const absl::string_view password = UrlPassword(url);
  redis_url_secret = password.empty() || password == kRedacted ? "" : std::string(url);
}

absl::Status RunConfig::RestoreRedisSecret(const std::filesystem::path& out_dir) {
  if (!redis_url_secret.empty() || UrlPassword(redis_url) != kRedacted) return absl::OkStatus();
  absl::StatusOr<std::string> secret =
      ReadRedisSecret(out_dir / kRedisSecretFile, redis_url, absl::StrCat("--redis ", redis_url));
  if (!secret.ok()) return secret.status();
  redis_url_secret = *std::move(secret);
  return absl::OkStatus();
}

absl::Status RunConfig::StoreRedisSecret(const std::filesystem::path& out_dir) {
  namespace fs = std::filesystem;
  const fs::path file = out_dir / kRedisSecretFile;
  std::error_code ec;
  if (redis_url_secret.empty()) {
    redis_url_file.clear();
    fs::remove(file, ec);
    return absl::OkStatus();
  }
  fs::create_directories(file.parent_path(), ec);
  fs::permissions(file.parent_path(), fs::perms::owner_all, ec);
  if (ec)
    return absl::FailedPreconditionError(absl::StrCat("cannot make ", file.parent_path().string(),
                                                      " for the Redis password: ", ec.message()));
  // Readable by its owner only from its first byte on.
  const fs::path tmp = absl::StrCat(file.string(), ".tmp.", ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const std::string text = absl::StrCat(redis_url_secret, "\n");
  const bool written = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (!written || ::rename(tmp.c_str(), file.c_str()) != 0) {
    const int why = written ? errno : err;
    fs::remove(tmp, ec);
    return absl::FailedPreconditionError(absl::StrCat("cannot write the Redis password to ",
                                                      file.string(), ": ", std::strerror(why)));
  }
  redis_url_file = kRedisSecretFile;
  return absl::OkStatus();
}

Redactor RunConfig::MakeRedactor() const {
  std::vector<std::string> more;
  if (!redis_url_secret.empty()) {
    const std::string password(UrlPassword(redis_url_secret));
    more = {password, PercentDecode(password)};
  }
  // Every model's key variable, whatever its name (--api-key-env MODEL=VAR).
  for (const ModelKey& m : models)
    if (m.api_key_env != api_key_env && m.api_key_env != "GOOGLE_APPLICATION_CREDENTIALS")
      if (const char* value = std::getenv(m.api_key_env.c_str()); value != nullptr)
        more.emplace_back(value);
  return Redactor::FromEnvironment(api_key_env, more);
}

}  // namespace cb
