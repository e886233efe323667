#include "runner/pair_runner.h"

#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/atomic_file.h"
#include "common/cooperbench_release.h"
#include "common/disk_check.h"
#include "common/file_lock.h"
#include "common/json_read.h"
#include "common/log_tail.h"
#include "common/record_copy.h"
#include "runner/attempt_files.h"
#include "runner/reporter.h"
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
  if (NeedsRedis(job.setting)) args.insert(args.end(), {"--redis", config.redis_url});
  if (job.has_dataset_dir && !config.dataset_dir.empty())
    args.insert(args.end(), {"--dataset-dir", config.dataset_dir});
  if (job.has_log_dir) args.insert(args.end(), {"--log-dir", place.log_root.string()});
  return args;
}

namespace {

// Exit codes of a pair's cbrun (see PairStatus).
constexpr int kExitFatal = 2;
constexpr int kExitRecordNotWritten = 1;
// Enough of cooperbench.log to find argparse's usage error or a traceback's end.
constexpr int kLogLinesForClassify = 20;

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

// What to do about an error that would fail every pair alike.
std::string FatalHint(const Verdict& verdict, const RunConfig& config) {
  if (verdict.reason == Reason::kCooperbenchNotFound)
    return " (install cooperbench or pass --cooperbench PATH to cbgen)";
  if (verdict.reason == Reason::kAuthFailed)
    return absl::StrCat(" (check ", config.api_key_env, ")");
  if (verdict.reason == Reason::kUnknownAgent)
    return " (regenerate with cbgen --agent NAME, one of those, or without --agent for the "
           "installed release's mini-SWE-agent)";
  if (verdict.reason == Reason::kModelUnpriced)
    return " (register the model's price in a JSON file named by LITELLM_MODEL_REGISTRY_PATH, or "
           "export MSWEA_COST_TRACKING=ignore_errors to run with costs recorded as unknown)";
  if (verdict.reason == Reason::kUsageError)
    return absl::StrCat(
        " (this cooperbench release rejects cbrun's command line: `cbgen doctor` "
        "names the release; supported: ",
        kOldestSupportedRelease, " to ", kNewestSupportedRelease, ")");
  return " (check --model)";
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// The facts of eval.json the record keeps (cleared when there is none).
void KeepEvalFacts(const AttemptEvidence& evidence, Record* rec) {
  rec->feature1_passed.reset();
  rec->feature2_passed.reset();
  rec->merge_status.reset();
  rec->merge_strategy.reset();
  if (!evidence.eval) return;
  const boost::json::value* f1 = Field(*evidence.eval, "feature1");
  const boost::json::value* f2 = Field(*evidence.eval, "feature2");
  rec->feature1_passed = f1 ? BoolField(*f1, "passed") : std::nullopt;
  rec->feature2_passed = f2 ? BoolField(*f2, "passed") : std::nullopt;
  // Coop only (solo's eval.json has no merge, or merge null).
  const boost::json::value* merge = Field(*evidence.eval, "merge");
  rec->merge_status = merge ? StringField(*merge, "status") : std::nullopt;
  rec->merge_strategy = merge ? StringField(*merge, "strategy") : std::nullopt;
}

// One attempt as the record keeps it.
AttemptRecord AttemptOf(int n, const std::string& started_at, const fs::path& dir,
                        const LaunchResult& launched, const Verdict& verdict,
                        const AttemptUsage& usage) {
  AttemptRecord attempt;
  attempt.n = n;
  attempt.started_at = started_at;
  attempt.log_dir = dir.string();
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
  return attempt;
}

// Removes current.json (what `cbgen status` shows) however the pair ends.
struct RemoveOnExit {
  fs::path path;
  ~RemoveOnExit() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// One RunPair: the steps of a pair, each with a name.
class PairRun {
 public:
  PairRun(const PairJob& job, const RunConfig& config, Launcher& launcher,
          AttemptServices& services, Reporter& reporter)
      : job_(job),
        config_(config),
        launcher_(launcher),
        services_(services),
        reporter_(reporter),
        what_(Describe(job)),
        pair_log_dir_(PairLogDir(job.out_dir, job.run_name, job.pair)) {}

  PairResult Run();

 private:
  // One attempt's result: the verdict, or the PairResult that ends the pair
  // without a record (fatal, interrupted).
  struct Attempted {
    Verdict verdict;
    std::optional<PairResult> ends_pair;
  };

  std::optional<PairResult> SkipIfRecorded(absl::string_view how) const;
  std::optional<PairResult> RecoverLostRecord();
  std::optional<PairResult> CheckBeforeAttempt() const;
  Attempted RunAttempt();
  void ShowCurrentAttempt(int n) const;
  LaunchSpec AttemptLaunch(const AttemptPlace& place, const std::string& attempt_id) const;
  PairResult WriteTheRecord(const Verdict& verdict);

  PairResult Done(PairStatus status, int exit_code, std::string message) const {
    PairResult r;
    r.status = status;
    r.exit_code = exit_code;
    r.message = absl::StrCat(what_, ": ", message);
    return r;
  }
  PairResult Fatal(std::string message) const {
    return Done(PairStatus::kFatal, kExitFatal, std::move(message));
  }
  PairResult Interrupted(int sig) const {
    return Done(PairStatus::kInterrupted, 128 + sig,
                absl::StrCat("interrupted (signal ", sig,
                             "); no record written, the pair runs again next time"));
  }

  const PairJob& job_;
  const RunConfig& config_;
  Launcher& launcher_;
  AttemptServices& services_;
  Reporter& reporter_;
  const std::string what_;
  const fs::path pair_log_dir_;
  Record rec_;
  std::chrono::steady_clock::time_point start_;
};

std::optional<PairResult> PairRun::SkipIfRecorded(absl::string_view how) const {
  if (!Exists(job_.record)) return std::nullopt;
  return Done(PairStatus::kAlreadyDone, 0, std::string(how));
}

// A record Ninja deleted on Ctrl-C comes back from its second link; one the
// user deleted is set aside and the pair runs again (record_copy.h).
std::optional<PairResult> PairRun::RecoverLostRecord() {
  absl::StatusOr<RecoveryResult> recovered = RecoverRecord(
      job_.record, job_.record.string(), RecordCopyPath(pair_log_dir_), job_.ninja_log);
  if (!recovered.ok())
    return Done(PairStatus::kError, kExitRecordNotWritten,
                std::string(recovered.status().message()));
  if (recovered->recovery == Recovery::kRestored)
    return Done(PairStatus::kAlreadyDone, 0, recovered->message);
  if (recovered->recovery == Recovery::kSetAside)
    reporter_.Note(absl::StrCat(what_, ": ", recovered->message));
  return std::nullopt;
}

std::optional<PairResult> PairRun::CheckBeforeAttempt() const {
  if (launcher_.interrupt_signal() != 0) return Interrupted(launcher_.interrupt_signal());
  if (absl::Status s = CheckOutHasRoom(job_.out_dir); !s.ok())
    return Fatal(absl::StrCat(s.message(), "; no record was written"));
  if (absl::Status s = services_.BeforeAttempt(job_.setting); !s.ok())
    return Fatal(std::string(s.message()));
  return std::nullopt;
}

// What `cbgen status` shows while the attempt runs. Read while this runner
// lives: never torn, no flush needed.
void PairRun::ShowCurrentAttempt(int n) const {
  boost::json::object current{
      {"attempt", n},
      {"started_at", IsoTimeNow()},
      {"pid", static_cast<int>(::getpid())},
      {"previous_reason", rec_.attempts.empty() ? boost::json::value(nullptr)
                                                : boost::json::value(std::string(
                                                      ReasonName(rec_.attempts.back().reason)))}};
  (void)WriteFileAtomically(pair_log_dir_ / "current.json", PrettyJson(current),
                            Overwrite::kReplace, Durability::kVolatile);
}

LaunchSpec PairRun::AttemptLaunch(const AttemptPlace& place, const std::string& attempt_id) const {
  LaunchSpec spec;
  spec.argv = CooperbenchArgs(job_, config_, place);
  spec.log_file = place.dir / "cooperbench.log";
  spec.cwd = place.cwd;
  spec.env_set = services_.AttemptEnvironment(attempt_id);
  spec.env_set.emplace_back("CBRUN_ATTEMPT_ID", attempt_id);
  spec.timeout_s = config_.timeout_s;
  spec.grace_s = config_.grace_s;
  return spec;
}

PairRun::Attempted PairRun::RunAttempt() {
  int n = 0;
  const AttemptPlace place = PlaceAttempt(job_, NextAttemptDir(pair_log_dir_, &n));
  if (absl::Status s = PrepareAttemptPlace(place, config_); !s.ok())
    return {{}, Fatal(absl::StrCat(s.message(), "; no record was written"))};
  const std::string attempt_id =
      absl::StrCat(job_.run_name, ".", job_.pair.repo, ".", job_.pair.task_id, ".",
                   PairFolder(job_.pair.feature_a, job_.pair.feature_b), ".", n);
  ShowCurrentAttempt(n);
  const LaunchSpec spec = AttemptLaunch(place, attempt_id);
  const std::string started_at = IsoTimeNow();
  const LaunchResult launched = launcher_.Run(spec);
  services_.AfterAttempt(attempt_id);
  if (launched.interrupt_signal != 0) return {{}, Interrupted(launched.interrupt_signal)};

  AttemptEvidence evidence;
  evidence.process = launched.outcome;
  if (launched.outcome.exit_code.value_or(0) != 0)
    evidence.log_tail = LastLines(spec.log_file, kLogLinesForClassify);
  if (launched.outcome.started)
    ReadAttemptFiles(place.log_root, job_.run_name, job_.setting, job_.pair, &evidence);
  const Verdict verdict = Classify(evidence);
  // An attempt that broke because OUT filled up says nothing about the pair.
  if (verdict.tag == Tag::kInfraError)
    if (absl::Status room = CheckOutHasRoom(job_.out_dir); !room.ok())
      return {verdict, Fatal(absl::StrCat("attempt ", n, " failed (", ReasonName(verdict.reason),
                                          ") and ", room.message(), "; no record was written"))};
  if (verdict.fatal)
    return {verdict, Fatal(absl::StrCat(ReasonName(verdict.reason), ": ", verdict.detail,
                                        FatalHint(verdict, config_)))};
  rec_.attempts.push_back(
      AttemptOf(n, started_at, place.dir, launched, verdict, UsageOf(evidence)));
  KeepEvalFacts(evidence, &rec_);
  return {verdict, std::nullopt};
}

PairResult PairRun::WriteTheRecord(const Verdict& verdict) {
  rec_.tag = verdict.tag;
  rec_.reason = verdict.reason;
  rec_.detail = verdict.detail;
  rec_.finished_at = IsoTimeNow();
  rec_.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (absl::Status s = WriteRecord(job_.record, rec_); !s.ok())
    return Done(PairStatus::kError, kExitRecordNotWritten,
                absl::StrCat("cannot write the record: ", s.message()));
  if (absl::Status s = KeepRecordCopy(job_.record, RecordCopyPath(pair_log_dir_)); !s.ok())
    reporter_.Note(
        absl::StrCat(what_, ": warning: ", s.message(), " (the record itself is written)"));
  const long long unknown_cost = rec_.cost_unknown_attempts();
  PairResult out =
      Done(PairStatus::kRecorded, 0,
           absl::StrFormat(
               "%s (%s), %d attempt%s, $%.2f%s, %.0fs", TagName(rec_.tag), ReasonName(rec_.reason),
               rec_.attempts.size(), rec_.attempts.size() == 1 ? "" : "s", rec_.cost_usd(),
               unknown_cost == 0 ? "" : absl::StrCat(" + ", unknown_cost, " of unknown cost"),
               rec_.duration_s));
  out.record = std::move(rec_);
  return out;
}

PairResult PairRun::Run() {
  if (auto done =
          SkipIfRecorded(absl::StrCat("already recorded in ", job_.record.string(), "; kept")))
    return *done;
  // One runner per pair: a second ninja on the same folder waits here, then
  // finds the record and leaves.
  absl::StatusOr<FileLock> lock =
      FileLock::Acquire(pair_log_dir_ / ".lock", FileLock::Wait::kBlock);
  if (!lock.ok())
    return Done(PairStatus::kError, kExitRecordNotWritten, std::string(lock.status().message()));
  if (auto done = SkipIfRecorded("recorded meanwhile by another runner; kept")) return *done;
  if (auto done = RecoverLostRecord()) return *done;

  rec_.setting = job_.setting;
  rec_.run_name = job_.run_name;
  rec_.pair = job_.pair;
  rec_.model = job_.model;
  rec_.agent = job_.agent;
  rec_.backend = job_.backend;
  rec_.started_at = IsoTimeNow();
  start_ = std::chrono::steady_clock::now();
  const RetryPolicy policy{config_.retries, config_.backoff_s, config_.backoff_max_s};
  RemoveOnExit remove_current{pair_log_dir_ / "current.json"};
  for (int attempts = 1;; ++attempts) {
    if (auto stop = CheckBeforeAttempt()) return *stop;
    Attempted attempt = RunAttempt();
    if (attempt.ends_pair) return *attempt.ends_pair;
    const RetryDecision retry = DecideRetry(policy, attempt.verdict, attempts);
    if (!retry.retry) return WriteTheRecord(attempt.verdict);
    reporter_.Note(absl::StrFormat("%s: attempt %d: %s (%s); retrying in %.0fs", what_,
                                   rec_.attempts.back().n, TagName(attempt.verdict.tag),
                                   ReasonName(attempt.verdict.reason), retry.delay_s));
    if (!launcher_.Sleep(retry.delay_s)) return Interrupted(launcher_.interrupt_signal());
  }
}

}  // namespace

PairResult RunPair(const PairJob& job, const RunConfig& config, Launcher& launcher,
                   AttemptServices& services, Reporter& reporter) {
  return PairRun(job, config, launcher, services, reporter).Run();
}

PairResult RunPair(const PairJob& job, const RunConfig& config, Launcher& launcher,
                   AttemptServices& services) {
  KeptLines quiet;
  return RunPair(job, config, launcher, services, quiet);
}

}  // namespace cb
