#include "generator/ninja_writer.h"


#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "generator/build_ninja_template.h"
#include "generator/ninja_escape.h"

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

absl::StatusOr<std::string> RenderBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                                             const BuildFileInfo& info) {
  Escaper esc;
  std::string text = absl::StrReplaceAll(
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
  // About 260 bytes a run edge and its phony mention, 120 an image: one allocation.
  text.reserve(text.size() + 4096 + 300 * plan.runs.size() + 200 * plan.images.size() +
               64 * info.regen_inputs.size());

  // Regeneration, the way CMake's Ninja files do it.
  std::vector<std::string> regen_args;
  for (const std::string& a : info.regen_args) regen_args.push_back(ShellQuote(a));
  absl::StrAppend(&text, "# Regenerate when the subset or the dataset's task folders change.\n",
                  "build ", esc.Path(info.build_file), " ", esc.Path(info.config), ": regen | ",
                  esc.Paths(info.regen_inputs), "\n", "  regen_args = ",
                  esc.Value(absl::StrJoin(regen_args, " ")), "\n\n");

  std::string stamps;
  if (!plan.images.empty()) {
    absl::StrAppend(&text, "# One Docker image per task: pulled if missing, then verified.\n");
    for (const ImageTarget& img : plan.images) {
      const std::string stamp = esc.Path(img.stamp);
      absl::StrAppend(&text, "build ", stamp, ": pull\n", "  repo = ", esc.Arg(img.repo), "\n",
                      "  task = ", img.task_id, "\n", "  image = ", esc.Value(img.image), "\n");
      absl::StrAppend(&stamps, " ", stamp);
    }
    absl::StrAppend(&text, "\n");
  }
  absl::StrAppend(&text, "build images: phony", stamps, "\n\n");

  // Runs in priority order (the plan's order within a setting); each waits
  // (order-only) for every image of the build.
  const absl::string_view wait_for_images = plan.images.empty() ? "" : " || images";
  std::vector<std::string> chosen = {"images"};
  for (Setting setting : AllSettings()) {
    size_t count = 0;
    for (const RunTarget& run : plan.runs) count += run.setting == setting;
    if (count == 0) continue;
    const absl::string_view name = SettingName(setting);
    chosen.emplace_back(name);
    absl::StrAppend(&text, "# ", name, ": ", count, " pairs\n");
    std::string records;
    records.reserve(count * 64);
    for (const RunTarget& run : plan.runs) {
      if (run.setting != setting) continue;
      const std::string record = esc.Path(run.record);
      absl::StrAppend(&text, "build ", record, ": run", wait_for_images, "\n", "  setting = ", name,
                      "\n", "  run_name = ", esc.Arg(run.run_name), "\n");
      absl::StrAppend(&text, "  repo = ", esc.Arg(run.pair.repo), "\n", "  task = ",
                      run.pair.task_id, "\n", "  features = ", run.pair.feature_a, ",",
                      run.pair.feature_b, "\n", "  desc = ", esc.Value(run.description), "\n");
      absl::StrAppend(&records, " ", record);
    }
    absl::StrAppend(&text, "build ", name, ": phony", records, "\n\n");
  }
  absl::StrAppend(&text, "build all: phony ", absl::StrJoin(chosen, " "), "\n", "default all\n");

  if (!esc.status().ok()) return esc.status();
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
