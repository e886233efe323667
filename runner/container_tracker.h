// No container outlives its attempt. For each attempt cbrun runs a Docker
// Engine API proxy (runner/docker_proxy.h) and gives cooperbench
// DOCKER_HOST=unix://<its socket>; the proxy labels every container the
// attempt creates, through the docker CLI or the Docker Python SDK alike, with
// cbrun.attempt=<label value>. After the attempt, whatever way it ended, cbrun
// removes exactly the containers with that label. The label's value is unique
// on the machine (attempt id plus a random token): two builds in different
// folders have the same attempt ids, never the same labels.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace cb {

inline constexpr char kAttemptLabel[] = "cbrun.attempt";

// "<attempt id>.<16 random hex digits>": the label value of one attempt.
std::string NewLabelValue(const std::string& attempt_id);

// Removes (docker rm -f) every container with this label value, and only
// those, with `docker` (the real CLI, in cbrun's own environment). Returns how
// many it removed; an error when docker cannot list them.
absl::StatusOr<int> RemoveAttemptContainers(const std::string& docker,
                                            const std::string& label_value);

}  // namespace cb
