// The models of a build from cbgen's command line: each model's run prefix,
// provider and key variable. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/run_config.h"
#include "generator/model.h"

namespace cb {

struct ModelMatrix {
  std::vector<ModelRun> runs;  // in the order given
  std::vector<ModelKey> keys;  // the same models, with their key's variable
};

// `models`: the models in order (one for a one-model build). `run_prefixes`:
// each PREFIX (only with one model) or MODEL=PREFIX; the others get
// DefaultRunPrefix(model). `api_key_envs`: each VAR (every model) or
// MODEL=VAR; the others get their provider's variable (KeyVariableOf), or
// COHERE_API_KEY where the provider is not known. A MODEL= naming no model of
// the build, or a model named twice, is an error saying which option and what to do.
absl::StatusOr<ModelMatrix> ResolveModelMatrix(const std::vector<std::string>& models,
                                               const std::vector<std::string>& run_prefixes,
                                               const std::vector<std::string>& api_key_envs);

}  // namespace cb
