#include "generator/ninja_writer.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "generator/build_ninja_template.h"
#include "generator/ninja_escape.h"
#include "generator/plan.h"

#ifndef CBGEN_VERSION
#define CBGEN_VERSION "dev"
#endif

namespace cb {
namespace {

// Collects escaping errors so the writer reads as straight-line code.
class Escaper {
 public:
  std::string Path(const std::filesystem::path& p) { return Take(EscapePath(p.string())); }
  std::string Value(absl::string_view v) { return Take(EscapeValue(v)); }
  std::string Arg(absl::string_view v) { return Take(EscapeShellArg(v)); }
  std::string Paths(const std::vector<std::filesystem::path>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) out.push_back(Path(p));
    return absl::StrJoin(out, " ");
  }
  const absl::Status& status() const { return status_; }

 private:
  std::string Take(absl::StatusOr<std::string> s) {
    if (s.ok()) return *std::move(s);
    if (status_.ok()) status_ = s.status();
    return "";
  }
  absl::Status status_;
};

}  // namespace

absl::Status WriteBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                             const BuildFileInfo& info, NinjaSink sink) {
  // Everything that needs escaping is escaped first, once (a setting's path
  // prefix, a task's folder and names), so a failure writes nothing and each
  // run edge is plain appends of ready pieces and numbers.
  Escaper esc;
  std::string header = absl::StrReplaceAll(
      kBuildNinjaTemplate,
      {{"@VERSION@", CBGEN_VERSION},
       {"@OUT_DIR@", opts.out.string()},
       {"@CBGEN@", esc.Arg(info.cbgen)},
       {"@CBRUN@", esc.Arg(info.cbrun)},
       {"@CONFIG@", esc.Arg(info.config.string())},
       {"@MODEL@", esc.Arg(opts.model)},
       {"@AGENT@", esc.Arg(opts.agent)},
       {"@BACKEND@", esc.Arg(opts.backend)},
       {"@PULL_JOBS@", absl::StrCat(info.pull_jobs)},
       {"@MAX_RUNS@", absl::StrCat(info.max_runs)}});

  // Regeneration, the way CMake's Ninja files do it.
  std::vector<std::string> regen_args;
  for (const std::string& a : info.regen_args) regen_args.push_back(ShellQuote(a));
  absl::StrAppend(&header, "# Regenerate when the subset or the dataset's task folders change.\n",
                  "build ", esc.Path(info.build_file), " ", esc.Path(info.config), ": regen | ",
                  esc.Paths(info.regen_inputs), "\n", "  regen_args = ",
                  esc.Value(absl::StrJoin(regen_args, " ")), "\n\n");

  std::string stamps;
  if (!plan.images.empty()) {
    absl::StrAppend(&header, "# One Docker image per task: pulled if missing, then verified.\n");
    for (const ImageTarget& img : plan.images) {
      const std::string stamp = esc.Path(img.stamp);
      absl::StrAppend(&header, "build ", stamp, ": pull\n", "  repo = ", esc.Arg(img.repo), "\n",
                      "  task = ", img.task_id, "\n", "  image = ", esc.Value(img.image), "\n");
      absl::StrAppend(&stamps, " ", stamp);
    }
    absl::StrAppend(&header, "\n");
  }
  absl::StrAppend(&header, "build images: phony", stamps, "\n\n");

  struct TaskPieces {
    std::string folder;  // "REPO/taskID/", path-escaped
    std::string repo;    // shell-quoted, value-escaped
    std::string short_name;
  };
  std::vector<TaskPieces> task_pieces;
  task_pieces.reserve(plan.tasks.size());
  for (const PlannedTask& t : plan.tasks) {
    task_pieces.push_back(TaskPieces{esc.Path(RecordTaskFolder(t.repo, t.task_id)),
                                     esc.Arg(t.repo), esc.Value(t.short_name)});
  }
  struct SettingPieces {
    size_t count = 0;
    std::string record_prefix;  // "OUT/RUN_NAME/", path-escaped
    std::string run_name;       // shell-quoted, value-escaped
  };
  std::map<Setting, SettingPieces> setting_pieces;
  for (const RunTarget& run : plan.runs) {
    SettingPieces& p = setting_pieces[run.setting];
    if (p.count++ == 0) {
      const std::string run_name = plan.RunName(run);
      p.record_prefix = esc.Path(RecordRunFolder(plan.out, run_name));
      p.run_name = esc.Arg(run_name);
    }
  }
  if (!esc.status().ok()) return esc.status();

  // From here on nothing can fail but the sink: the text goes out in pieces
  // of about a megabyte through one reused buffer.
  constexpr size_t kPiece = 1 << 20;
  std::string buf = std::move(header);
  buf.reserve(std::max(buf.size(), kPiece) + 4096);
  auto flush_if_full = [&]() -> absl::Status {
    if (buf.size() < kPiece) return absl::OkStatus();
    absl::Status s = sink(buf);
    buf.clear();
    return s;
  };
  auto append_record = [&](const SettingPieces& p, const RunTarget& run) {
    absl::StrAppend(&buf, p.record_prefix, task_pieces[run.task].folder);
    AppendRecordFileName(&buf, run.feature_a, run.feature_b);
  };

  // Runs in priority order (the plan's order within a setting); each waits
  // (order-only) for every image of the build.
  const absl::string_view wait_for_images = plan.images.empty() ? "" : " || images";
  std::vector<std::string> chosen = {"images"};
  for (Setting setting : AllSettings()) {
    auto it = setting_pieces.find(setting);
    if (it == setting_pieces.end()) continue;
    const SettingPieces& p = it->second;
    const absl::string_view name = SettingName(setting);
    chosen.emplace_back(name);
    absl::StrAppend(&buf, "# ", name, ": ", p.count, " pairs\n");
    for (const RunTarget& run : plan.runs) {
      if (run.setting != setting) continue;
      const TaskPieces& t = task_pieces[run.task];
      buf.append("build ");
      append_record(p, run);
      absl::StrAppend(&buf, ": run", wait_for_images, "\n  setting = ", name, "\n  run_name = ",
                      p.run_name, "\n  repo = ", t.repo, "\n");
      absl::StrAppend(&buf, "  task = ", plan.tasks[run.task].task_id, "\n  features = ",
                      run.feature_a, ",", run.feature_b, "\n  desc = ");
      AppendRunDescription(&buf, name, t.short_name, run.feature_a, run.feature_b);
      buf.push_back('\n');
      if (absl::Status s = flush_if_full(); !s.ok()) return s;
    }
    absl::StrAppend(&buf, "build ", name, ": phony");
    for (const RunTarget& run : plan.runs) {
      if (run.setting != setting) continue;
      buf.push_back(' ');
      append_record(p, run);
      if (absl::Status s = flush_if_full(); !s.ok()) return s;
    }
    buf.append("\n\n");
  }
  absl::StrAppend(&buf, "build all: phony ", absl::StrJoin(chosen, " "), "\n", "default all\n");
  return sink(buf);
}

absl::StatusOr<std::string> RenderBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                                             const BuildFileInfo& info) {
  std::string text;
  absl::Status s = WriteBuildNinja(plan, opts, info, [&](absl::string_view piece) {
    text.append(piece.data(), piece.size());
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return text;
}

absl::Status WriteBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                             const BuildFileInfo& info, std::ostream& os) {
  absl::StatusOr<std::string> text = RenderBuildNinja(plan, opts, info);
  if (!text.ok()) return text.status();
  os << *text;
  return absl::OkStatus();
}

}  // namespace cb
