#include "generator/ninja_writer.h"

#include <sstream>

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

absl::Status WriteBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                             const BuildFileInfo& info, std::ostream& os) {
  Escaper esc;
  std::ostringstream text;
  text << absl::StrReplaceAll(
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
  text << "# Regenerate when the subset or the dataset's task folders change.\n"
       << "build " << esc.Path(info.build_file) << " " << esc.Path(info.config)
       << ": regen | " << esc.Paths(info.regen_inputs) << "\n"
       << "  regen_args = " << esc.Value(absl::StrJoin(regen_args, " ")) << "\n\n";

  if (!plan.images.empty()) {
    text << "# One Docker image per task: pulled if missing, then verified.\n";
    for (const ImageTarget& img : plan.images) {
      text << "build " << esc.Path(img.stamp) << ": pull\n"
           << "  repo = " << esc.Arg(img.repo) << "\n"
           << "  task = " << img.task_id << "\n"
           << "  image = " << esc.Value(img.image) << "\n";
    }
    text << "\n";
  }
  std::vector<std::filesystem::path> stamps;
  for (const ImageTarget& img : plan.images) stamps.push_back(img.stamp);
  text << "build images: phony" << (stamps.empty() ? "" : " ") << esc.Paths(stamps) << "\n\n";

  // Runs in priority order; each waits (order-only) for every image of the build.
  const std::string wait_for_images = plan.images.empty() ? "" : " || images";
  for (Setting setting : AllSettings()) {
    std::vector<std::filesystem::path> records;
    for (const RunTarget& run : plan.runs) {
      if (run.setting != setting) continue;
      records.push_back(run.record);
    }
    if (records.empty()) continue;
    text << "# " << SettingName(setting) << ": " << records.size() << " pairs\n";
    for (const RunTarget& run : plan.runs) {
      if (run.setting != setting) continue;
      text << "build " << esc.Path(run.record) << ": run" << wait_for_images << "\n"
           << "  setting = " << SettingName(setting) << "\n"
           << "  run_name = " << esc.Arg(run.run_name) << "\n"
           << "  repo = " << esc.Arg(run.pair.repo) << "\n"
           << "  task = " << run.pair.task_id << "\n"
           << "  features = " << run.pair.feature_a << "," << run.pair.feature_b << "\n"
           << "  desc = " << esc.Value(run.description) << "\n";
    }
    text << "build " << SettingName(setting) << ": phony " << esc.Paths(records) << "\n\n";
  }

  std::vector<std::string> all_parts = {"images"};
  for (Setting setting : AllSettings()) {
    bool chosen = false;
    for (const RunTarget& run : plan.runs) chosen = chosen || run.setting == setting;
    if (chosen) all_parts.emplace_back(SettingName(setting));
  }
  text << "build all: phony " << absl::StrJoin(all_parts, " ") << "\n"
       << "default all\n";

  if (!esc.status().ok()) return esc.status();
  os << text.str();
  return absl::OkStatus();
}

}  // namespace cb
