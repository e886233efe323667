#include "generator/history.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json_read.h"

namespace cb {

DurationHistory ReadDurationHistory(const std::filesystem::path& out,
                                    absl::string_view run_prefix) {
  std::map<PairId, std::pair<double, int>> sums;
  std::error_code ec;
  const std::string prefix = absl::StrCat(run_prefix, "-");
  for (const auto& run_dir : std::filesystem::directory_iterator(out, ec)) {
    if (!run_dir.is_directory() || !absl::StartsWith(run_dir.path().filename().string(), prefix))
      continue;
    std::error_code ec2;
    for (const auto& f : std::filesystem::recursive_directory_iterator(run_dir.path(), ec2)) {
      if (!f.is_regular_file() || f.path().extension() != ".json") continue;
      absl::StatusOr<boost::json::value> rec = ReadJsonFile(f.path());
      if (!rec.ok()) continue;
      auto repo = StringField(*rec, "repo");
      auto task = IntField(*rec, "task_id");
      auto duration = NumberField(*rec, "duration_s");
      const boost::json::value* features = Field(*rec, "features");
      if (!repo || !task || !duration || !features || !features->is_array() ||
          features->get_array().size() != 2 || !features->get_array()[0].is_int64() ||
          !features->get_array()[1].is_int64())
        continue;
      PairId id{*repo, *task, static_cast<int>(features->get_array()[0].get_int64()),
                static_cast<int>(features->get_array()[1].get_int64())};
      auto& [sum, n] = sums[id];
      sum += *duration;
      ++n;
    }
  }
  DurationHistory history;
  for (const auto& [id, sn] : sums) history[id] = sn.first / sn.second;
  return history;
}

}  // namespace cb
