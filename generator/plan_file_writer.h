// Writing a Plan as OUT/plan.json (the format: core/plan_file.h), to a sink
// or a string; never touches the disk itself.
#pragma once

#include <filesystem>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "generator/model.h"

namespace cb {

// Receives plan.json in pieces, in order.
using PlanFileSink = absl::FunctionRef<absl::Status(absl::string_view piece)>;

// Renders plan.json into `sink` in pieces of about a megabyte (the full
// dataset makes 135,000 runs). `build_file` is build.ninja's absolute path.
// Fails only when the sink fails.
absl::Status WritePlanFile(const Plan& plan, const ExperimentOptions& opts,
                           const std::filesystem::path& build_file, PlanFileSink sink);

// The whole text in one string (tests, small plans).
std::string RenderPlanFile(const Plan& plan, const ExperimentOptions& opts,
                           const std::filesystem::path& build_file);

}  // namespace cb
