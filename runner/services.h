// The real AttemptServices of cbrun: Redis for coop-comm (checked, and
// started for a loopback URL, before every coop-comm attempt), and the Docker
// proxy plus cleanup that keep an attempt's containers from outliving it.
#pragma once

#include <filesystem>
#include <memory>

#include "core/run_config.h"
#include "runner/attempt_services.h"
#include "runner/reporter.h"

namespace cb {

// Its notes (a Redis it started, containers it removed, warnings) go to `reporter`.
std::unique_ptr<AttemptServices> MakeServices(const RunConfig& config,
                                              const std::filesystem::path& out_dir,
                                              Reporter& reporter);

// A new private folder (mode 0700) for one attempt's proxy socket, short
// enough for a unix socket path: under $XDG_RUNTIME_DIR when that fits, else
// /tmp. Empty with `*error` set when none can be made.
std::filesystem::path MakeProxyDir(std::string* error);

}  // namespace cb
