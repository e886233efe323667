#include "runner/provider_gate.h"

#include <cstdlib>

#include <boost/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "util/atomic_file.h"
#include "util/json_read.h"
#include "runner/preflight.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// What the user is told with every stopped run.
std::string WhatNext(const std::string& provider, const std::string& key_env) {
  return absl::StrCat("; the ", provider.empty() ? "other" : provider,
                      " runs of this ninja are stopped (no record), the other providers' runs go "
                      "on: fix ",
                      key_env, " and run ninja again");
}

}  // namespace

ProviderGate::ProviderGate(const RunConfig& config, const fs::path& out_dir,
                           const std::string& model)
    : model_(model), key_env_(config.KeyEnvFor(model)) {
  for (const ModelKey& m : config.models)
    if (m.model == model) provider_ = m.provider;
  if (config.Providers().size() < 2) return;
  std::optional<NinjaProcess> ninja = FindNinjaAncestor();
  if (!ninja) return;
  active_ = true;
  std::string safe = provider_.empty() ? "other" : provider_;
  for (char& c : safe)
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  marker_ = out_dir / "services" /
            absl::StrCat("provider-stop-", safe, "-", ninja->pid, "-", ninja->start_time, ".json");
}

std::optional<std::string> ProviderGate::Stopped() const {
  if (!active_) return std::nullopt;
  absl::StatusOr<boost::json::value> v = ReadJsonFile(marker_);
  if (!v.ok()) return std::nullopt;
  return absl::StrCat(StringField(*v, "why").value_or("stopped"), WhatNext(provider_, key_env_));
}

std::optional<std::string> ProviderGate::StopIfKeyMissing() {
  if (!active_) return std::nullopt;
  const char* value = std::getenv(key_env_.c_str());
  if (value != nullptr && *value != '\0') return std::nullopt;
  const std::string why =
      absl::StrCat(key_env_, " is not set (model ", model_, " needs it)");
  Stop(why);
  return absl::StrCat(why, WhatNext(provider_, key_env_));
}

bool ProviderGate::StopForFatal(Reason reason, const std::string& message) {
  if (!active_ || (reason != Reason::kAuthFailed && reason != Reason::kPermissionDenied))
    return false;
  Stop(message);
  return true;
}

void ProviderGate::Stop(const std::string& why) {
  const boost::json::object marker{{"provider", provider_}, {"api_key_env", key_env_},
                                   {"model", model_}, {"why", why}};
  std::error_code ec;
  fs::create_directories(marker_.parent_path(), ec);
  (void)WriteFileAtomically(marker_, PrettyJson(marker));
}

}  // namespace cb
