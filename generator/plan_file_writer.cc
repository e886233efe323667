#include "generator/plan_file_writer.h"

#include <algorithm>
#include <map>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "core/naming.h"
#include "core/plan_file.h"
#include "core/setting.h"
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
  std::string model;          // a matrix's `, "model": "..."`; else empty
};
// Keyed by (model, setting): one run name each.
using SettingPiecesMap = std::map<std::pair<uint16_t, Setting>, SettingPieces>;

SettingPiecesMap PiecesOfSettings(const Plan& plan) {
  SettingPiecesMap settings;
  for (const RunTarget& run : plan.runs) {
    SettingPieces& p = settings[{run.model, run.setting}];
    if (p.count == 0 && plan.models.size() > 1)
      p.model = absl::StrCat(", \"model\": ", Quoted(plan.models[run.model].model));
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

// A matrix's `,\n  "models": [...]`; empty for one model.
std::string ModelsOf(const Plan& plan) {
  if (plan.models.size() < 2) return "";
  std::string text = ",\n  \"models\": [";
  bool first = true;
  for (const ModelRun& m : plan.models) {
    StartItem(&text, &first);
    absl::StrAppend(&text, "{\"model\": ", Quoted(m.model), ", \"run_prefix\": ",
                    Quoted(m.run_prefix), ", \"provider\": ", Quoted(m.provider), "}");
  }
  EndList(&text, first);
  return text;
}

// "{\n  "schema": 1, ... "settings": [" up to the settings list.
std::string Header(const Plan& plan, const ExperimentOptions& opts,
                   const std::filesystem::path& build_file) {
  return absl::StrCat(
      "{\n  \"schema\": ", kPlanFileSchema, ",\n  \"build_file\": ", Quoted(build_file.string()),
      ",\n  \"out\": ", Quoted(plan.out), ",\n  \"model\": ", Quoted(opts.model),
      ",\n  \"agent\": ", Quoted(opts.agent), ",\n  \"backend\": ", Quoted(opts.backend),
      ",\n  \"run_prefix\": ", Quoted(plan.run_prefix), ModelsOf(plan), ",\n  \"settings\": [");
}

// Every setting asked for, with its run count (0 when the subset gave it none).
void AppendSettings(const Plan& plan, const ExperimentOptions& opts,
                    const SettingPiecesMap& settings, std::string* buf) {
  bool first = true;
  // A plan made by hand (tests) may leave `models` to the options.
  const std::vector<ModelRun> models = plan.models.empty() ? opts.Models() : plan.models;
  for (uint16_t m = 0; m < models.size(); ++m) {
    for (Setting s : AllSettings()) {
      if (std::find(opts.settings.begin(), opts.settings.end(), s) == opts.settings.end())
        continue;
      auto it = settings.find({m, s});
      StartItem(buf, &first);
      absl::StrAppend(
          buf, "{\"setting\": \"", SettingName(s), "\", \"run_name\": ",
          it != settings.end() ? it->second.run_name
                               : Quoted(RunName(models[m].run_prefix, s)),
          ", \"runs\": ", it != settings.end() ? it->second.count : size_t{0},
          models.size() > 1 ? absl::StrCat(", \"model\": ", Quoted(models[m].model))
                                 : std::string(),
          "}");
    }
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
  absl::StrAppend(buf, "\"", setting.model, "}");
}

// The runs, setting by setting, handed to `sink` whenever `buf` passes
// kPiece; what is left stays in `buf`.
absl::Status StreamRuns(const Plan& plan, const SettingPiecesMap& settings, PlanFileSink sink,
                        std::string* buf) {
  const std::vector<TaskPieces> tasks = PiecesOfTasks(plan);
  buf->reserve(std::max(buf->size(), kPiece) + 4096);
  bool first = true;
  for (Setting s : AllSettings()) {
    for (const RunTarget& run : plan.runs) {
      if (run.setting != s) continue;
      StartItem(buf, &first);
      AppendRun(plan, run, settings.at({run.model, run.setting}), tasks[run.task], buf);
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
