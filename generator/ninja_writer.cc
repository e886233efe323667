#include "generator/ninja_writer.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
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

// The Ninja pool of a provider's runs: "runs_openai".
std::string ProviderPool(absl::string_view provider) {
  std::string pool = absl::StrCat("runs_", provider.empty() ? "other" : provider);
  for (char& c : pool)
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return pool;
}

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

// The text before the run edges: the template (rules, pools, variables), the
// regeneration edge and the image pulls.
std::string Header(const Plan& plan, const ExperimentOptions& opts, const BuildFileInfo& info,
                   Escaper& esc) {
  std::string header =
      absl::StrReplaceAll(kBuildNinjaTemplate, {{"@VERSION@", CBGEN_VERSION},
                                                {"@OUT_DIR@", opts.out.string()},
                                                {"@CBGEN@", esc.Arg(info.cbgen)},
                                                {"@CBRUN@", esc.Arg(info.cbrun)},
                                                {"@CONFIG@", esc.Arg(info.config.string())},
                                                {"@MODEL@", esc.Arg(opts.model)},
                                                {"@AGENT@", esc.Arg(opts.agent)},
                                                {"@BACKEND@", esc.Arg(opts.backend)},
                                                {"@PULL_JOBS@", absl::StrCat(info.pull_jobs)},
                                                {"@MAX_RUNS@", absl::StrCat(info.max_runs)}});

  if (opts.max_runs_per_provider > 0) {
    absl::StrAppend(&header, "# One pool per provider: one provider's rate limit never idles "
                             "another's slots.\n");
    std::vector<std::string> pools;
    for (const ModelRun& m : plan.models) {
      const std::string pool = ProviderPool(m.provider);
      if (std::find(pools.begin(), pools.end(), pool) != pools.end()) continue;
      pools.push_back(pool);
      absl::StrAppend(&header, "pool ", pool, "\n  depth = ", opts.max_runs_per_provider, "\n");
    }
    header.push_back('\n');
  }

  // Regeneration, the way CMake's Ninja files do it.
  std::vector<std::string> regen_args;
  for (const std::string& a : info.regen_args) regen_args.push_back(ShellQuote(a));
  absl::StrAppend(&header, "# Regenerate when the subset or the dataset's task folders change.\n",
                  "build ", esc.Path(info.build_file), " ", esc.Path(info.config), ": regen | ",
                  esc.Paths(info.regen_inputs), "\n",
                  "  regen_args = ", esc.Value(absl::StrJoin(regen_args, " ")), "\n\n");

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
  return header;
}

// A model's pieces of a run edge: in a matrix its `model` binding, with
// provider pools its `pool` binding (each a whole line, or empty).
struct ModelPieces {
  std::string bindings;
  std::string prefix;  // "PREFIX " before a matrix's descriptions, value-escaped
};

std::vector<ModelPieces> EscapeModels(const Plan& plan, const ExperimentOptions& opts,
                                      Escaper& esc) {
  std::vector<ModelPieces> models;
  // A plan made by hand (tests) may leave `models` to the options.
  for (const ModelRun& m : plan.models.empty() ? opts.Models() : plan.models) {
    ModelPieces p;
    if (plan.models.size() > 1) {
      absl::StrAppend(&p.bindings, "  model = ", esc.Arg(m.model), "\n");
      p.prefix = absl::StrCat(esc.Value(m.run_prefix), " ");
    }
    if (opts.max_runs_per_provider > 0)
      absl::StrAppend(&p.bindings, "  pool = ", ProviderPool(m.provider), "\n");
    models.push_back(std::move(p));
  }
  return models;
}

// A task's pieces of a run edge, escaped once.
struct TaskPieces {
  std::string folder;  // "REPO/taskID/", path-escaped
  std::string repo;    // shell-quoted, value-escaped
  std::string short_name;
};
// A setting's pieces, escaped once.
struct SettingPieces {
  size_t count = 0;
  std::string record_prefix;  // "OUT/RUN_NAME/", path-escaped
  std::string run_name;       // shell-quoted, value-escaped
};

std::vector<TaskPieces> EscapeTasks(const Plan& plan, Escaper& esc) {
  std::vector<TaskPieces> tasks;
  tasks.reserve(plan.tasks.size());
  for (const PlannedTask& t : plan.tasks)
    tasks.push_back(TaskPieces{esc.Path(RecordTaskFolder(t.repo, t.task_id)), esc.Arg(t.repo),
                               esc.Value(t.short_name)});
  return tasks;
}

// Keyed by (model, setting): one run name each.
using RunKey = std::pair<uint16_t, Setting>;
RunKey KeyOf(const RunTarget& run) { return {run.model, run.setting}; }

std::map<RunKey, SettingPieces> EscapeSettings(const Plan& plan, Escaper& esc) {
  std::map<RunKey, SettingPieces> settings;
  for (const RunTarget& run : plan.runs) {
    SettingPieces& p = settings[KeyOf(run)];
    if (p.count++ == 0) {
      const std::string run_name = plan.RunName(run);
      p.record_prefix = esc.Path(RecordRunFolder(plan.out, run_name));
      p.run_name = esc.Arg(run_name);
    }
  }
  return settings;
}

// The text goes to the sink in pieces of about this size through one reused
// buffer: 135,000 targets never sit in memory at once.
constexpr size_t kPieceBytes = 1 << 20;

// Writes one setting's run edges and its phony target into `buf`, handing
// full pieces to the sink.
class RunEdgeWriter {
 public:
  RunEdgeWriter(const Plan& plan, const std::vector<TaskPieces>& tasks,
                const std::vector<ModelPieces>& models,
                const std::map<RunKey, SettingPieces>& runs, std::string* buf, NinjaSink& sink)
      : plan_(plan),
        tasks_(tasks),
        models_(models),
        runs_(runs),
        buf_(*buf),
        sink_(sink),
        wait_for_images_(plan.images.empty() ? "" : " || images") {}

  absl::Status WriteSetting(Setting setting) {
    const absl::string_view name = SettingName(setting);
    size_t count = 0;
    for (const auto& [key, p] : runs_)
      if (key.second == setting) count += p.count;
    absl::StrAppend(&buf_, "# ", name, ": ", count, " pairs\n");
    // Runs in priority order (the plan's order within a setting); each waits
    // (order-only) for every image of the build.
    for (const RunTarget& run : plan_.runs) {
      if (run.setting != setting) continue;
      const TaskPieces& t = tasks_[run.task];
      const SettingPieces& p = runs_.at(KeyOf(run));
      buf_.append("build ");
      AppendRecord(run);
      absl::StrAppend(&buf_, ": run", wait_for_images_, "\n  setting = ", name,
                      "\n  run_name = ", p.run_name, "\n  repo = ", t.repo, "\n");
      absl::StrAppend(&buf_, "  task = ", plan_.tasks[run.task].task_id,
                      "\n  features = ", run.feature_a, ",", run.feature_b, "\n",
                      models_[run.model].bindings, "  desc = ", models_[run.model].prefix);
      AppendRunDescription(&buf_, name, t.short_name, run.feature_a, run.feature_b);
      buf_.push_back('\n');
      if (absl::Status s = FlushIfFull(); !s.ok()) return s;
    }
    return WritePhony(name, [&](const RunTarget& run) { return run.setting == setting; });
  }

  // A matrix's targets of its own: each model's run names, and the model.
  absl::Status WriteModelTargets(uint16_t model) {
    const std::string& prefix = plan_.models[model].run_prefix;
    std::vector<std::string> names;
    for (Setting setting : AllSettings()) {
      if (!runs_.count({model, setting})) continue;
      names.push_back(RunName(prefix, setting));
      if (absl::Status s = WritePhony(names.back(), [&](const RunTarget& run) {
            return run.model == model && run.setting == setting;
          });
          !s.ok())
        return s;
    }
    absl::StrAppend(&buf_, "build ", prefix, ": phony ", absl::StrJoin(names, " "), "\n\n");
    return absl::OkStatus();
  }

 private:
  template <typename Pred>
  absl::Status WritePhony(absl::string_view name, Pred wanted) {
    absl::StrAppend(&buf_, "build ", name, ": phony");
    for (const RunTarget& run : plan_.runs) {
      if (!wanted(run)) continue;
      buf_.push_back(' ');
      AppendRecord(run);
      if (absl::Status s = FlushIfFull(); !s.ok()) return s;
    }
    buf_.append("\n\n");
    return absl::OkStatus();
  }
  void AppendRecord(const RunTarget& run) {
    absl::StrAppend(&buf_, runs_.at(KeyOf(run)).record_prefix, tasks_[run.task].folder);
    AppendRecordFileName(&buf_, run.feature_a, run.feature_b);
  }
  absl::Status FlushIfFull() {
    if (buf_.size() < kPieceBytes) return absl::OkStatus();
    absl::Status s = sink_(buf_);
    buf_.clear();
    return s;
  }

  const Plan& plan_;
  const std::vector<TaskPieces>& tasks_;
  const std::vector<ModelPieces>& models_;
  const std::map<RunKey, SettingPieces>& runs_;
  std::string& buf_;
  NinjaSink& sink_;
  const absl::string_view wait_for_images_;
};

// Records of pairs the plan leaves out, path-escaped, each the output of an
// input-less phony edge outside `all` (Ninja never builds it). Ninja 1.11's
// src/clean.cc: Cleaner::CleanAll (`-t clean`, with or without -g) and
// DoCleanTarget skip the outputs of phony edges, and Cleaner::CleanDead
// (`-t cleandead`) removes a logged output only when its node has neither an
// in-edge nor out-edges; src/ninja.cc's IsPathDead keeps the .ninja_log entry
// of a node with an in-edge, which cbrun's record recovery reads. So a record
// paid for under a wider subset is still on disk and in the log when the
// subset widens again, and its run edge is up to date.
std::vector<std::string> EscapeKeptRecords(const Plan& plan, Escaper& esc) {
  std::vector<std::string> kept;
  kept.reserve(plan.kept_records.size());
  for (const std::string& r : plan.kept_records) kept.push_back(esc.Path(r));
  return kept;
}

absl::Status WriteKeptRecords(const std::vector<std::string>& kept, std::string* buf,
                              NinjaSink& sink) {
  if (kept.empty()) return absl::OkStatus();
  absl::StrAppend(buf, "# ", kept.size(),
                  " records of pairs this plan leaves out, known to Ninja so that\n"
                  "# `ninja -t clean` and `-t cleandead` keep them (not part of `all`).\n");
  for (const std::string& r : kept) {
    absl::StrAppend(buf, "build ", r, ": phony\n");
    if (buf->size() < kPieceBytes) continue;
    if (absl::Status s = sink(*buf); !s.ok()) return s;
    buf->clear();
  }
  buf->push_back('\n');
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteBuildNinja(const Plan& plan, const ExperimentOptions& opts,
                             const BuildFileInfo& info, NinjaSink sink) {
  // Everything that needs escaping is escaped first, once (a setting's path
  // prefix, a task's folder and names), so a failure writes nothing and each
  // run edge is plain appends of ready pieces and numbers.
  Escaper esc;
  std::string buf = Header(plan, opts, info, esc);
  const std::vector<TaskPieces> tasks = EscapeTasks(plan, esc);
  const std::map<RunKey, SettingPieces> runs = EscapeSettings(plan, esc);
  const std::vector<ModelPieces> models = EscapeModels(plan, opts, esc);
  for (const ModelRun& m : plan.models) esc.Path(m.run_prefix);  // a phony target's name
  const std::vector<std::string> kept = EscapeKeptRecords(plan, esc);
  if (!esc.status().ok()) return esc.status();

  // From here on nothing can fail but the sink.
  buf.reserve(std::max(buf.size(), kPieceBytes) + 4096);
  RunEdgeWriter writer(plan, tasks, models, runs, &buf, sink);
  std::vector<std::string> chosen = {"images"};
  for (Setting setting : AllSettings()) {
    if (std::none_of(runs.begin(), runs.end(),
                     [&](const auto& r) { return r.first.second == setting; }))
      continue;
    chosen.emplace_back(SettingName(setting));
    if (absl::Status s = writer.WriteSetting(setting); !s.ok()) return s;
  }
  if (plan.models.size() > 1) {
    absl::StrAppend(&buf, "# Each model's runs: ninja PREFIX, ninja PREFIX-SETTING.\n");
    for (uint16_t m = 0; m < plan.models.size(); ++m)
      if (absl::Status s = writer.WriteModelTargets(m); !s.ok()) return s;
  }
  if (absl::Status s = WriteKeptRecords(kept, &buf, sink); !s.ok()) return s;
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
