// `cbgen SUBSET [options]`: read the dataset, plan, write OUT/config.json and
// build.ninja. Everything is checked before anything is written.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/run_config.h"
#include "generator/model.h"

namespace cb {

struct GenerateArgs {
  std::string subset;
  std::string dataset_dir = "dataset";
  std::string output = "build.ninja";
  std::vector<std::string> settings = {"solo", "coop-comm", "coop-nocomm"};
  std::string model = "command-a-03-2025";
  std::vector<std::string> models;  // --models A,B: a matrix (empty: the one --model)
  std::string agent;  // empty: the mini-SWE-agent of the installed cooperbench
  std::string backend = "docker";
  // Each PREFIX (one model) or MODEL=PREFIX; a model not named gets the
  // prefix derived from it (DefaultRunPrefix).
  std::vector<std::string> run_prefixes;
  // Each VAR (every model) or MODEL=VAR; a model not named gets its
  // provider's variable (core/provider.h), COHERE_API_KEY when unknown.
  std::vector<std::string> api_key_envs;
  std::string out = "out";
  int pull_jobs = 2;
  int max_runs = 0;
  int max_runs_per_provider = 0;  // 0: no pool per provider
  RunConfig run;  // operational knobs, written to OUT/config.json
  // How cbgen was started, so that build.ninja's regeneration edge starts it
  // the same way: the folder it ran in and its arguments as typed.
  std::string invoked_in;
  std::vector<std::string> invoked_args;
};

// What a generation has to say (cbgen's main prints it, "cbgen: " first):
// the agent it chose, what it wrote.
struct GenerateSummary {
  std::vector<std::string> notes;
};

// Runs generation; `cbgen_path` is this executable, used for the regen rule
// and to find cbrun next to it.
absl::StatusOr<GenerateSummary> RunGenerate(const GenerateArgs& args,
                                            const std::string& cbgen_path);

}  // namespace cb
