// No container outlives its attempt. cbrun puts OUT/services/shim first on
// cooperbench's PATH; there `docker` is a link to cbrun itself, which (called
// as `docker`) adds `--label cbrun.attempt=<attempt id>` to every `run` and
// `create` and then runs the real docker. After the attempt, whatever way it
// ended, cbrun removes exactly the containers with that label. The label's
// value is unique on the machine (attempt id plus a random token): two builds
// in different folders have the same attempt ids, never the same labels.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cb {

inline constexpr char kAttemptLabel[] = "cbrun.attempt";
inline constexpr char kRealDockerEnv[] = "CBRUN_REAL_DOCKER";
inline constexpr char kLabelValueEnv[] = "CBRUN_CONTAINER_LABEL";
// A file the shim creates before it runs a labelled `run`/`create`: cbrun asks
// docker for the attempt's containers only when it exists, so an attempt that
// started none (every attempt of a cloud backend) costs no `docker ps`.
inline constexpr char kMarkerEnv[] = "CBRUN_CONTAINER_MARKER";

// Pure: docker's arguments (without argv[0]) with the label added to
// `run`, `create`, `container run` and `container create`; others unchanged.
std::vector<std::string> LabelDockerArgs(const std::vector<std::string>& args,
                                         const std::string& label_value);

// "<attempt id>.<16 random hex digits>": the label value of one attempt.
std::string NewLabelValue(const std::string& attempt_id);

// cbrun's main when called as `docker`: creates $CBRUN_CONTAINER_MARKER when it
// labels a command, then execs $CBRUN_REAL_DOCKER with the labelled arguments.
// Returns only on error (the exit code); it refuses to start a container it
// could not mark, which would escape the cleanup.
int RunDockerShim(int argc, char** argv);

// Makes `shim_dir`/docker a link to `cbrun` (replaced atomically if it differs).
absl::Status PrepareShim(const std::filesystem::path& shim_dir, const std::filesystem::path& cbrun);

// The environment that puts the shim first on PATH for one attempt.
std::vector<std::pair<std::string, std::string>> ShimEnvironment(
    const std::filesystem::path& shim_dir, const std::string& real_docker,
    const std::string& label_value, const std::filesystem::path& marker);

// Removes (docker rm -f) every container with this label value, and only
// those. Returns how many it removed; an error when docker cannot list them.
absl::StatusOr<int> RemoveAttemptContainers(const std::string& docker,
                                            const std::string& label_value);

}  // namespace cb
