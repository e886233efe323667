// cbrun: runs one target of a cbgen build: a pair (`run`) or an image (`pull`).
// Exit codes: core/exit_codes.h.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "core/exit_codes.h"
#include "core/naming.h"
#include "core/run_config.h"
#include "runner/budget.h"
#include "runner/image_puller.h"
#include "runner/pair_runner.h"
#include "runner/preflight.h"
#include "runner/provider_gate.h"
#include "runner/services.h"

namespace {

// Everything cbrun prints goes through `redactor` (secrets as ***).
int Fail(const cb::Redactor& redactor, absl::string_view message, int code) {
  std::cerr << "cbrun: error: " << redactor.Redact(message) << "\n";
  return code;
}

// `cbrun run`'s options as given; PairJob is made from them.
struct RunArgs {
  std::string setting_name, repo, features, record;
  long long task_id = -1;
  cb::PairJob job;
};

CLI::App* AddRunCommand(CLI::App& app, std::string& config_path, RunArgs& a) {
  CLI::App* run = app.add_subcommand("run", "Run one (setting, pair) and write its record");
  run->add_option("--config", config_path, "OUT/config.json written by cbgen")->required();
  run->add_option("--setting", a.setting_name, "solo, coop-comm or coop-nocomm")->required();
  run->add_option("--repo", a.repo, "Dataset folder of the repository")->required();
  run->add_option("--task", a.task_id, "Task id")->required()->check(CLI::NonNegativeNumber);
  run->add_option("--features", a.features, "Two feature numbers, A,B")->required();
  run->add_option("--model", a.job.model)->required();
  run->add_option("--agent", a.job.agent)->required();
  run->add_option("--backend", a.job.backend)->required();
  run->add_option("--run-name", a.job.run_name)->required();
  run->add_option("--record", a.record, "Where the record goes")->required();
  return run;
}

CLI::App* AddPullCommand(CLI::App& app, std::string& config_path, cb::PullJob& job) {
  CLI::App* pull = app.add_subcommand("pull", "Make one task's image ready and write its stamp");
  pull->add_option("--config", config_path, "OUT/config.json written by cbgen")->required();
  pull->add_option("--repo", job.repo)->required();
  pull->add_option("--task", job.task_id)->required()->check(CLI::NonNegativeNumber);
  pull->add_option("--stamp", job.stamp)->required();
  return pull;
}

// What cbrun needs for either command once its config is read.
struct Context {
  const cb::RunConfig& config;
  const std::filesystem::path& out_dir;
  const cb::Redactor& redactor;
  cb::Launcher& launcher;
  cb::Reporter& reporter;
};

// `cbrun pull`: a signal ends it with 128 + that signal.
int Pull(cb::PullJob job, const Context& c) {
  if (absl::Status s = cb::CheckRepoName(job.repo); !s.ok())
    return Fail(c.redactor, s.message(), cb::kExitFatal);
  job.log_file =
      c.out_dir / "logs" / "images" / (job.repo + "-" + cb::TaskFolder(job.task_id) + ".log");
  absl::Status s = cb::PullImage(job, c.config, c.launcher, c.reporter);
  if (absl::IsCancelled(s) && c.launcher.interrupt_signal() != 0) {
    std::cerr << "cbrun: pull " << job.repo << " " << cb::TaskFolder(job.task_id) << ": "
              << c.redactor.Redact(s.message()) << "\n";
    return cb::ExitInterrupted(c.launcher.interrupt_signal());
  }
  if (!s.ok()) return Fail(c.redactor, s.message(), cb::kExitFailed);
  return cb::kExitOk;
}

// Checks `cbrun run`'s options and fills a.job from them.
absl::Status MakePairJob(RunArgs& a, const std::filesystem::path& out_dir,
                         const std::optional<cb::CooperbenchRelease>& release) {
  std::optional<cb::Setting> setting = cb::ParseSetting(a.setting_name);
  if (!setting)
    return absl::InvalidArgumentError("--setting must be solo, coop-comm or coop-nocomm");
  std::vector<std::string> parts = absl::StrSplit(a.features, ',');
  int fa = 0, fb = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &fa) || !absl::SimpleAtoi(parts[1], &fb) ||
      fa < 1 || fb < 1 || fa == fb)
    return absl::InvalidArgumentError("--features must be two different feature numbers, A,B");
  if (absl::Status s = cb::CheckRepoName(a.repo); !s.ok()) return s;
  if (absl::Status s = cb::CheckRunName(a.job.run_name); !s.ok()) return s;
  a.job.setting = *setting;
  a.job.pair = cb::PairId{a.repo, a.task_id, std::min(fa, fb), std::max(fa, fb)};
  a.job.record = a.record;
  a.job.out_dir = out_dir;
  if (release) {
    a.job.has_log_dir = release->has_log_dir;
    a.job.has_dataset_dir = release->has_dataset_dir;
    a.job.cooperbench_release = release->version;
  }
  return absl::OkStatus();
}

// `cbrun run` of a checked job. A provider stopped (its key missing or
// rejected) exits 0: Ninja goes on with the other providers' runs.
int RunOnePair(const cb::PairJob& job, bool recorded, const Context& c) {
  cb::ProviderGate gate(c.config, c.out_dir, job.model);
  std::optional<std::string> stopped;
  if (!recorded) {
    stopped = gate.Stopped();
    if (!stopped) stopped = gate.StopIfKeyMissing();
  }
  if (stopped) {
    std::cerr << "cbrun: error: " << c.redactor.Redact(*stopped) << "\n";
    return cb::kExitOk;
  }

  std::unique_ptr<cb::AttemptServices> services = cb::MakeServices(c.config, c.out_dir, c.reporter);
  cb::PairResult result = cb::RunPair(job, c.config, c.launcher, *services, c.reporter);
  if (result.status == cb::PairStatus::kFatal && result.fatal_reason &&
      gate.StopForFatal(*result.fatal_reason, result.message)) {
    std::cerr << "cbrun: error: " << c.redactor.Redact(gate.Stopped().value_or(result.message))
              << "\n";
    return cb::kExitOk;
  }
  if (result.status == cb::PairStatus::kRecorded)
    cb::WarnIfOverBudget(c.out_dir, c.config, std::cerr);
  if (result.status == cb::PairStatus::kRecorded || result.status == cb::PairStatus::kAlreadyDone) {
    std::cout << "cbrun: " << c.redactor.Redact(result.message) << "\n";
  } else {
    std::cerr << "cbrun: " << (result.status == cb::PairStatus::kInterrupted ? "" : "error: ")
              << c.redactor.Redact(result.message) << "\n";
  }
  std::fflush(stdout);
  return result.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cbrun: runs one target of a build.ninja written by cbgen"};
  app.set_version_flag("--version", std::string("cbrun ") + CBGEN_VERSION);
  app.require_subcommand(1);
  std::string config_path;
  RunArgs run_args;
  CLI::App* run = AddRunCommand(app, config_path, run_args);
  cb::PullJob pull_job;
  CLI::App* pull = AddPullCommand(app, config_path, pull_job);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a command line not understood is fatal:
    // every pair's cbrun would fail alike.
    return app.exit(e) == cb::kExitOk ? cb::kExitOk : cb::kExitUsage;
  }

  absl::StatusOr<cb::RunConfig> config = cb::RunConfig::Load(config_path);
  if (!config.ok())
    return Fail(cb::Redactor::FromEnvironment(cb::RunConfig().api_key_env),
                config.status().message(), cb::kExitFatal);
  // The key values and the Redis password, kept out of every line printed
  // and every log written.
  const cb::Redactor redactor = config->MakeRedactor();
  const std::filesystem::path out_dir = std::filesystem::path(config_path).parent_path();
  // Created before any work so SIGINT/SIGTERM/SIGHUP are caught from here on.
  std::unique_ptr<cb::Launcher> launcher = cb::MakeProcessLauncher(redactor);
  cb::StderrReporter reporter(redactor);  // the one voice of cbrun's libraries
  const Context context{*config, out_dir, redactor, *launcher, reporter};
  // Once per ninja invocation, before the first pull or run. A run whose
  // record exists starts nothing (RunPair says so under its lock): a resume
  // without .ninja_log, where every finished pair's cbrun starts once, needs
  // no check of Docker, Redis or the key.
  const bool recorded = run->parsed() && ::access(run_args.record.c_str(), F_OK) == 0;
  std::optional<cb::CooperbenchRelease> release;
  if (!recorded) {
    if (absl::Status s = cb::Preflight(*config, out_dir, reporter, &release); !s.ok())
      return Fail(redactor, s.message(), cb::kExitFatal);
  }
  if (pull->parsed()) return Pull(pull_job, context);
  if (absl::Status s = MakePairJob(run_args, out_dir, release); !s.ok())
    return Fail(redactor, s.message(), cb::kExitFatal);
  return RunOnePair(run_args.job, recorded, context);
}
