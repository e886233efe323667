// `cbgen SUBSET [options]`: the generator's options.
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "app/cli.h"

namespace cb {

const CLI::Validator kKnownBackend(  // declared extern in app/cli.h
    [](std::string& name) -> std::string {
      if (name == "docker" || name == "modal" || name == "gcp") return "";
      return absl::StrCat("unknown backend \"", name, "\": use docker, modal or gcp");
    },
    "docker|modal|gcp");

namespace {

// CLI11's Range lets NaN through (every comparison with it is false) and a
// config.json cannot hold NaN or infinity: refuse them at the command line.
const CLI::Validator kFinite(
    [](std::string& text) -> std::string {
      double value = 0;
      if (!absl::SimpleAtod(text, &value) || !std::isfinite(value))
        return absl::StrCat("\"", text, "\" is not a finite number");
      return "";
    },
    "FINITE");

// What to run and where: the choices build.ninja and the plan are made of.
void AddExperimentOptions(CLI::App& app, GenerateArgs& a) {
  app.add_option("subset", a.subset,
                 "Subset name under DATASET/subsets (lite, flash), 'all', or a subset file");
  app.add_option("--dataset-dir", a.dataset_dir, "Dataset folder made by `cooperbench prepare`")
      ->capture_default_str();
  app.add_option("-o,--output", a.output, "The Ninja file to write")->capture_default_str();
  AddListOption(&app, "--settings,--setting", &a.settings,
                "Settings to run (comma-separated): solo, coop-comm, coop-nocomm");
  CLI::Option* model =
      app.add_option("--model", a.model, "Model passed to cooperbench -m")->capture_default_str();
  AddListOption(&app, "--models", &a.models,
                "Several models in one build (comma-separated; instead of --model): every "
                "(model, setting, pair), `ninja PREFIX` and `ninja PREFIX-SETTING` per model")
      ->excludes(model);
  app.add_option("--agent", a.agent,
                 "Agent passed to cooperbench -a (default: the mini-SWE-agent of the installed "
                 "cooperbench: mini_swe_agent before 0.0.12, mini_swe_agent_v2 from 0.0.12)");
  app.add_option("--backend", a.backend, "Sandbox backend: docker, modal or gcp")
      ->check(kKnownBackend)
      ->capture_default_str();
  app.add_option("--run-prefix", a.run_prefixes,
                 "Run names are PREFIX-solo, PREFIX-coop-comm, PREFIX-coop-nocomm "
                 "(default: from the model, command-a for command-a-03-2025); with --models, "
                 "MODEL=PREFIX for one model (repeatable)");
  app.add_option("--out", a.out, "Folder for records, logs, stamps and config")
      ->capture_default_str();
  app.add_option("--pull-jobs", a.pull_jobs, "Image pulls at a time")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  CLI::Option* max_runs =
      app.add_option("--max-runs", a.max_runs, "Agent runs at a time, apart from -j (0: no cap)")
          ->check(CLI::Range(0, 100000))
          ->capture_default_str();
  app.add_option("--max-runs-per-provider", a.max_runs_per_provider,
                 "Agent runs at a time per provider (a Ninja pool each; instead of --max-runs)")
      ->check(CLI::Range(1, 100000))
      ->excludes(max_runs);
  app.add_option("--api-key-env", a.api_key_envs,
                 "Environment variable holding the API key: VAR, or MODEL=VAR for one model "
                 "(repeatable; default: the provider's, e.g. COHERE_API_KEY, OPENAI_API_KEY)");
}

// Operational knobs: written to OUT/config.json, kept off build.ninja's
// command lines (changing them re-runs nothing).
void AddRunConfigOptions(CLI::App& app, RunConfig& r) {
  app.add_option("--timeout", r.timeout_s, "Seconds per agent attempt (the agents' wall clock)")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str();
  app.add_option("--retries", r.retries, "Extra agent attempts after an infrastructure error")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_option("--eval-timeout", r.eval_timeout_s,
                 "Seconds per evaluation attempt; past it the pair is fail/tests_timeout")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str();
  app.add_option("--eval-retries", r.eval_retries,
                 "Extra evaluation attempts after evaluation trouble (the agents do not re-run)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_option("--backoff", r.backoff_s, "Seconds before the first retry (doubles after)")
      ->check(kFinite & CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  app.add_option("--grace", r.grace_s, "Seconds between TERM and KILL when ending an attempt")
      ->check(kFinite & CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--cooperbench", r.cooperbench, "The cooperbench executable")
      ->capture_default_str();
  app.add_option("--docker", r.docker, "The docker CLI")->capture_default_str();
  app.add_option("--redis", r.redis_url,
                 "Redis for coop with messaging; a password in it (redis://:PASS@HOST:PORT) "
                 "is kept in OUT/secrets/redis-url (mode 0600), shown everywhere as ***")
      ->capture_default_str();
  app.add_option("--redis-server", r.redis_server,
                 "redis-server executable to start a loopback Redis with")
      ->capture_default_str();
  app.add_option("--registry", r.registry,
                 "Pull PREFIX/cooperbench-<repo>:task<id> (tagged as akhatua/... afterwards)")
      ->capture_default_str();
  app.add_option("--pull-retries", r.pull_retries, "Extra tries of a failed pull")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_option("--min-free-gb", r.min_free_gb, "Free GB Docker needs per image still to pull")
      ->check(kFinite & CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--budget-warn", r.budget_warn_usd,
                 "Warn once total spend in USD passes this (never stops)")
      ->check(kFinite & CLI::Range(0.0, 1e9));
}

}  // namespace

void AddGenerateOptions(CLI::App& app, GenerateArgs& a) {
  AddExperimentOptions(app, a);
  AddRunConfigOptions(app, a.run);
}

}  // namespace cb
