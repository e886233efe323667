// Writing a Plan as Ninja text, to a sink or a string; never touches the disk itself.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "generator/model.h"

namespace cb {

// Everything besides the plan that build.ninja names.
struct BuildFileInfo {
  std::string cbgen;                                 // path of the cbgen executable
  std::string cbrun;                                 // path of the cbrun executable
  std::filesystem::path config;                      // OUT/config.json, as seen from build.ninja
  std::filesystem::path build_file = "build.ninja";  // this file, as seen from its folder
  std::vector<std::string> regen_args;               // cbgen's arguments to write it again
  std::vector<std::filesystem::path> regen_inputs;   // regenerate when these change
  int pull_jobs = 2;
  int max_runs = 0;  // 0: no cap beyond -j
};

// Receives build.ninja in pieces, in order, as it is rendered.
using NinjaSink = absl::FunctionRef<absl::Status(absl::string_view piece)>;

// Renders build.ninja into `sink` in pieces of about a megabyte through one
// reused buffer (135,000 run targets make 37 MB; streaming keeps memory and
// page faults small). Fails before the first piece when a name cannot be
// expressed in Ninja's syntax (a line break, or '|' in a path); afterwards
// only when the sink fails.
absl::Status WriteBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                             const BuildFileInfo& info, NinjaSink sink);

// The whole text in one string (tests, small plans).
absl::StatusOr<std::string> RenderBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                                             const BuildFileInfo& info);

// The same text written to `os`; nothing is written when rendering fails.
absl::Status WriteBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                             const BuildFileInfo& info, std::ostream& os);

}  // namespace cb
