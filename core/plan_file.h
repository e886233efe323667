// OUT/plan.json: build.ninja's targets for readers that are not Ninja (cbgen
// report and status, scripts). cbgen writes it (generator/plan_file_writer.h)
// beside OUT/config.json in the same all-or-nothing step as build.ninja;
// build.ninja does not name it.
//
// Schema 1, one target per line:
// {
//   "schema": 1,
//   "build_file": "/exp/build.ninja",  the build it describes; "out", "stamp" and
//                                      "record" are paths as that file names them:
//                                      relative to its folder, or absolute
//   "out": "out",
//   "model": "...", "agent": "...", "backend": "docker", "run_prefix": "command-a",
//   "settings": [{"setting": "solo", "run_name": "command-a-solo", "runs": 100}, ...],
//   "images": [{"repo": "dspy_task", "task_id": 8394,
//               "image": "akhatua/cooperbench-dspy:task8394",
//               "stamp": "out/images/dspy_task-task8394.stamp"}, ...],
//   "runs": [{"setting": "solo", "run_name": "command-a-solo", "repo": "dspy_task",
//             "task_id": 8394, "features": [3, 4],
//             "record": "out/command-a-solo/dspy_task/task8394/f3_f4.json"}, ...]
// }
// A build of several models (cbgen --models) also has "models": [{"model",
// "run_prefix", "provider", "api_key_env"}, ...] and a "model" in every run.
// Settings and runs come in build.ninja's order (solo, coop-comm, coop-nocomm;
// within a setting, the plan's priority order); a cloud backend has no images.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/naming.h"
#include "core/setting.h"

namespace cb {

inline constexpr int kPlanFileSchema = 1;

// OUT/plan.json
std::filesystem::path PlanFilePath(const std::filesystem::path& out);

// A (setting, pair) that the build will run.
struct PlannedRun {
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  std::string record;  // the edge's output, as build.ninja names it
  // The model the run's agents use: the run's "model", else the plan's
  // top-level "model" (a one-model build writes it once).
  std::string model;
  auto operator<=>(const PlannedRun&) const = default;
};

// What readers take from plan.json.
struct PlanFile {
  std::string build_file;        // the build.ninja it describes
  std::vector<PlannedRun> runs;  // sorted
};

// Reads plan.json's text. Errors name `source` and the entry, and say to run
// cbgen again.
absl::StatusOr<PlanFile> ParsePlanFile(absl::string_view text, absl::string_view source);

// Reads OUT/plan.json; nullopt when it does not exist (the plan is unknown).
absl::StatusOr<std::optional<PlanFile>> ReadPlanFile(const std::filesystem::path& out);

}  // namespace cb
