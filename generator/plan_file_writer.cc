#include "generator/plan_file_writer.h"

#include <algorithm>
#include <map>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/naming.h"
#include "common/plan_file.h"
#include "common/setting.h"
#include "generator/plan.h"

namespace cb {
namespace {

// The runs go out in pieces of about a megabyte through one reused buffer
// (the full dataset makes 135,000 runs, ~30 MB of JSON).
constexpr size_t kPiece = 1 << 20;

// `s` as a JSON string, quotes included.
std::string Quoted(absl::string_view s) {
  return boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

// `s` escaped for the inside of a JSON string: escaping is per character, so
// escaped pieces concatenate to the escaped whole.
std::string Inner(absl::string_view s) {
  const std::string q = Quoted(s);
  return q.substr(1, q.size() - 2);
}

// Lists hold one element a line, "[\n    a,\n    b\n  ]", or are "[]".
void StartItem(std::string* buf, bool* first) {
  buf->append(*first ? "\n    " : ",\n    ");
  *first = false;
}
void EndList(std::string* buf, bool first) {
  buf->append(first ? "]" : "\n  ]");
}

// What every run of a setting shares, escaped once: its run name and the
// records' "OUT/RUN_NAME/" (as the Ninja writer builds them).
struct SettingPieces {
  size_t count = 0;
  std::string run_name;       // quoted
  std::string record_prefix;  // escaped, unquoted
};
using SettingPiecesMap = std::map<Setting, SettingPieces>;

SettingPiecesMap PiecesOfSettings(const Plan& plan) {
  SettingPiecesMap settings;
  for (const RunTarget& run : plan.runs) {
    SettingPieces& p = settings[run.setting];
    if (p.count++ == 0) {
      const std::string run_name = plan.RunName(run);
      p.run_name = Quoted(run_name);
      p.record_prefix = Inner(RecordRunFolder(plan.out, run_name));
    }
  }
  return settings;
}

// What every run of a task shares, escaped once.
struct TaskPieces {
  std::string repo;    // quoted
  std::string folder;  // "REPO/taskID/", escaped, unquoted
};

std::vector<TaskPieces> PiecesOfTasks(const Plan& plan) {
  std::vector<TaskPieces> tasks;
  tasks.reserve(plan.tasks.size());
  for (const PlannedTask& t : plan.tasks)
    tasks.push_back(TaskPieces{Quoted(t.repo), Inner(RecordTaskFolder(t.repo, t.task_id))});
  return tasks;
}

// "{\n  "schema": 1, ... "settings": [" up to the settings list.
std::string Header(const Plan& plan, const ExperimentOptions& opts,
                   const std::filesystem::path& build_file) {
  return absl::StrCat(
      "{\n  \"schema\": ", kPlanFileSchema, ",\n  \"build_file\": ", Quoted(build_file.string()),
      ",\n  \"out\": ", Quoted(plan.out), ",\n  \"model\": ", Quoted(opts.model),
      ",\n  \"agent\": ", Quoted(opts.agent), ",\n  \"backend\": ", Quoted(opts.backend),
      ",\n  \"run_prefix\": ", Quoted(plan.run_prefix), ",\n  \"settings\": [");
}

// Every setting asked for, with its run count (0 when the subset gave it none).
void AppendSettings(const Plan& plan, const ExperimentOptions& opts,
                    const SettingPiecesMap& settings, std::string* buf) {
  bool first = true;
  for (Setting s : AllSettings()) {
    if (std::find(opts.settings.begin(), opts.settings.end(), s) == opts.settings.end()) continue;
    auto it = settings.find(s);
    StartItem(buf, &first);
    absl::StrAppend(
        buf, "{\"setting\": \"", SettingName(s), "\", \"run_name\": ",
        it != settings.end() ? it->second.run_name : Quoted(RunName(plan.run_prefix, s)),
        ", \"runs\": ", it != settings.end() ? it->second.count : size_t{0}, "}");
  }
  EndList(buf, first);
}

void AppendImages(const Plan& plan, std::string* buf) {
  bool first = true;
  for (const ImageTarget& img : plan.images) {
    StartItem(buf, &first);
    absl::StrAppend(buf, "{\"repo\": ", Quoted(img.repo), ", \"task_id\": ", img.task_id,
                    ", \"image\": ", Quoted(img.image), ", \"stamp\": ", Quoted(img.stamp.string()),
                    "}");
  }
  EndList(buf, first);
}

void AppendRun(const Plan& plan, const RunTarget& run, const SettingPieces& setting,
               const TaskPieces& task, std::string* buf) {
  absl::StrAppend(buf, "{\"setting\": \"", SettingName(run.setting),
                  "\", \"run_name\": ", setting.run_name, ", \"repo\": ", task.repo,
                  ", \"task_id\": ", plan.tasks[run.task].task_id, ", \"features\": [",
                  run.feature_a, ", ", run.feature_b, "], \"record\": \"", setting.record_prefix,
                  task.folder);
  AppendRecordFileName(buf, run.feature_a, run.feature_b);
  buf->append("\"}");
}

// The runs, setting by setting, handed to `sink` whenever `buf` passes
// kPiece; what is left stays in `buf`.
absl::Status StreamRuns(const Plan& plan, const SettingPiecesMap& settings, PlanFileSink sink,
                        std::string* buf) {
  const std::vector<TaskPieces> tasks = PiecesOfTasks(plan);
  buf->reserve(std::max(buf->size(), kPiece) + 4096);
  bool first = true;
  for (Setting s : AllSettings()) {
    auto it = settings.find(s);
    if (it == settings.end()) continue;
    for (const RunTarget& run : plan.runs) {
      if (run.setting != s) continue;
      StartItem(buf, &first);
      AppendRun(plan, run, it->second, tasks[run.task], buf);
      if (buf->size() >= kPiece) {
        if (absl::Status st = sink(*buf); !st.ok()) return st;
        buf->clear();
      }
    }
  }
  EndList(buf, first);
  return absl::OkStatus();
}

}  // namespace

absl::Status WritePlanFile(const Plan& plan, const ExperimentOptions& opts,
                           const std::filesystem::path& build_file, PlanFileSink sink) {
  const SettingPiecesMap settings = PiecesOfSettings(plan);
  std::string buf = Header(plan, opts, build_file);
  AppendSettings(plan, opts, settings, &buf);
  buf.append(",\n  \"images\": [");
  AppendImages(plan, &buf);
  buf.append(",\n  \"runs\": [");
  if (absl::Status st = StreamRuns(plan, settings, sink, &buf); !st.ok()) return st;
  buf.append("\n}\n");
  return sink(buf);
}

std::string RenderPlanFile(const Plan& plan, const ExperimentOptions& opts,
                           const std::filesystem::path& build_file) {
  std::string text;
  (void)WritePlanFile(plan, opts, build_file, [&](absl::string_view piece) {
    text.append(piece.data(), piece.size());
    return absl::OkStatus();
  });
  return text;
}

}  // namespace cb
