#include "runner/cooperbench_command.h"

#include "absl/strings/str_cat.h"

namespace cb {
namespace fs = std::filesystem;

AttemptPlace PlaceAttempt(const PairJob& job, const fs::path& attempt_dir) {
  AttemptPlace place{attempt_dir, {}, attempt_dir};
  if (!job.has_log_dir || !job.has_dataset_dir) {
    place.cwd = attempt_dir;
    if (!job.has_log_dir) place.log_root = attempt_dir / "logs";
  }
  return place;
}

absl::Status PrepareAttemptPlace(const AttemptPlace& place, const RunConfig& config) {
  std::error_code ec;
  fs::create_directories(place.dir, ec);
  if (ec)
    return absl::InternalError(
        absl::StrCat("cannot create ", place.dir.string(), ": ", ec.message()));
  if (place.cwd.empty()) return absl::OkStatus();
  // cooperbench reads ./dataset under its working directory.
  const fs::path dataset =
      fs::absolute(config.dataset_dir.empty() ? "dataset" : config.dataset_dir);
  fs::create_directory_symlink(dataset, place.cwd / "dataset", ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot link ", (place.cwd / "dataset").string(),
                                            " to ", dataset.string(), ": ", ec.message()));
  return absl::OkStatus();
}

std::vector<std::string> CooperbenchArgs(const PairJob& job, const RunConfig& config,
                                         const AttemptPlace& place) {
  std::vector<std::string> args = {
      config.cooperbench,
      "run",
      "-n",
      job.run_name,
      "-r",
      job.pair.repo,
      "-t",
      absl::StrCat(job.pair.task_id),  // always with -r: task 0 is a real id
      "-f",
      absl::StrCat(job.pair.feature_a, ",", job.pair.feature_b),
      "--setting",
      std::string(UpstreamSetting(job.setting))};
  if (job.setting == Setting::kCoopNocomm) args.push_back("--no-messaging");
  args.insert(args.end(), {"-m", job.model, "-a", job.agent, "--backend", job.backend, "-c", "1"});
  if (NeedsRedis(job.setting)) args.insert(args.end(), {"--redis", config.RedisUrlWithPassword()});
  if (job.has_dataset_dir && !config.dataset_dir.empty())
    args.insert(args.end(), {"--dataset-dir", config.dataset_dir});
  if (job.has_log_dir) args.insert(args.end(), {"--log-dir", place.log_root.string()});
  // The evaluation runs apart (CooperbenchEvalArgs): its trouble never re-pays the agents.
  args.push_back("--no-auto-eval");
  return args;
}

std::vector<std::string> CooperbenchEvalArgs(const PairJob& job, const RunConfig& config,
                                             const AttemptPlace& place) {
  std::vector<std::string> args = {config.cooperbench,
                                   "eval",
                                   "-n",
                                   job.run_name,
                                   "-r",
                                   job.pair.repo,
                                   "-t",
                                   absl::StrCat(job.pair.task_id),
                                   "-f",
                                   absl::StrCat(job.pair.feature_a, ",", job.pair.feature_b),
                                   "--backend",
                                   job.backend,
                                   "-c",
                                   "1",
                                   "--force"};
  if (job.has_dataset_dir && !config.dataset_dir.empty())
    args.insert(args.end(), {"--dataset-dir", config.dataset_dir});
  if (job.has_log_dir) args.insert(args.end(), {"--log-dir", place.log_root.string()});
  return args;
}

}  // namespace cb
