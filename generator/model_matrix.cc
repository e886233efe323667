#include "generator/model_matrix.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/provider.h"
#include "generator/plan.h"

namespace cb {
namespace {

// The key variable when neither the user nor the provider names one: the
// experiment's own model is Cohere's (cbgen's default before providers).
constexpr char kFallbackKeyVariable[] = "COHERE_API_KEY";

// Reads `specs` (VALUE or MODEL=VALUE) into a value per model; a bare VALUE
// applies to every model when `bare_for_all`, else only with one model.
absl::StatusOr<std::map<std::string, std::string>> PerModel(
    const std::vector<std::string>& specs, const std::vector<std::string>& models,
    absl::string_view option, bool bare_for_all) {
  std::map<std::string, std::string> values;
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      if (!bare_for_all && models.size() > 1)
        return absl::InvalidArgumentError(absl::StrCat(
            option, " ", spec, ": with several models, name the model: ", option, " MODEL=",
            spec, " (models: ", absl::StrJoin(models, ", "), ")"));
      for (const std::string& m : models) values[m] = spec;
      continue;
    }
    const std::string model = spec.substr(0, eq), value = spec.substr(eq + 1);
    if (std::find(models.begin(), models.end(), model) == models.end())
      return absl::InvalidArgumentError(
          absl::StrCat(option, " ", spec, ": ", model, " is not a model of this build (models: ",
                       absl::StrJoin(models, ", "), ")"));
    if (value.empty())
      return absl::InvalidArgumentError(absl::StrCat(option, " ", spec, ": nothing after '='"));
    values[model] = value;
  }
  return values;
}

}  // namespace

absl::StatusOr<ModelMatrix> ResolveModelMatrix(const std::vector<std::string>& models,
                                               const std::vector<std::string>& run_prefixes,
                                               const std::vector<std::string>& api_key_envs) {
  if (models.empty()) return absl::InvalidArgumentError("--models: name at least one model");
  for (size_t i = 0; i < models.size(); ++i) {
    if (models[i].empty()) return absl::InvalidArgumentError("--model must not be empty");
    if (std::find(models.begin(), models.begin() + i, models[i]) != models.begin() + i)
      return absl::InvalidArgumentError(
          absl::StrCat("--models: ", models[i], " is named twice: name each model once"));
  }
  absl::StatusOr<std::map<std::string, std::string>> prefixes =
      PerModel(run_prefixes, models, "--run-prefix", false);
  if (!prefixes.ok()) return prefixes.status();
  absl::StatusOr<std::map<std::string, std::string>> keys =
      PerModel(api_key_envs, models, "--api-key-env", true);
  if (!keys.ok()) return keys.status();
  ModelMatrix matrix;
  for (const std::string& model : models) {
    const std::string provider = ProviderOf(model);
    auto prefix = prefixes->find(model);
    matrix.runs.push_back(ModelRun{
        model, prefix != prefixes->end() ? prefix->second : DefaultRunPrefix(model), provider});
    std::string key_env = KeyVariableOf(provider);
    if (auto it = keys->find(model); it != keys->end()) key_env = it->second;
    if (key_env.empty()) key_env = kFallbackKeyVariable;
    matrix.keys.push_back(ModelKey{model, provider, key_env});
  }
  return matrix;
}

}  // namespace cb
