// A build of several providers' models (cbgen --models) stops only the runs of
// a provider whose key is missing or rejected; the others go on. Within one
// `ninja` invocation the first cbrun that finds the key missing or rejected
// leaves OUT/services/provider-stop-<provider>-<ninja pid>-<start time>.json,
// and every later run of that provider ends at once, saying why, with no
// record (exit 0, so that Ninja goes on with the other providers' runs; the
// next `ninja` tries the provider again). One provider, or cbrun not under
// ninja: nothing here applies, and a bad key stops the build as it always did.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/reason.h"
#include "core/run_config.h"

namespace cb {

class ProviderGate {
 public:
  // The gate of `model`'s provider; inactive unless the build has several
  // providers and cbrun runs under ninja.
  ProviderGate(const RunConfig& config, const std::filesystem::path& out_dir,
               const std::string& model);

  bool active() const { return active_; }
  // Why this provider's runs are stopped in this ninja, if they are.
  std::optional<std::string> Stopped() const;
  // A missing key, found before anything starts: stops the provider and says so.
  std::optional<std::string> StopIfKeyMissing();
  // A pair's fatal stop for a reason that is the key's (auth_failed,
  // permission_denied): stops the provider; true when it did.
  bool StopForFatal(Reason reason, const std::string& message);

 private:
  void Stop(const std::string& why);

  bool active_ = false;
  std::string model_, provider_, key_env_;
  std::filesystem::path marker_;
};

}  // namespace cb
