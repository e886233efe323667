#include "generator/dataset.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/naming.h"
#include "util/atomic_file.h"
#include "generator/subset.h"

namespace cb {
namespace fs = std::filesystem;
namespace {

std::vector<std::pair<int, int>> AllPairs(const std::vector<int>& features) {
  std::vector<std::pair<int, int>> pairs;
  for (size_t i = 0; i < features.size(); ++i)
    for (size_t j = i + 1; j < features.size(); ++j) pairs.emplace_back(features[i], features[j]);
  return pairs;
}

std::vector<std::string> SubsetNames(const fs::path& dataset_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dataset_dir / "subsets", ec)) {
    if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  names.push_back("all");
  return names;
}

absl::StatusOr<std::vector<SubsetEntry>> EveryTask(const fs::path& dataset_dir,
                                                   std::vector<fs::path>* inputs) {
  std::vector<SubsetEntry> entries;
  std::error_code ec;
  inputs->push_back(dataset_dir);
  for (const auto& repo : fs::directory_iterator(dataset_dir, ec)) {
    if (!repo.is_directory() || repo.path().filename() == "subsets") continue;
    const std::string name = repo.path().filename().string();
    if (name.starts_with(".")) continue;
    bool any = false;
    std::error_code ec2;
    for (const auto& task : fs::directory_iterator(repo.path(), ec2)) {
      std::optional<long long> id = ParseTaskFolder(task.path().filename().string());
      if (!task.is_directory() || !id) continue;
      if (!any) {
        if (absl::Status s = CheckRepoName(name); !s.ok())
          return absl::InvalidArgumentError(absl::StrCat(repo.path().string(), ": ", s.message()));
        inputs->push_back(repo.path());
        any = true;
      }
      entries.push_back(SubsetEntry{name, *id, std::nullopt});
    }
  }
  if (ec)
    return absl::NotFoundError(absl::StrCat("cannot read dataset folder ", dataset_dir.string(),
                                            ": ", ec.message(),
                                            " (run `cooperbench prepare` or pass --dataset-dir)"));
  return entries;
}

}  // namespace

absl::StatusOr<std::vector<int>> ListFeatures(const fs::path& task_dir) {
  std::vector<int> features;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(task_dir, ec)) {
    std::optional<int> n = ParseFeatureFolder(e.path().filename().string());
    if (e.is_directory() && n && *n >= 1 && *n <= 100000) features.push_back(*n);
  }
  if (ec) return absl::NotFoundError(absl::StrCat("no task folder ", task_dir.string()));
  std::sort(features.begin(), features.end());
  return features;
}

namespace {

// A named subset (DATASET/subsets/NAME.json) or a subset file: its entries,
// with the file added to `inputs` and named in `*source`.
absl::StatusOr<std::vector<SubsetEntry>> ReadSubsetEntries(const fs::path& dataset_dir,
                                                           const std::string& subset,
                                                           std::vector<fs::path>* inputs,
                                                           std::string* source) {
  if (subset == "all") {
    *source = dataset_dir.string();
    return EveryTask(dataset_dir, inputs);
  }
  const bool is_path = absl::StrContains(subset, '/') || absl::EndsWith(subset, ".json");
  fs::path file = is_path ? fs::path(subset) : dataset_dir / "subsets" / (subset + ".json");
  if (!is_path && (subset.empty() || subset.find_first_of("\\ \t\n") != std::string::npos))
    return absl::InvalidArgumentError(absl::StrCat("\"", subset, "\" is not a subset name"));
  absl::StatusOr<std::string> text = ReadFile(file);
  if (!text.ok()) {
    if (!is_path && absl::IsNotFound(text.status()))
      return absl::NotFoundError(
          absl::StrCat("unknown subset \"", subset, "\": no file ", file.string(),
                       "; subsets here: ", absl::StrJoin(SubsetNames(dataset_dir), ", ")));
    return text.status();
  }
  inputs->push_back(file);
  *source = file.string();
  return ParseSubset(*text, file.string());
}

// One subset entry checked against the dataset: its task folder and the
// features its pairs name exist.
absl::StatusOr<TaskSpec> CheckedTask(const fs::path& dataset_dir, const SubsetEntry& e,
                                     const std::string& source) {
  const fs::path task_dir = dataset_dir / e.repo / TaskFolder(e.task_id);
  absl::StatusOr<std::vector<int>> features = ListFeatures(task_dir);
  if (!features.ok())
    return absl::NotFoundError(
        absl::StrCat(source, ": task ", e.repo, "/", e.task_id, ": no folder ", task_dir.string(),
                     " (is the dataset complete? run `cooperbench prepare`)"));
  TaskSpec t{e.repo, e.task_id, *features, {}};
  if (!e.pairs) {
    t.pairs = AllPairs(t.features);
    return t;
  }
  std::set<int> have(features->begin(), features->end());
  for (auto [a, b] : *e.pairs)
    for (int f : {a, b})
      if (!have.count(f))
        return absl::NotFoundError(absl::StrCat(source, ": task ", e.repo, "/", e.task_id,
                                                " pair [", a, ",", b, "]: no folder ", FeatureFolder(f),
                                                " in ", task_dir.string()));
  t.pairs = *e.pairs;
  std::sort(t.pairs.begin(), t.pairs.end());
  return t;
}

}  // namespace

absl::StatusOr<DatasetSelection> SelectTasks(const fs::path& dataset_dir,
                                             const std::string& subset) {
  DatasetSelection sel;
  std::error_code ec;
  if (!fs::is_directory(dataset_dir, ec))
    return absl::NotFoundError(
        absl::StrCat("dataset folder ", dataset_dir.string(),
                     " does not exist: run `cooperbench prepare` there or pass --dataset-dir DIR"));
  std::string source;
  absl::StatusOr<std::vector<SubsetEntry>> entries =
      ReadSubsetEntries(dataset_dir, subset, &sel.inputs, &source);
  if (!entries.ok()) return entries.status();
  for (const SubsetEntry& e : *entries) {
    absl::StatusOr<TaskSpec> t = CheckedTask(dataset_dir, e, source);
    if (!t.ok()) return t.status();
    sel.inputs.push_back(dataset_dir / e.repo / TaskFolder(e.task_id));
    sel.tasks.push_back(*std::move(t));
  }
  std::sort(sel.tasks.begin(), sel.tasks.end(), [](const TaskSpec& x, const TaskSpec& y) {
    return std::tie(x.repo, x.task_id) < std::tie(y.repo, y.task_id);
  });
  return sel;
}

}  // namespace cb
