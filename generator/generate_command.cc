#include "generator/generate_command.h"

#include <unistd.h>

#include <filesystem>
#include <future>

#include "absl/strings/str_cat.h"
#include "util/atomic_file.h"
#include "core/cooperbench_release.h"
#include "util/json_read.h"
#include "core/plan_file.h"
#include "util/process.h"
#include "util/redact.h"
#include "util/redis_url.h"
#include "generator/dataset.h"
#include "generator/history.h"
#include "generator/model_matrix.h"
#include "generator/ninja_escape.h"
#include "generator/ninja_writer.h"
#include "generator/plan.h"
#include "generator/plan_file_writer.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// A path as seen from build.ninja's folder: relative when it lies below it.
fs::path FromBuildDir(const fs::path& p, const fs::path& build_dir) {
  fs::path abs = fs::absolute(p).lexically_normal();
  fs::path rel = abs.lexically_relative(build_dir);
  if (!rel.empty() && *rel.begin() != "..") return rel;
  return abs;
}

// cbrun next to cbgen, else on PATH (the launcher's one PATH lookup); absolute.
std::string FindCbrun(const std::string& cbgen_path) {
  fs::path beside = fs::path(cbgen_path).parent_path() / "cbrun";
  if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  const std::string on_path = FindExecutable("cbrun");
  return on_path.empty() ? "" : fs::absolute(on_path).string();
}

// The agent to pass: an explicit --agent as given; else the mini-SWE-agent of
// the installed cooperbench (its name changed in 0.0.12). Asking cooperbench
// starts Python (~50-100 ms), so the probe runs in the background while the
// dataset is read and planned, and is consulted last.
class AgentChoice {
 public:
  AgentChoice(const std::string& requested, const std::string& cooperbench)
      : requested_(requested) {
    if (requested_.empty())
      probe_ = std::async(std::launch::async,
                          [cooperbench] { return ProbeCooperbenchRelease(cooperbench); });
  }
  // Waits for the probe; `*note` says which agent it chose and why, and
  // `*warning` what is known of a release newer than the tested ones.
  absl::StatusOr<std::string> Get(std::string* note, std::string* warning) {
    if (!requested_.empty()) return requested_;
    absl::StatusOr<CooperbenchRelease> release = probe_.get();
    if (!release.ok())
      return absl::FailedPreconditionError(
          absl::StrCat("cannot choose the agent: ", release.status().message(),
                       " (or name the agent with --agent)"));
    const ReleaseSupport support = release->Support();
    *note = absl::StrCat(
        "agent ", release->DefaultAgent(), ": the mini-SWE-agent of cooperbench ", release->version,
        " (", release->executable, ")",
        ReleaseRuns(support) ? "" : "; this release is not supported, see cbgen doctor");
    if (support == ReleaseSupport::kNewerUntested)
      *warning = absl::StrCat("warning: ", UntestedReleaseWarning(release->version));
    return release->DefaultAgent();
  }

 private:
  std::string requested_;
  std::future<absl::StatusOr<CooperbenchRelease>> probe_;
};

absl::StatusOr<ExperimentOptions> OptionsFrom(const GenerateArgs& a) {
  ExperimentOptions opts;
  for (const std::string& s : a.settings) {
    std::optional<Setting> setting = ParseSetting(s);
    if (!setting)
      return absl::InvalidArgumentError(absl::StrCat("--settings: unknown setting \"", s,
                                                     "\": use solo, coop-comm, coop-nocomm"));
    if (std::find(opts.settings.begin(), opts.settings.end(), *setting) == opts.settings.end())
      opts.settings.push_back(*setting);
  }
  opts.backend = a.backend;
  opts.max_runs_per_provider = a.max_runs_per_provider;
  absl::StatusOr<ModelMatrix> matrix = ResolveModelMatrix(
      a.models.empty() ? std::vector<std::string>{a.model} : a.models, a.run_prefixes,
      a.api_key_envs);
  if (!matrix.ok()) return matrix.status();
  opts.model = matrix->runs.front().model;
  opts.run_prefix = matrix->runs.front().run_prefix;
  if (matrix->runs.size() > 1) opts.models = matrix->runs;
  if (absl::Status s = CheckModels(opts.Models(), opts.settings); !s.ok()) return s;
  return opts;
}

// mini_swe_agent (up to 0.0.11) and mini_swe_agent_v2 (0.0.12 on) are one
// agent under two names: upstream renamed it.
std::string AgentIdentity(absl::string_view agent) {
  return agent == "mini_swe_agent_v2" ? "mini_swe_agent" : std::string(agent);
}

// A run is (model, agent, setting): records under one of this build's run
// names that another model or agent made are never taken as this build's.
absl::Status CheckRunMakers(const OutHistory& history, const ExperimentOptions& opts,
                            const fs::path& out) {
  for (const ModelRun& m : opts.Models()) {
    for (Setting setting : opts.settings) {
      const std::string run_name = RunName(m.run_prefix, setting);
      auto it = history.makers.find(run_name);
      if (it == history.makers.end()) continue;
      for (const RunMaker& maker : it->second) {
        if (maker.model == m.model && AgentIdentity(maker.agent) == AgentIdentity(opts.agent))
          continue;
        return absl::FailedPreconditionError(absl::StrCat(
            (out / run_name).string(), " holds records of model ", maker.model, " with agent ",
            maker.agent, " (e.g. ", maker.example, "), not of ", m.model, " with agent ",
            opts.agent, ": a run is one model, agent and setting. Run this build under its own "
            "names (--run-prefix ", opts.IsMatrix() ? absl::StrCat(m.model, "=") : "", m.run_prefix,
            "-", opts.agent, "), in another --out, or set those records aside first (cbgen "
            "forget --out ", ShellQuote(out.string()), " --run ", run_name, " --tag any)"));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> PrefixesOf(const ExperimentOptions& opts) {
  std::vector<std::string> prefixes;
  for (const ModelRun& m : opts.Models()) prefixes.push_back(m.run_prefix);
  return prefixes;
}

// The knobs for OUT/config.json, paths made absolute, the Redis URL shown
// with its password as *** (a `***` typed, as a regeneration does, is the
// password kept in OUT/secrets/redis-url); a Redis the backend cannot reach
// is refused.
absl::StatusOr<RunConfig> RunConfigFrom(const GenerateArgs& a, const ExperimentOptions& opts) {
  RunConfig run = a.run;
  run.SetRedisUrl(a.run.redis_url);
  if (absl::Status s = run.RestoreRedisSecret(fs::absolute(a.out).lexically_normal()); !s.ok())
    return s;
  absl::StatusOr<ModelMatrix> matrix = ResolveModelMatrix(
      a.models.empty() ? std::vector<std::string>{a.model} : a.models, a.run_prefixes,
      a.api_key_envs);
  if (!matrix.ok()) return matrix.status();
  run.model = opts.model;
  run.api_key_env = matrix->keys.front().api_key_env;
  run.models = matrix->keys;
  run.dataset_dir = fs::absolute(a.dataset_dir).lexically_normal().string();
  if (run.cooperbench.find('/') != std::string::npos)
    run.cooperbench = fs::absolute(run.cooperbench).lexically_normal().string();
  if (run.docker.find('/') != std::string::npos)
    run.docker = fs::absolute(run.docker).lexically_normal().string();
  const bool wants_redis = std::find(opts.settings.begin(), opts.settings.end(),
                                     Setting::kCoopComm) != opts.settings.end();
  absl::StatusOr<RedisUrl> redis = ParseRedisUrl(run.redis_url);
  if (!redis.ok())
    return absl::InvalidArgumentError(absl::StrCat("--redis: ", redis.status().message()));
  if (wants_redis && opts.backend != "docker" && redis->IsLoopback())
    return absl::InvalidArgumentError(absl::StrCat(
        "--redis ", run.redis_url, " is a loopback address, which the ", opts.backend,
        " sandboxes cannot reach: pass --redis with a Redis URL reachable from the cloud"));
  return run;
}

// cbgen's own command line for the regeneration edge: the arguments it was
// started with, as typed, run in the folder it was started in (`-C`), so a
// regeneration makes the same choices (numbers, paths, the agent: chosen again
// when --agent was not given). A URL's password becomes *** (build.ninja
// holds no secret): the regeneration finds it in OUT/secrets/redis-url.
std::vector<std::string> RegenArgs(const GenerateArgs& a) {
  std::vector<std::string> args = {
      "-C", a.invoked_in.empty() ? fs::current_path().string() : a.invoked_in};
  for (const std::string& arg : a.invoked_args) args.push_back(RedactUrlPasswords(arg));
  return args;
}

// build.ninja and OUT/plan.json stream into temp files, side by side (two
// texts of tens of MB for the full dataset: each on its own core); config.json
// is written and the temp files renamed into place only when every text was
// written: a failure leaves all three files as they were.
absl::Status WriteOutputs(const Plan& plan, const ExperimentOptions& opts,
                          const BuildFileInfo& info, const RunConfig& run, const fs::path& output,
                          const fs::path& out_abs) {
  AtomicFileWriter ninja_file(output);
  if (!ninja_file.status().ok()) return ninja_file.status();
  AtomicFileWriter plan_file(PlanFilePath(out_abs));
  if (!plan_file.status().ok()) return plan_file.status();
  std::future<absl::Status> plan_written = std::async(std::launch::async, [&] {
    return WritePlanFile(plan, opts, output,
                         [&](absl::string_view piece) { return plan_file.Append(piece); });
  });
  const absl::Status ninja_written = WriteBuildNinja(
      plan, opts, info, [&](absl::string_view piece) { return ninja_file.Append(piece); });
  if (absl::Status s = plan_written.get(); !s.ok()) return s;
  if (!ninja_written.ok()) return ninja_written;
  if (absl::Status s = WriteFileAtomically(out_abs / "config.json", PrettyJson(run.ToJson()));
      !s.ok())
    return s;
  if (absl::Status s = plan_file.Commit(); !s.ok()) return s;
  return ninja_file.Commit();
}

}  // namespace

absl::StatusOr<GenerateSummary> RunGenerate(const GenerateArgs& a, const std::string& cbgen_path) {
  if (a.subset.empty())
    return absl::InvalidArgumentError(
        "name a subset: cbgen lite (or flash, all, or a subset file); see cbgen --help");
  // What to run comes first: an unknown subset is named before any option's trouble.
  absl::StatusOr<DatasetSelection> sel =
      SelectTasks(fs::absolute(a.dataset_dir).lexically_normal().string(), a.subset);
  if (!sel.ok()) return sel.status();
  absl::StatusOr<ExperimentOptions> opts = OptionsFrom(a);
  if (!opts.ok()) return opts.status();
  const fs::path output = fs::absolute(a.output).lexically_normal();
  const fs::path build_dir = output.parent_path();
  opts->out = FromBuildDir(a.out, build_dir);
  const fs::path out_abs = fs::absolute(a.out).lexically_normal();
  absl::StatusOr<RunConfig> run = RunConfigFrom(a, *opts);
  if (!run.ok()) return run.status();
  AgentChoice agent_choice(a.agent, run->cooperbench);

  // One walk of OUT's records: durations for the order, and the records the
  // plan leaves out, which build.ninja keeps from `ninja -t cleandead`.
  const OutHistory history = ReadOutHistory(out_abs, PrefixesOf(*opts));
  absl::StatusOr<Plan> plan = MakePlan(sel->tasks, *opts, history.durations, history.records);
  if (!plan.ok()) return plan.status();
  GenerateSummary summary;
  // Last of the checks: the installed cooperbench's answer.
  std::string agent_note, release_warning;
  absl::StatusOr<std::string> agent = agent_choice.Get(&agent_note, &release_warning);
  if (!agent.ok()) return agent.status();
  opts->agent = *agent;
  if (absl::Status s = CheckRunMakers(history, *opts, a.out); !s.ok()) return s;
  if (!agent_note.empty()) summary.notes.push_back(agent_note);
  if (!release_warning.empty()) summary.notes.push_back(release_warning);

  BuildFileInfo info;
  info.cbgen = fs::absolute(cbgen_path).string();
  info.cbrun = FindCbrun(info.cbgen);
  if (info.cbrun.empty())
    return absl::NotFoundError(
        "cannot find cbrun next to cbgen or on PATH: install both (scripts/bootstrap does)");
  info.config = opts->out / "config.json";
  info.build_file = output.filename();
  info.pull_jobs = a.pull_jobs;
  info.max_runs = a.max_runs;
  for (const fs::path& p : sel->inputs) info.regen_inputs.push_back(FromBuildDir(p, build_dir));
  info.regen_inputs.push_back(info.cbgen);
  info.regen_args = RegenArgs(a);

  run->image_targets = static_cast<int>(plan->images.size());
  run->coop_comm_runs =
      static_cast<int>(std::count_if(plan->runs.begin(), plan->runs.end(), [](const auto& r) {
        return r.setting == Setting::kCoopComm;
      }));
  if (absl::Status s = run->StoreRedisSecret(out_abs); !s.ok()) return s;
  if (absl::Status s = WriteOutputs(*plan, *opts, info, *run, output, out_abs); !s.ok()) return s;
  summary.notes.push_back(absl::StrCat("wrote ", a.output, ": ", plan->images.size(),
                                       " image targets, ", plan->runs.size(),
                                       " run targets; now run: ninja -j4"));
  return summary;
}

}  // namespace cb
