#include "generator/history.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/json_read.h"
#include "common/records_tree.h"

namespace cb {

DurationHistory ReadDurationHistory(const std::filesystem::path& out,
                                    absl::string_view run_prefix) {
  std::map<PairId, std::pair<double, int>> sums;
  auto add = [&](const std::filesystem::path& file, absl::string_view) {
    absl::StatusOr<boost::json::value> rec = ReadJsonFile(file);
    if (!rec.ok()) return;
    auto repo = StringField(*rec, "repo");
    auto task = IntField(*rec, "task_id");
    auto duration = NumberField(*rec, "duration_s");
    const boost::json::value* features = Field(*rec, "features");
    if (!repo || !task || !duration || !features || !features->is_array() ||
        features->get_array().size() != 2 || !features->get_array()[0].is_int64() ||
        !features->get_array()[1].is_int64())
      return;
    PairId id{*repo, *task, static_cast<int>(features->get_array()[0].get_int64()),
              static_cast<int>(features->get_array()[1].get_int64())};
    auto& [sum, n] = sums[id];
    sum += *duration;
    ++n;
  };
  ForEachRecordFile(out, add, absl::StrCat(run_prefix, "-"));
  DurationHistory history;
  for (const auto& [id, sn] : sums) history[id] = sn.first / sn.second;
  return history;
}

}  // namespace cb
