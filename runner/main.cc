// cbrun: runs one target of a cbgen build: a pair (`run`) or an image (`pull`).
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/naming.h"
#include "common/run_config.h"
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cbrun: runs one target of a build.ninja written by cbgen"};
  app.set_version_flag("--version", std::string("cbrun ") + CBGEN_VERSION);
  app.require_subcommand(1);
  std::string config_path;

  CLI::App* run = app.add_subcommand("run", "Run one (setting, pair) and write its record");
  std::string setting_name, repo, features, record;
  long long task_id = -1;
  cb::PairJob job;
  run->add_option("--config", config_path, "OUT/config.json written by cbgen")->required();
  run->add_option("--setting", setting_name, "solo, coop-comm or coop-nocomm")->required();
  run->add_option("--repo", repo, "Dataset folder of the repository")->required();
  run->add_option("--task", task_id, "Task id")->required()->check(CLI::NonNegativeNumber);
  run->add_option("--features", features, "Two feature numbers, A,B")->required();
  run->add_option("--model", job.model)->required();
  run->add_option("--agent", job.agent)->required();
  run->add_option("--backend", job.backend)->required();
  run->add_option("--run-name", job.run_name)->required();
  run->add_option("--record", record, "Where the record goes")->required();

  CLI::App* pull = app.add_subcommand("pull", "Make one task's image ready and write its stamp");
  cb::PullJob pull_job;
  pull->add_option("--config", config_path, "OUT/config.json written by cbgen")->required();
  pull->add_option("--repo", pull_job.repo)->required();
  pull->add_option("--task", pull_job.task_id)->required()->check(CLI::NonNegativeNumber);
  pull->add_option("--stamp", pull_job.stamp)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  absl::StatusOr<cb::RunConfig> config = cb::RunConfig::Load(config_path);
  if (!config.ok())
    return Fail(cb::Redactor::FromEnvironment(cb::RunConfig().api_key_env),
                config.status().message(), 2);
  // The key values and the Redis password, kept out of every line printed
  // and every log written.
  const cb::Redactor redactor = config->MakeRedactor();
  auto fail = [&](absl::string_view message, int code) { return Fail(redactor, message, code); };
  const std::filesystem::path out_dir = std::filesystem::path(config_path).parent_path();
  // Created before any work so SIGINT/SIGTERM/SIGHUP are caught from here on.
  std::unique_ptr<cb::Launcher> launcher = cb::MakeProcessLauncher(redactor);
  cb::StderrReporter reporter(redactor);  // the one voice of cbrun's libraries
  // Once per ninja invocation, before the first pull or run. A run whose
  // record exists starts nothing (RunPair says so under its lock): a resume
  // without .ninja_log, where every finished pair's cbrun starts once, needs
  // no check of Docker, Redis or the key.
  const bool recorded = run->parsed() && ::access(record.c_str(), F_OK) == 0;
  std::optional<cb::CooperbenchRelease> release;
  if (!recorded) {
    if (absl::Status s = cb::Preflight(*config, out_dir, reporter, &release); !s.ok())
      return fail(s.message(), 2);
  }

  if (pull->parsed()) {
    if (absl::Status s = cb::CheckRepoName(pull_job.repo); !s.ok()) return fail(s.message(), 2);
    pull_job.log_file = out_dir / "logs" / "images" /
                        (pull_job.repo + "-" + cb::TaskFolder(pull_job.task_id) + ".log");
    absl::Status s = cb::PullImage(pull_job, *config, *launcher, reporter);
    if (!s.ok()) return fail(s.message(), absl::IsCancelled(s) ? 130 : 1);
    return 0;
  }

  std::optional<cb::Setting> setting = cb::ParseSetting(setting_name);
  if (!setting) return fail("--setting must be solo, coop-comm or coop-nocomm", 2);
  std::vector<std::string> parts = absl::StrSplit(features, ',');
  int a = 0, b = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &a) || !absl::SimpleAtoi(parts[1], &b) ||
      a < 1 || b < 1 || a == b)
    return fail("--features must be two different feature numbers, A,B", 2);
  if (absl::Status s = cb::CheckRepoName(repo); !s.ok()) return fail(s.message(), 2);
  if (absl::Status s = cb::CheckRunName(job.run_name); !s.ok()) return fail(s.message(), 2);
  job.setting = *setting;
  job.pair = cb::PairId{repo, task_id, std::min(a, b), std::max(a, b)};
  job.record = record;
  job.out_dir = out_dir;
  if (release) {
    job.has_log_dir = release->has_log_dir;
    job.has_dataset_dir = release->has_dataset_dir;
    job.cooperbench_release = release->version;
  }

  // Several providers: a missing or rejected key stops only its provider's runs.
  cb::ProviderGate gate(*config, out_dir, job.model);
  std::optional<std::string> stopped;
  if (!recorded) {
    stopped = gate.Stopped();
    if (!stopped) stopped = gate.StopIfKeyMissing();
  }
  if (stopped) {
    std::cerr << "cbrun: error: " << redactor.Redact(*stopped) << "\n";
    return 0;
  }

  std::unique_ptr<cb::AttemptServices> services = cb::MakeServices(*config, out_dir, reporter);
  cb::PairResult result = cb::RunPair(job, *config, *launcher, *services, reporter);
  if (result.status == cb::PairStatus::kFatal && result.fatal_reason &&
      gate.StopForFatal(*result.fatal_reason, result.message)) {
    std::cerr << "cbrun: error: " << redactor.Redact(gate.Stopped().value_or(result.message))
              << "\n";
    return 0;
  }
  if (result.status == cb::PairStatus::kRecorded) cb::WarnIfOverBudget(out_dir, *config, std::cerr);
  if (result.status == cb::PairStatus::kRecorded || result.status == cb::PairStatus::kAlreadyDone) {
    std::cout << "cbrun: " << redactor.Redact(result.message) << "\n";
  } else {
    std::cerr << "cbrun: " << (result.status == cb::PairStatus::kInterrupted ? "" : "error: ")
              << redactor.Redact(result.message) << "\n";
  }
  std::fflush(stdout);
  return result.exit_code;
}
