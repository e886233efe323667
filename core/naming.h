// Names of things: Docker images, record and log paths, run names.
// Pure functions; the one place that knows the contract's naming rules.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace cb {

// A pair of features of one task, smaller feature first.
struct PairId {
  std::string repo;  // dataset folder name, e.g. "dspy_task"
  long long task_id = 0;
  int feature_a = 0;
  int feature_b = 0;
  auto operator<=>(const PairId&) const = default;
};

// "dspy_task" -> "dspy", "samuelcolvin_dirty_equals_task" -> "samuelcolvin-dirty-equals".
std::string ImageRepoName(absl::string_view repo_folder);
// "akhatua/cooperbench-dspy:task8394" for prefix "akhatua".
std::string ImageName(absl::string_view registry_prefix, absl::string_view repo_folder,
                      long long task_id);
// The name cooperbench looks for: ImageName("akhatua", ...).
std::string CanonicalImageName(absl::string_view repo_folder, long long task_id);

// "f3_f4"
std::string PairFolder(int a, int b);
// "task8394"
std::string TaskFolder(long long task_id);
// "feature3": a feature's folder in the dataset's task folder.
std::string FeatureFolder(int feature);
// The inverses of TaskFolder, PairFolder and FeatureFolder, the one reader of
// those folder names: only the exact spelling they write ("task12", "f3_f4"
// with the smaller feature first, "feature3"); "task012", "task+12", "task-1",
// "f4_f3", "f3_f04" or "feature03" are nothing.
std::optional<long long> ParseTaskFolder(absl::string_view name);
std::optional<std::pair<int, int>> ParsePairFolder(absl::string_view name);
std::optional<int> ParseFeatureFolder(absl::string_view name);
// "dspy-8394": short text for descriptions and file names.
std::string ShortTaskName(absl::string_view repo_folder, long long task_id);

// OUT/RUN_NAME/REPO/taskID/fA_fB.json
// The same as text, cheaper when 135,000 of them are made: OUT joined with '/'.
std::string RecordPathText(absl::string_view out, absl::string_view run_name, const PairId& pair);
// Its three pieces, for writers that build many paths from shared prefixes:
// "OUT/RUN_NAME/" + "REPO/taskID/" + "fA_fB.json".
std::string RecordRunFolder(absl::string_view out, absl::string_view run_name);
std::string RecordTaskFolder(absl::string_view repo_folder, long long task_id);
void AppendRecordFileName(std::string* path, int feature_a, int feature_b);
std::filesystem::path RecordPath(const std::filesystem::path& out, absl::string_view run_name,
                                 const PairId& pair);
// OUT/logs/RUN_NAME/REPO/taskID/fA_fB
std::filesystem::path PairLogDir(const std::filesystem::path& out, absl::string_view run_name,
                                 const PairId& pair);
// OUT/images/REPO-taskID.stamp
std::filesystem::path ImageStampPath(const std::filesystem::path& out,
                                     absl::string_view repo_folder, long long task_id);
// Where upstream writes a pair's files inside --log-dir:
// LOG_DIR/RUN_NAME/SETTING/REPO/TASK_ID/fA_fB
std::filesystem::path UpstreamPairDir(const std::filesystem::path& log_dir,
                                      absl::string_view run_name,
                                      absl::string_view upstream_setting, const PairId& pair);

// Repository folder names must be usable verbatim in paths, Ninja files, shell
// commands and Docker image names: lowercase letters, digits, '_', '.', '-',
// starting with a letter or digit. Returns what is wrong, naming `what`.
absl::Status CheckRepoName(absl::string_view repo_folder);
// Run names and prefixes: letters, digits, '.', '_', '-'.
absl::Status CheckRunName(absl::string_view run_name);

}  // namespace cb
