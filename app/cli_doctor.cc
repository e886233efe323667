// `cbgen doctor`'s options.
#include <iostream>
#include <memory>

#include "app/cli.h"
#include "app/doctor.h"

namespace cb {

RunSubcommand AddDoctorOptions(CLI::App* sub) {
  auto args = std::make_shared<DoctorArgs>();
  sub->add_option("subset", args->subset, "Subset to check (lite, flash, all, or a file)");
  sub->add_option("--out", args->out,
                  "Folder with config.json written by cbgen (its settings "
                  "are the defaults)")
      ->capture_default_str();
  sub->add_option("--dataset-dir", args->dataset_dir, "Dataset folder");
  AddListOption(sub, "--settings,--setting", &args->settings,
                "Settings to check for (Redis for coop-comm)");
  sub->add_option("--cooperbench", args->cooperbench, "The cooperbench executable");
  sub->add_option("--docker", args->docker, "The docker CLI");
  sub->add_option("--backend", args->backend,
                  "Sandbox backend: docker, modal or gcp (default: the build's in --out, else "
                  "docker); Docker is checked only for docker")
      ->check(kKnownBackend);
  sub->add_option("--redis", args->redis_url, "Redis URL for coop-comm");
  sub->add_option("--redis-server", args->redis_server, "redis-server executable");
  sub->add_option("--api-key-env", args->api_key_env,
                  "Environment variable holding the API key (default COHERE_API_KEY)");
  sub->add_option("--model", args->model,
                  "Model whose price litellm should know (default: config.json's, else "
                  "command-a-03-2025)");
  sub->add_option("--min-free-gb", args->min_free_gb, "Free GB Docker needs per image to pull");
  return [args] { return RunDoctor(*args, std::cout); };
}

}  // namespace cb
