#include "generator/report_data.h"

#include <algorithm>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/atomic_file.h"
#include "common/json_read.h"

namespace cb {
namespace fs = std::filesystem;

absl::StatusOr<RecordRow> ParseRecord(const boost::json::value& v, absl::string_view source) {
  auto missing = [&](absl::string_view field) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": not a cbrun record: \"", field,
        "\" is missing or of the wrong type (move the file aside, or delete it to re-run the pair)"));
  };
  RecordRow r;
  std::optional<std::string> tag = StringField(v, "tag");
  if (!tag || (*tag != "pass" && *tag != "fail" && *tag != "infra_error")) return missing("tag");
  r.tag = *tag;
  std::optional<std::string> setting = StringField(v, "setting");
  std::optional<Setting> parsed = setting ? ParseSetting(*setting) : std::nullopt;
  if (!parsed) return missing("setting");
  r.setting = *parsed;
  std::optional<std::string> repo = StringField(v, "repo");
  std::optional<long long> task = IntField(v, "task_id");
  if (!repo) return missing("repo");
  if (!task) return missing("task_id");
  const boost::json::value* features = Field(v, "features");
  const boost::json::array* fa = features ? features->if_array() : nullptr;
  if (fa == nullptr || fa->size() != 2 || !(*fa)[0].is_int64() || !(*fa)[1].is_int64())
    return missing("features");
  int a = static_cast<int>((*fa)[0].as_int64()), b = static_cast<int>((*fa)[1].as_int64());
  r.pair = PairId{*repo, *task, std::min(a, b), std::max(a, b)};
  r.run_name = StringField(v, "run_name").value_or("");
  r.reason = StringField(v, "reason").value_or("");
  r.detail = StringField(v, "detail").value_or("");
  r.model = StringField(v, "model").value_or("");
  r.agent = StringField(v, "agent").value_or("");
  r.backend = StringField(v, "backend").value_or("");
  std::optional<double> cost = NumberField(v, "cost_usd");
  if (!cost) return missing("cost_usd");
  r.cost_usd = *cost;
  if (const boost::json::value* tokens = Field(v, "tokens")) {
    r.input_tokens = IntField(*tokens, "input").value_or(0);
    r.output_tokens = IntField(*tokens, "output").value_or(0);
  }
  r.duration_s = NumberField(v, "duration_s").value_or(0);
  const boost::json::value* attempts = Field(v, "attempts");
  r.attempts = attempts && attempts->is_array() ? static_cast<int>(attempts->as_array().size()) : 0;
  r.started_at = StringField(v, "started_at").value_or("");
  r.finished_at = StringField(v, "finished_at").value_or("");
  r.feature1_passed = BoolField(v, "feature1_passed");
  r.feature2_passed = BoolField(v, "feature2_passed");
  return r;
}

bool IsReservedOutFolder(absl::string_view name) {
  return name == "logs" || name == "images" || name == "services" || name == "forgotten" ||
         name == "locks";
}

RecordSet LoadRecords(const fs::path& out) {
  RecordSet set;
  std::error_code ec;
  if (!fs::is_directory(out, ec)) return set;
  for (const fs::directory_entry& run_dir : fs::directory_iterator(out, ec)) {
    const std::string name = run_dir.path().filename().string();
    if (!run_dir.is_directory() || IsReservedOutFolder(name)) continue;
    for (auto it = fs::recursive_directory_iterator(run_dir.path(), ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      // RUN/REPO/taskID/fA_fB.json: records sit exactly three folders below OUT.
      if (it.depth() != 2 || !it->is_regular_file() || it->path().extension() != ".json") continue;
      const fs::path rel = it->path().lexically_relative(out);
      absl::StatusOr<boost::json::value> doc = ReadJsonFile(it->path());
      if (!doc.ok()) {
        set.problems.push_back(std::string(doc.status().message()));
        continue;
      }
      absl::StatusOr<RecordRow> row = ParseRecord(*doc, it->path().string());
      if (!row.ok()) {
        set.problems.push_back(std::string(row.status().message()));
        continue;
      }
      row->rel_path = rel;
      if (row->run_name.empty()) row->run_name = name;
      set.rows.push_back(std::move(*row));
    }
  }
  std::sort(set.rows.begin(), set.rows.end(),
            [](const RecordRow& x, const RecordRow& y) { return x.rel_path < y.rel_path; });
  std::sort(set.problems.begin(), set.problems.end());
  return set;
}

namespace {

// Undoes Ninja's path escaping: "$$" -> "$", "$ " -> " ", "$:" -> ":".
std::string UnescapeNinja(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size()) {
      out += s[++i];
    } else {
      out += s[i];
    }
  }
  return out;
}

// The end of an unescaped path token starting at `s`: the first ' ' or ':'
// not preceded by '$'.
size_t PathTokenEnd(absl::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$') {
      ++i;
      continue;
    }
    if (s[i] == ' ' || s[i] == ':') return i;
  }
  return s.size();
}

}  // namespace

absl::StatusOr<std::vector<PlannedRun>> ParsePlannedRuns(absl::string_view text,
                                                         absl::string_view source) {
  std::vector<PlannedRun> runs;
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (!absl::ConsumePrefix(&line, "build ")) continue;
    const size_t end = PathTokenEnd(line);
    absl::string_view rest = line.substr(end);
    if (!absl::StartsWith(rest, ": run") ||
        (rest.size() > 5 && rest[5] != ' '))
      continue;
    PlannedRun run;
    run.record = UnescapeNinja(line.substr(0, end));
    std::string setting, repo, task, features;
    const size_t edge_line = i + 1;
    while (i + 1 < lines.size() && absl::StartsWith(lines[i + 1], "  ")) {
      absl::string_view var = absl::StripAsciiWhitespace(lines[++i]);
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(var, absl::MaxSplits(" = ", 1));
      if (kv.first == "setting") setting = std::string(kv.second);
      if (kv.first == "run_name") run.run_name = std::string(kv.second);
      if (kv.first == "repo") repo = std::string(kv.second);
      if (kv.first == "task") task = std::string(kv.second);
      if (kv.first == "features") features = std::string(kv.second);
    }
    std::optional<Setting> s = ParseSetting(setting);
    std::vector<std::string> ab = absl::StrSplit(features, ',');
    int a = 0, b = 0;
    if (!s || repo.empty() || run.run_name.empty() ||
        !absl::SimpleAtoi(task, &run.pair.task_id) || ab.size() != 2 ||
        !absl::SimpleAtoi(ab[0], &a) || !absl::SimpleAtoi(ab[1], &b))
      return absl::InvalidArgumentError(absl::StrCat(
          source, ":", edge_line,
          ": a run edge without setting, run_name, repo, task and features variables; "
          "run cbgen again to rewrite it"));
    run.setting = *s;
    run.pair.repo = repo;
    run.pair.feature_a = std::min(a, b);
    run.pair.feature_b = std::max(a, b);
    runs.push_back(std::move(run));
  }
  std::sort(runs.begin(), runs.end());
  return runs;
}

fs::path DefaultBuildFile(const fs::path& out) {
  fs::path parent = out.lexically_normal().parent_path();
  if (out.lexically_normal().filename().empty()) parent = parent.parent_path();  // "out/"
  return parent.empty() ? fs::path("build.ninja") : parent / "build.ninja";
}

absl::StatusOr<std::optional<std::vector<PlannedRun>>> ReadPlannedRuns(const fs::path& build_file) {
  absl::StatusOr<std::string> text = ReadFile(build_file);
  if (!text.ok()) {
    if (absl::IsNotFound(text.status())) return std::optional<std::vector<PlannedRun>>();
    return text.status();
  }
  absl::StatusOr<std::vector<PlannedRun>> runs = ParsePlannedRuns(*text, build_file.string());
  if (!runs.ok()) return runs.status();
  return std::optional<std::vector<PlannedRun>>(std::move(*runs));
}

std::optional<Setting> SettingFromRunName(absl::string_view run_name) {
  // Longest suffix first: "-coop-nocomm" also ends like nothing shorter, but be explicit.
  for (Setting s : {Setting::kCoopNocomm, Setting::kCoopComm, Setting::kSolo})
    if (absl::EndsWith(run_name, absl::StrCat("-", SettingName(s))) || run_name == SettingName(s))
      return s;
  return std::nullopt;
}

}  // namespace cb
