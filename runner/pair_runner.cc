#include "runner/pair_runner.h"

#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/atomic_file.h"
#include "common/file_lock.h"
#include "common/json_read.h"
#include "common/log_tail.h"
#include "common/record_copy.h"
#include "common/cooperbench_release.h"
#include "runner/attempt_files.h"
#include "common/disk_check.h"
#include "runner/retry_policy.h"

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
  const fs::path dataset = fs::absolute(config.dataset_dir.empty() ? "dataset" : config.dataset_dir);
  fs::create_directory_symlink(dataset, place.cwd / "dataset", ec);
  if (ec)
    return absl::InternalError(absl::StrCat("cannot link ", (place.cwd / "dataset").string(),
                                            " to ", dataset.string(), ": ", ec.message()));
  return absl::OkStatus();
}

std::vector<std::string> CooperbenchArgs(const PairJob& job, const RunConfig& config,
                                         const AttemptPlace& place) {
  std::vector<std::string> args = {
      config.cooperbench, "run",
      "-n", job.run_name,
      "-r", job.pair.repo,
      "-t", absl::StrCat(job.pair.task_id),  // always with -r: task 0 is a real id
      "-f", absl::StrCat(job.pair.feature_a, ",", job.pair.feature_b),
      "--setting", std::string(UpstreamSetting(job.setting))};
  if (job.setting == Setting::kCoopNocomm) args.push_back("--no-messaging");
  args.insert(args.end(), {"-m", job.model, "-a", job.agent, "--backend", job.backend, "-c", "1"});
  if (NeedsRedis(job.setting)) args.insert(args.end(), {"--redis", config.redis_url});
  if (job.has_dataset_dir && !config.dataset_dir.empty())
    args.insert(args.end(), {"--dataset-dir", config.dataset_dir});
  if (job.has_log_dir) args.insert(args.end(), {"--log-dir", place.log_root.string()});
  return args;
}

namespace {

std::string Describe(const PairJob& job) {
  return absl::StrFormat("%s %s [%d,%d]", SettingName(job.setting),
                         ShortTaskName(job.pair.repo, job.pair.task_id), job.pair.feature_a,
                         job.pair.feature_b);
}

// The first attempt-N folder that does not exist yet: an interrupted earlier
// run keeps its logs, and upstream's skip-existing never sees an old result.
fs::path NextAttemptDir(const fs::path& pair_log_dir, int* n) {
  for (int i = 1;; ++i) {
    fs::path dir = pair_log_dir / absl::StrCat("attempt-", i);
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      *n = i;
      return dir;
    }
  }
}

// Enough of cooperbench.log to find argparse's usage error or a traceback's end.
constexpr int kLogLinesForClassify = 20;

// What to do about an error that would fail every pair alike.
std::string FatalHint(const Verdict& verdict, const RunConfig& config) {
  if (verdict.reason == "cooperbench_not_found")
    return " (install cooperbench or pass --cooperbench PATH to cbgen)";
  if (verdict.reason == "auth_failed") return absl::StrCat(" (check ", config.api_key_env, ")");
  if (verdict.reason == "unknown_agent")
    return " (regenerate with cbgen --agent NAME, one of those, or without --agent for the "
           "installed release's mini-SWE-agent)";
  if (verdict.reason == "model_unpriced")
    return " (register the model's price in a JSON file named by LITELLM_MODEL_REGISTRY_PATH, or "
           "export MSWEA_COST_TRACKING=ignore_errors to run with costs recorded as unknown)";
  if (verdict.reason == "usage_error")
    return absl::StrCat(" (this cooperbench release rejects cbrun's command line: `cbgen doctor` "
                        "names the release; supported: ",
                        kOldestSupportedRelease, " to ", kNewestSupportedRelease, ")");
  return " (check --model)";
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

}  // namespace

PairResult RunPair(const PairJob& job, const RunConfig& config, Launcher& launcher,
                   AttemptServices& services) {
  PairResult out;
  const std::string what = Describe(job);
  if (Exists(job.record)) {
    out.status = PairStatus::kAlreadyDone;
    out.exit_code = 0;
    out.message = absl::StrCat(what, ": already recorded in ", job.record.string(), "; kept");
    return out;
  }
  const fs::path pair_log_dir = PairLogDir(job.out_dir, job.run_name, job.pair);
  // One runner per pair: a second ninja on the same folder waits here, then
  // finds the record and leaves.
  absl::StatusOr<FileLock> lock = FileLock::Acquire(pair_log_dir / ".lock", FileLock::Wait::kBlock);
  if (!lock.ok()) {
    out.message = absl::StrCat(what, ": ", lock.status().message());
    return out;
  }
  if (Exists(job.record)) {
    out.status = PairStatus::kAlreadyDone;
    out.exit_code = 0;
    out.message = absl::StrCat(what, ": recorded meanwhile by another runner; kept");
    return out;
  }
  const fs::path record_copy = RecordCopyPath(pair_log_dir);
  absl::StatusOr<RecoveryResult> recovered =
      RecoverRecord(job.record, job.record.string(), record_copy, job.ninja_log);
  if (!recovered.ok()) {
    out.message = absl::StrCat(what, ": ", recovered.status().message());
    return out;
  }
  if (recovered->recovery == Recovery::kRestored) {
    out.status = PairStatus::kAlreadyDone;
    out.exit_code = 0;
    out.message = absl::StrCat(what, ": ", recovered->message);
    return out;
  }
  if (recovered->recovery == Recovery::kSetAside)
    std::fprintf(stderr, "cbrun: %s: %s\n", what.c_str(), recovered->message.c_str());

  Record rec;
  rec.setting = job.setting;
  rec.run_name = job.run_name;
  rec.pair = job.pair;
  rec.model = job.model;
  rec.agent = job.agent;
  rec.backend = job.backend;
  rec.started_at = IsoTimeNow();
  const auto start = std::chrono::steady_clock::now();
  const RetryPolicy policy{config.retries, config.backoff_s, config.backoff_max_s};

  auto interrupted = [&](int sig) {
    out.status = PairStatus::kInterrupted;
    out.exit_code = 128 + sig;
    out.message = absl::StrCat(what, ": interrupted (signal ", sig,
                               "); no record written, the pair runs again next time");
    return out;
  };

  // However the pair ends, it is no longer running.
  struct RemoveCurrent {
    fs::path path;
    ~RemoveCurrent() {
      std::error_code ec;
      fs::remove(path, ec);
    }
  } remove_current{pair_log_dir / "current.json"};

  Verdict verdict;
  for (int attempts = 1;; ++attempts) {
    if (launcher.interrupt_signal() != 0) return interrupted(launcher.interrupt_signal());
    if (absl::Status s = CheckOutHasRoom(job.out_dir); !s.ok()) {
      out.status = PairStatus::kFatal;
      out.exit_code = 2;
      out.message = absl::StrCat(what, ": ", s.message(), "; no record was written");
      return out;
    }
    if (absl::Status s = services.BeforeAttempt(job.setting); !s.ok()) {
      out.status = PairStatus::kFatal;
      out.exit_code = 2;
      out.message = absl::StrCat(what, ": ", s.message());
      return out;
    }
    int n = 0;
    const AttemptPlace place = PlaceAttempt(job, NextAttemptDir(pair_log_dir, &n));
    const fs::path& attempt_dir = place.dir;
    if (absl::Status s = PrepareAttemptPlace(place, config); !s.ok()) {
      out.status = PairStatus::kFatal;
      out.exit_code = 2;
      out.message = absl::StrCat(what, ": ", s.message(), "; no record was written");
      return out;
    }
    const std::string attempt_id =
        absl::StrCat(job.run_name, ".", job.pair.repo, ".", job.pair.task_id, ".",
                     PairFolder(job.pair.feature_a, job.pair.feature_b), ".", n);

    // What `cbgen status` shows while the attempt runs; removed when the pair ends.
    boost::json::object current{{"attempt", n},
                                {"started_at", IsoTimeNow()},
                                {"pid", static_cast<int>(::getpid())},
                                {"previous_reason", rec.attempts.empty()
                                                        ? boost::json::value(nullptr)
                                                        : boost::json::value(rec.attempts.back().reason)}};
    // Read by `cbgen status` while this runner lives: never torn, no flush needed.
    (void)WriteFileAtomically(pair_log_dir / "current.json", PrettyJson(current),
                              Overwrite::kReplace, Durability::kVolatile);

    LaunchSpec spec;
    spec.argv = CooperbenchArgs(job, config, place);
    spec.log_file = attempt_dir / "cooperbench.log";
    spec.cwd = place.cwd;
    spec.env_set = services.AttemptEnvironment(attempt_id);
    spec.env_set.emplace_back("CBRUN_ATTEMPT_ID", attempt_id);
    spec.timeout_s = config.timeout_s;
    spec.grace_s = config.grace_s;
    AttemptRecord attempt;
    attempt.n = n;
    attempt.started_at = IsoTimeNow();
    attempt.log_dir = attempt_dir.string();
    LaunchResult launched = launcher.Run(spec);
    services.AfterAttempt(attempt_id);
    if (launched.interrupt_signal != 0) return interrupted(launched.interrupt_signal);

    AttemptEvidence evidence;
    evidence.process = launched.outcome;
    if (launched.outcome.exit_code.value_or(0) != 0)
      evidence.log_tail = LastLines(spec.log_file, kLogLinesForClassify);
    if (launched.outcome.started)
      ReadAttemptFiles(place.log_root, job.run_name, job.setting, job.pair, &evidence);
    verdict = Classify(evidence);
    if (verdict.tag == Tag::kInfraError) {
      // An attempt that broke because OUT filled up says nothing about the pair.
      if (absl::Status room = CheckOutHasRoom(job.out_dir); !room.ok()) {
        out.status = PairStatus::kFatal;
        out.exit_code = 2;
        out.message = absl::StrCat(what, ": attempt ", n, " failed (", verdict.reason, ") and ",
                                   room.message(), "; no record was written");
        return out;
      }
    }
    if (verdict.fatal) {
      out.status = PairStatus::kFatal;
      out.exit_code = 2;
      out.message =
          absl::StrCat(what, ": ", verdict.reason, ": ", verdict.detail, FatalHint(verdict, config));
      return out;
    }
    const AttemptUsage usage = UsageOf(evidence);
    attempt.duration_s = launched.duration_s;
    attempt.exit_code = launched.outcome.exit_code;
    attempt.signal = launched.outcome.signal;
    attempt.timed_out = launched.outcome.timed_out;
    attempt.tag = verdict.tag;
    attempt.reason = verdict.reason;
    attempt.detail = verdict.detail;
    attempt.cost_usd = usage.cost_usd;
    attempt.input_tokens = usage.input_tokens;
    attempt.output_tokens = usage.output_tokens;
    rec.attempts.push_back(attempt);
    if (evidence.eval) {
      const boost::json::value* f1 = Field(*evidence.eval, "feature1");
      const boost::json::value* f2 = Field(*evidence.eval, "feature2");
      rec.feature1_passed = f1 ? BoolField(*f1, "passed") : std::nullopt;
      rec.feature2_passed = f2 ? BoolField(*f2, "passed") : std::nullopt;
      // Coop only (solo's eval.json has no merge, or merge null).
      const boost::json::value* merge = Field(*evidence.eval, "merge");
      rec.merge_status = merge ? StringField(*merge, "status") : std::nullopt;
      rec.merge_strategy = merge ? StringField(*merge, "strategy") : std::nullopt;
    } else {
      rec.feature1_passed.reset();
      rec.feature2_passed.reset();
      rec.merge_status.reset();
      rec.merge_strategy.reset();
    }

    RetryDecision retry = DecideRetry(policy, verdict, attempts);
    if (!retry.retry) break;
    std::fprintf(stderr, "cbrun: %s: attempt %d: %s (%s); retrying in %.0fs\n", what.c_str(), n,
                 std::string(TagName(verdict.tag)).c_str(), verdict.reason.c_str(), retry.delay_s);
    if (!launcher.Sleep(retry.delay_s)) return interrupted(launcher.interrupt_signal());
  }

  rec.tag = verdict.tag;
  rec.reason = verdict.reason;
  rec.detail = verdict.detail;
  rec.finished_at = IsoTimeNow();
  rec.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (absl::Status s = WriteRecord(job.record, rec); !s.ok()) {
    out.status = PairStatus::kError;
    out.exit_code = 1;
    out.message = absl::StrCat(what, ": cannot write the record: ", s.message());
    return out;
  }
  if (absl::Status s = KeepRecordCopy(job.record, record_copy); !s.ok())
    std::fprintf(stderr, "cbrun: %s: warning: %s (the record itself is written)\n", what.c_str(),
                 std::string(s.message()).c_str());
  out.status = PairStatus::kRecorded;
  out.exit_code = 0;
  const long long unknown_cost = rec.cost_unknown_attempts();
  out.message = absl::StrFormat(
      "%s: %s (%s), %d attempt%s, $%.2f%s, %.0fs", what, TagName(rec.tag), rec.reason,
      rec.attempts.size(), rec.attempts.size() == 1 ? "" : "s", rec.cost_usd(),
      unknown_cost == 0 ? "" : absl::StrCat(" + ", unknown_cost, " of unknown cost"), rec.duration_s);
  out.record = std::move(rec);
  return out;
}

}  // namespace cb
