// Reading the dataset folder (the layout `cooperbench prepare` makes) to turn
// a subset name into tasks with their features and pairs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "generator/model.h"

namespace cb {

struct DatasetSelection {
  std::vector<TaskSpec> tasks;                // sorted by repo, task id
  std::vector<std::filesystem::path> inputs;  // files and folders read: regenerate when they change
};

// `subset` is a name under DATASET/subsets/ (without .json), "all" for every
// task of the dataset, or a path to a subset file (containing '/' or ending in .json).
// Pairs of a task listed without "pairs" are all 2-combinations of its features.
absl::StatusOr<DatasetSelection> SelectTasks(const std::filesystem::path& dataset_dir,
                                             const std::string& subset);

// Feature numbers of DATASET/REPO/taskID (folders named featureN), ascending.
absl::StatusOr<std::vector<int>> ListFeatures(const std::filesystem::path& task_dir);

}  // namespace cb
