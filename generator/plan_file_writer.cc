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

}  // namespace

absl::Status WritePlanFile(const Plan& plan, const ExperimentOptions& opts,
                           const std::filesystem::path& build_file, PlanFileSink sink) {
  std::string buf = absl::StrCat(
      "{\n  \"schema\": ", kPlanFileSchema, ",\n  \"build_file\": ", Quoted(build_file.string()),
      ",\n  \"out\": ", Quoted(plan.out), ",\n  \"model\": ", Quoted(opts.model),
      ",\n  \"agent\": ", Quoted(opts.agent), ",\n  \"backend\": ", Quoted(opts.backend),
      ",\n  \"run_prefix\": ", Quoted(plan.run_prefix), ",\n  \"settings\": [");

  // What every run of a setting shares, escaped once: its run name and the
  // records' "OUT/RUN_NAME/" (as the Ninja writer builds them).
  struct SettingPieces {
    size_t count = 0;
    std::string run_name;       // quoted
    std::string record_prefix;  // escaped, unquoted
  };
  std::map<Setting, SettingPieces> settings;
  for (const RunTarget& run : plan.runs) {
    SettingPieces& p = settings[run.setting];
    if (p.count++ == 0) {
      const std::string run_name = plan.RunName(run);
      p.run_name = Quoted(run_name);
      p.record_prefix = Inner(RecordRunFolder(plan.out, run_name));
    }
  }
  bool first = true;
  for (Setting s : AllSettings()) {
    if (std::find(opts.settings.begin(), opts.settings.end(), s) == opts.settings.end()) continue;
    auto it = settings.find(s);
    StartItem(&buf, &first);
    absl::StrAppend(
        &buf, "{\"setting\": \"", SettingName(s), "\", \"run_name\": ",
        it != settings.end() ? it->second.run_name : Quoted(RunName(plan.run_prefix, s)),
        ", \"runs\": ", it != settings.end() ? it->second.count : size_t{0}, "}");
  }
  EndList(&buf, first);
  buf.append(",\n  \"images\": [");
  first = true;
  for (const ImageTarget& img : plan.images) {
    StartItem(&buf, &first);
    absl::StrAppend(&buf, "{\"repo\": ", Quoted(img.repo), ", \"task_id\": ", img.task_id,
                    ", \"image\": ", Quoted(img.image), ", \"stamp\": ", Quoted(img.stamp.string()),
                    "}");
  }
  EndList(&buf, first);
  buf.append(",\n  \"runs\": [");

  struct TaskPieces {
    std::string repo;    // quoted
    std::string folder;  // "REPO/taskID/", escaped, unquoted
  };
  std::vector<TaskPieces> tasks;
  tasks.reserve(plan.tasks.size());
  for (const PlannedTask& t : plan.tasks)
    tasks.push_back(TaskPieces{Quoted(t.repo), Inner(RecordTaskFolder(t.repo, t.task_id))});

  // The runs go out in pieces of about a megabyte through one reused buffer.
  constexpr size_t kPiece = 1 << 20;
  buf.reserve(std::max(buf.size(), kPiece) + 4096);
  first = true;
  for (Setting s : AllSettings()) {
    auto it = settings.find(s);
    if (it == settings.end()) continue;
    const SettingPieces& p = it->second;
    for (const RunTarget& run : plan.runs) {
      if (run.setting != s) continue;
      const TaskPieces& t = tasks[run.task];
      StartItem(&buf, &first);
      absl::StrAppend(&buf, "{\"setting\": \"", SettingName(s), "\", \"run_name\": ", p.run_name,
                      ", \"repo\": ", t.repo, ", \"task_id\": ", plan.tasks[run.task].task_id,
                      ", \"features\": [", run.feature_a, ", ", run.feature_b, "], \"record\": \"",
                      p.record_prefix, t.folder);
      AppendRecordFileName(&buf, run.feature_a, run.feature_b);
      buf.append("\"}");
      if (buf.size() >= kPiece) {
        if (absl::Status st = sink(buf); !st.ok()) return st;
        buf.clear();
      }
    }
  }
  EndList(&buf, first);
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
