// The inputs of `cbgen report`, `cbgen forget` and `cbgen status`: the records
// cbrun wrote under OUT and the pairs build.ninja plans. Parsing is pure; the
// Load/Read functions do the I/O. Nothing here calls cooperbench.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/naming.h"
#include "common/setting.h"

namespace cb {

// One record, flattened to what the reports use.
struct RecordRow {
  std::filesystem::path rel_path;  // relative to OUT: RUN/REPO/taskID/fA_fB.json
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  std::string tag;     // pass, fail, infra_error
  std::string reason;
  std::string detail;
  std::string model, agent, backend;
  double cost_usd = 0;
  long long input_tokens = 0;
  long long output_tokens = 0;
  double duration_s = 0;
  int attempts = 0;
  std::string started_at, finished_at;
  std::optional<bool> feature1_passed, feature2_passed;
};

// Reads one record document; errors name `source` and the bad field.
absl::StatusOr<RecordRow> ParseRecord(const boost::json::value& v, absl::string_view source);

struct RecordSet {
  std::vector<RecordRow> rows;        // sorted by path
  std::vector<std::string> problems;  // unreadable files, one message each
};

// True for OUT's own folders that never hold records (logs, images, services,
// forgotten, locks).
bool IsReservedOutFolder(absl::string_view name);

// Every record OUT/RUN/REPO/taskID/fA_fB.json. A missing OUT gives no rows.
RecordSet LoadRecords(const std::filesystem::path& out);

// A (setting, pair) that build.ninja will run.
struct PlannedRun {
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  std::string record;  // the edge's output, as written in build.ninja (unescaped)
  auto operator<=>(const PlannedRun&) const = default;
};

// The `: run` edges of a build.ninja written by cbgen (their setting, run_name,
// repo, task and features variables). Errors name `source` and the line.
absl::StatusOr<std::vector<PlannedRun>> ParsePlannedRuns(absl::string_view ninja_text,
                                                         absl::string_view source);

// build.ninja next to OUT (OUT/../build.ninja), or `explicit_file` when given.
std::filesystem::path DefaultBuildFile(const std::filesystem::path& out);

// nullopt when the file does not exist (the plan is then unknown).
absl::StatusOr<std::optional<std::vector<PlannedRun>>> ReadPlannedRuns(
    const std::filesystem::path& build_file);

// The setting a run name belongs to, by cbgen's naming (PREFIX-solo, ...).
std::optional<Setting> SettingFromRunName(absl::string_view run_name);

}  // namespace cb
