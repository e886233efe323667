#include "core/plan_file.h"

#include <algorithm>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "util/atomic_file.h"
#include "util/json_read.h"

namespace cb {
namespace fs = std::filesystem;

fs::path PlanFilePath(const fs::path& out) {
  return out / "plan.json";
}

absl::StatusOr<PlanFile> ParsePlanFile(absl::string_view text, absl::string_view source) {
  absl::StatusOr<boost::json::value> doc = ParseJson(text, source);
  if (!doc.ok()) return doc.status();
  auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": ", what, "; run cbgen again to rewrite it"));
  };
  if (!doc->is_object()) return bad("not a plan: the document is not an object");
  std::optional<long long> schema = IntField(*doc, "schema");
  if (schema != kPlanFileSchema)
    return bad(
        absl::StrCat("\"schema\" is not ", kPlanFileSchema, " (a plan of another cbgen release)"));
  PlanFile plan;
  std::optional<std::string> build_file = StringField(*doc, "build_file");
  if (!build_file) return bad("\"build_file\" is missing or not a string");
  plan.build_file = *build_file;
  const std::string plan_model = StringField(*doc, "model").value_or("");
  const boost::json::value* runs = Field(*doc, "runs");
  if (runs == nullptr || !runs->is_array()) return bad("\"runs\" is missing or not a list");
  plan.runs.reserve(runs->as_array().size());
  size_t i = 0;
  for (const boost::json::value& r : runs->as_array()) {
    auto bad_run = [&](absl::string_view field) {
      return bad(absl::StrCat("runs[", i, "]: \"", field, "\" is missing or of the wrong type"));
    };
    PlannedRun run;
    std::optional<std::string> setting = StringField(r, "setting");
    std::optional<Setting> parsed = setting ? ParseSetting(*setting) : std::nullopt;
    if (!parsed) return bad_run("setting");
    run.setting = *parsed;
    std::optional<std::string> run_name = StringField(r, "run_name");
    if (!run_name || run_name->empty()) return bad_run("run_name");
    run.run_name = *run_name;
    std::optional<std::string> repo = StringField(r, "repo");
    if (!repo || repo->empty()) return bad_run("repo");
    run.pair.repo = *repo;
    std::optional<long long> task = IntField(r, "task_id");
    if (!task) return bad_run("task_id");
    run.pair.task_id = *task;
    const boost::json::value* features = Field(r, "features");
    const boost::json::array* ab = features ? features->if_array() : nullptr;
    if (ab == nullptr || ab->size() != 2 || !(*ab)[0].is_int64() || !(*ab)[1].is_int64() ||
        (*ab)[0].as_int64() < 0 || (*ab)[1].as_int64() < 0 || (*ab)[0].as_int64() > 1'000'000'000 ||
        (*ab)[1].as_int64() > 1'000'000'000)
      return bad_run("features");
    const int a = static_cast<int>((*ab)[0].as_int64()), b = static_cast<int>((*ab)[1].as_int64());
    run.pair.feature_a = std::min(a, b);
    run.pair.feature_b = std::max(a, b);
    std::optional<std::string> record = StringField(r, "record");
    if (!record || record->empty()) return bad_run("record");
    run.record = *record;
    run.model = StringField(r, "model").value_or(plan_model);
    plan.runs.push_back(std::move(run));
    ++i;
  }
  std::sort(plan.runs.begin(), plan.runs.end());
  return plan;
}

absl::StatusOr<std::optional<PlanFile>> ReadPlanFile(const fs::path& out) {
  const fs::path path = PlanFilePath(out);
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) return std::optional<PlanFile>();
    return text.status();
  }
  absl::StatusOr<PlanFile> plan = ParsePlanFile(*text, path.string());
  if (!plan.ok()) return plan.status();
  return std::optional<PlanFile>(std::move(*plan));
}

}  // namespace cb
