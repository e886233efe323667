#include "generator/history.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/record.h"
#include "core/records_tree.h"

namespace cb {

std::optional<RecordedPair> RecordedPairFromPath(const std::filesystem::path& file,
                                                 absl::string_view run_folder) {
  const std::string name = file.filename().string();
  const std::string task_folder = file.parent_path().filename().string();
  const std::string repo = file.parent_path().parent_path().filename().string();
  absl::string_view pair_text = name;
  const std::optional<long long> task_id = ParseTaskFolder(task_folder);
  const std::optional<std::pair<int, int>> features =
      absl::ConsumeSuffix(&pair_text, ".json") ? ParsePairFolder(pair_text) : std::nullopt;
  if (!task_id || !features) return std::nullopt;
  // Only the exact spelling cbgen writes ("task0012" or "f+3_f4.json" is not a record).
  RecordedPair rec{std::string(run_folder),
                   PairId{repo, *task_id, features->first, features->second}};
  if (!CheckRunName(rec.run_name).ok() || !CheckRepoName(repo).ok()) return std::nullopt;
  return rec;
}

OutHistory ReadOutHistory(const std::filesystem::path& out, absl::string_view run_prefix) {
  return ReadOutHistory(out, std::vector<std::string>{std::string(run_prefix)});
}

namespace {

// The model and agent a record names, once per run name and (model, agent).
void NoteMaker(const Record& record, const std::filesystem::path& file, const std::string& run_name,
               OutHistory* history) {
  RunMaker maker{record.model, record.agent, file.string()};
  std::vector<RunMaker>& makers = history->makers[run_name];
  for (const RunMaker& m : makers)
    if (m.model == maker.model && m.agent == maker.agent) return;
  makers.push_back(std::move(maker));
}

}  // namespace

OutHistory ReadOutHistory(const std::filesystem::path& out,
                          const std::vector<std::string>& run_prefixes) {
  OutHistory history;
  std::set<std::string> own_runs;
  for (const std::string& prefix : run_prefixes)
    for (Setting setting : AllSettings())
      own_runs.insert(absl::StrCat(prefix, "-", SettingRunSuffix(setting)));
  std::map<PairId, std::pair<double, int>> sums;
  auto add = [&](const std::filesystem::path& file, absl::string_view run_folder) {
    std::optional<RecordedPair> rec = RecordedPairFromPath(file, run_folder);
    if (rec) history.records.push_back(*rec);
    if (!own_runs.count(std::string(run_folder))) return;
    absl::StatusOr<Record> record = ReadRecordFile(file);
    if (!record.ok()) return;
    NoteMaker(*record, file, std::string(run_folder), &history);
    auto& [sum, n] = sums[record->pair];
    sum += record->duration_s;
    ++n;
  };
  ForEachRecordFile(out, add);
  for (const auto& [id, sn] : sums) history.durations[id] = sn.first / sn.second;
  return history;
}

}  // namespace cb
