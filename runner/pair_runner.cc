#include "runner/pair_runner.h"

#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/attempt_file.h"
#include "core/cooperbench_release.h"
#include "core/disk_check.h"
#include "core/exit_codes.h"
#include "core/record_copy.h"
#include "runner/attempt_facts.h"
#include "runner/attempt_files.h"
#include "runner/attempt_history.h"
#include "runner/reporter.h"
#include "runner/retry_policy.h"
#include "util/atomic_file.h"
#include "util/file_lock.h"
#include "util/json_read.h"
#include "util/log_tail.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// Exit codes of a pair's cbrun (see PairStatus): core/exit_codes.h.
constexpr int kExitRecordNotWritten = kExitFailed;
// Enough of cooperbench.log to find argparse's usage error or a traceback's end.
constexpr int kLogLinesForClassify = 20;

std::string Describe(const PairJob& job) {
  return absl::StrFormat("%s %s [%d,%d]", SettingName(job.setting),
                         ShortTaskName(job.pair.repo, job.pair.task_id), job.pair.feature_a,
                         job.pair.feature_b);
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// Removes current.json (what `cbgen status` shows) however the pair ends.
struct RemoveOnExit {
  fs::path path;
  ~RemoveOnExit() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// How often a cbrun waiting for a pair's lock looks again (and for Ctrl-C).
constexpr double kLockPollS = 0.2;

// The first numbered folder (attempt-N, eval-M) that does not exist yet: an
// interrupted earlier run keeps its logs, and upstream's skip-existing never
// sees an old result.
int NextFree(const std::vector<std::pair<int, fs::path>>& taken) {
  return taken.empty() ? 1 : taken.back().first + 1;
}

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
  std::optional<PairResult> WaitForThePair(std::optional<FileLock>* lock) const;
  std::optional<PairResult> RecoverLostRecord();
  void StartTheRecord();
  std::optional<PairResult> CheckBeforeAttempt(bool needs_services) const;
  std::optional<int> AgentAttemptToEvaluate(std::optional<Verdict>* settled) const;
  PairResult RunAgents();
  PairResult Evaluate(int agent_n);
  Attempted RunAgentAttempt(int* agent_n);
  Attempted RunEvalAttempt(int agent_n);
  Attempted Conclude(const AttemptRecord& started, const LaunchResult& launched,
                     const Verdict& verdict, const AttemptUsage& usage, const fs::path& dir);
  AttemptRecord StartAttempt(Phase phase, int n, int evaluates, const fs::path& dir) const;
  void ShowCurrentAttempt(int n, Phase phase) const;
  ProcessSpec AttemptLaunch(const AttemptPlace& place, std::vector<std::string> argv,
                            const fs::path& log_file, const std::string& attempt_id,
                            double timeout_s) const;
  std::string AttemptId(int n) const;
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
    return Done(PairStatus::kInterrupted, ExitInterrupted(sig),
                absl::StrCat("interrupted (signal ", sig,
                             "); no record written, the pair resumes there next time"));
  }

  const PairJob& job_;
  const RunConfig& config_;
  Launcher& launcher_;
  AttemptServices& services_;
  Reporter& reporter_;
  const std::string what_;
  const fs::path pair_log_dir_;
  const Redactor redactor_ = config_.MakeRedactor();
  Record rec_;
  std::chrono::steady_clock::time_point start_;
};

std::optional<PairResult> PairRun::SkipIfRecorded(absl::string_view how) const {
  if (!Exists(job_.record)) return std::nullopt;
  return Done(PairStatus::kAlreadyDone, 0, std::string(how));
}

// One runner per pair: a second ninja on the same folder waits here (Ctrl-C
// still ends it), then finds the record and leaves.
std::optional<PairResult> PairRun::WaitForThePair(std::optional<FileLock>* lock) const {
  for (bool noted = false;;) {
    absl::StatusOr<FileLock> got = FileLock::Acquire(pair_log_dir_ / ".lock", FileLock::Wait::kTry);
    if (got.ok()) {
      lock->emplace(std::move(*got));
      return std::nullopt;
    }
    if (!absl::IsUnavailable(got.status()))
      return Done(PairStatus::kError, kExitRecordNotWritten, std::string(got.status().message()));
    if (!noted) reporter_.Note(absl::StrCat(what_, ": another cbrun runs this pair; waiting"));
    noted = true;
    if (!launcher_.Sleep(kLockPollS)) return Interrupted(launcher_.interrupt_signal());
  }
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

// The record's facts, and every attempt earlier runs of the pair made.
void PairRun::StartTheRecord() {
  rec_.setting = job_.setting;
  rec_.run_name = job_.run_name;
  rec_.pair = job_.pair;
  rec_.model = job_.model;
  rec_.agent = job_.agent;
  rec_.backend = job_.backend;
  rec_.cooperbench_release = job_.cooperbench_release;
  rec_.started_at = IsoTimeNow();
  PairAttemptsQuery query{pair_log_dir_, job_.run_name, job_.setting, job_.pair,
                          [this](const fs::path& dir) { return PlaceAttempt(job_, dir).log_root; }};
  rec_.attempts = LoadEarlierAttempts(query);
  if (!rec_.attempts.empty())
    reporter_.Note(absl::StrFormat("%s: %d attempt%s of earlier runs counted in the record", what_,
                                   rec_.attempts.size(), rec_.attempts.size() == 1 ? "" : "s"));
}

std::optional<PairResult> PairRun::CheckBeforeAttempt(bool needs_services) const {
  if (launcher_.interrupt_signal() != 0) return Interrupted(launcher_.interrupt_signal());
  if (absl::Status s = CheckOutHasRoom(job_.out_dir); !s.ok())
    return Fatal(absl::StrCat(s.message(), "; no record was written"));
  if (!needs_services) return std::nullopt;
  if (absl::Status s = services_.BeforeAttempt(job_.setting); !s.ok())
    return Fatal(std::string(s.message()));
  return std::nullopt;
}

// Where an earlier run left the pair: an agent attempt whose agents finished
// and whose evaluation is still to do (interrupted, or stopped), or that
// `cbgen reeval` asked to evaluate again. `settled` gets the verdict of an
// evaluation that had already decided the pair when no record was written.
std::optional<int> PairRun::AgentAttemptToEvaluate(std::optional<Verdict>* settled) const {
  absl::StatusOr<int> requested = ReadReevalRequest(pair_log_dir_);
  if (requested.ok() && *requested > 0)
    for (const AttemptRecord& a : rec_.attempts)
      if (a.phase == Phase::kAgent && a.n == *requested) return a.n;
  if (!requested.ok()) reporter_.Note(absl::StrCat(what_, ": ", requested.status().message()));
  // A record already told the story of these attempts, and it was deleted or
  // forgotten on purpose: the pair runs again from its agents.
  if (RecordedAttempts(pair_log_dir_) >= static_cast<int>(rec_.attempts.size()))
    return std::nullopt;
  const AttemptRecord* agent = nullptr;
  const AttemptRecord* eval = nullptr;
  for (const AttemptRecord& a : rec_.attempts) {
    if (a.phase == Phase::kAgent) agent = &a, eval = nullptr;
    if (a.phase == Phase::kEval) eval = &a;
  }
  if (agent == nullptr || agent->reason != Reason::kAgentsFinished) return std::nullopt;
  if (eval != nullptr && eval->tag != Tag::kInfraError) {
    *settled = Verdict{eval->tag, eval->reason, eval->detail};
    return std::nullopt;
  }
  return agent->n;
}

// What `cbgen status` shows while the attempt runs. Read while this runner
// lives: never torn, no flush needed.
void PairRun::ShowCurrentAttempt(int n, Phase phase) const {
  boost::json::object current{
      {"attempt", n},
      {"phase", std::string(PhaseName(phase))},
      {"started_at", IsoTimeNow()},
      {"pid", static_cast<int>(::getpid())},
      {"previous_reason", rec_.attempts.empty() ? boost::json::value(nullptr)
                                                : boost::json::value(std::string(
                                                      ReasonName(rec_.attempts.back().reason)))}};
  (void)WriteFileAtomically(pair_log_dir_ / "current.json", PrettyJson(current),
                            Overwrite::kReplace, Durability::kVolatile);
}

ProcessSpec PairRun::AttemptLaunch(const AttemptPlace& place, std::vector<std::string> argv,
                                   const fs::path& log_file, const std::string& attempt_id,
                                   double timeout_s) const {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.log_file = log_file;
  spec.cwd = place.cwd;
  spec.env_set = services_.AttemptEnvironment(attempt_id);
  spec.env_set.emplace_back("CBRUN_ATTEMPT_ID", attempt_id);
  spec.timeout_s = timeout_s;
  spec.grace_s = config_.grace_s;
  return spec;
}

std::string PairRun::AttemptId(int n) const {
  return absl::StrCat(job_.run_name, ".", job_.pair.repo, ".", job_.pair.task_id, ".",
                      PairFolder(job_.pair.feature_a, job_.pair.feature_b), ".", n);
}

// The attempt as its file says while it runs: should cbrun die now, the next
// run counts it as interrupted.
AttemptRecord PairRun::StartAttempt(Phase phase, int n, int evaluates, const fs::path& dir) const {
  AttemptRecord a;
  a.n = n;
  a.phase = phase;
  a.evaluates = evaluates;
  a.started_at = IsoTimeNow();
  a.log_dir = dir.string();
  a.cooperbench_release = job_.cooperbench_release;
  a.tag = Tag::kInfraError;
  a.reason = Reason::kInterrupted;
  a.detail = "cbrun ended during this attempt";
  a.cost_usd.reset();
  if (phase == Phase::kEval) a.cost_usd = 0, a.input_tokens = a.output_tokens = 0;
  (void)WriteAttemptFile(dir, AttemptFile{a, false});
  ShowCurrentAttempt(n, phase);
  return a;
}

// Writes the attempt's file the moment it ended, and keeps it for the record;
// ends the pair when the attempt was interrupted, filled OUT or was fatal.
PairRun::Attempted PairRun::Conclude(const AttemptRecord& started, const LaunchResult& launched,
                                     const Verdict& verdict, const AttemptUsage& usage,
                                     const fs::path& dir) {
  AttemptRecord attempt = AttemptOf(started, launched, verdict, usage);
  attempt.detail = redactor_.Redact(attempt.detail);  // upstream's text may quote a secret
  if (launched.interrupt_signal != 0) {
    attempt.tag = Tag::kInfraError;
    attempt.reason = Reason::kInterrupted;
    attempt.detail = absl::StrCat("cbrun got signal ", launched.interrupt_signal);
  }
  const absl::Status written = WriteAttemptFile(dir, AttemptFile{attempt, true});
  rec_.attempts.push_back(attempt);
  if (launched.interrupt_signal != 0) return {verdict, Interrupted(launched.interrupt_signal)};
  // An attempt that broke because OUT filled up says nothing about the pair.
  if (verdict.tag == Tag::kInfraError || !written.ok())
    if (absl::Status room = CheckOutHasRoom(job_.out_dir); !room.ok())
      return {verdict, Fatal(absl::StrCat(PhaseName(attempt.phase), " attempt ", attempt.n,
                                          " ended (", ReasonName(verdict.reason), ") and ",
                                          room.message(), "; no record was written"))};
  if (verdict.fatal) {
    PairResult fatal =
        Fatal(absl::StrCat(ReasonName(verdict.reason), ": ", redactor_.Redact(verdict.detail),
                           FatalHint(verdict, config_, job_)));
    fatal.fatal_reason = verdict.reason;
    return {verdict, std::move(fatal)};
  }
  return {verdict, std::nullopt};
}

PairRun::Attempted PairRun::RunAgentAttempt(int* agent_n) {
  const int n = NextFree(NumberedDirs(pair_log_dir_, "attempt-"));
  *agent_n = n;
  const AttemptPlace place = PlaceAttempt(job_, AgentAttemptDir(pair_log_dir_, n));
  if (absl::Status s = PrepareAttemptPlace(place, config_); !s.ok())
    return {{}, Fatal(absl::StrCat(s.message(), "; no record was written"))};
  const AttemptRecord started = StartAttempt(Phase::kAgent, n, 0, place.dir);
  const std::string attempt_id = AttemptId(n);
  const ProcessSpec spec =
      AttemptLaunch(place, CooperbenchArgs(job_, config_, place), place.dir / "cooperbench.log",
                    attempt_id, config_.timeout_s);
  const LaunchResult launched = launcher_.Run(spec);
  services_.AfterAttempt(attempt_id);

  AttemptEvidence evidence;
  evidence.process = launched.process;
  if (launched.process.exit_code.value_or(0) != 0)
    evidence.log_tail = LastLines(spec.log_file, kLogLinesForClassify);
  if (launched.process.started)
    ReadAttemptFiles(place.log_root, job_.run_name, job_.setting, job_.pair, &evidence);
  const Verdict verdict = ClassifyAgents(evidence);
  return Conclude(started, launched, verdict, UsageOf(evidence), place.dir);
}

PairRun::Attempted PairRun::RunEvalAttempt(int agent_n) {
  const AttemptPlace place = PlaceAttempt(job_, AgentAttemptDir(pair_log_dir_, agent_n));
  const int m = NextFree(NumberedDirs(place.dir, "eval-"));
  const fs::path dir = EvalAttemptDir(place.dir, m);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return {{},
            Fatal(absl::StrCat("cannot create ", dir.string(), ": ", ec.message(),
                               "; no record was written"))};
  // What an earlier evaluation left is kept in this attempt's folder, and
  // upstream evaluates afresh.
  const fs::path upstream_dir =
      UpstreamPairDir(place.log_root, job_.run_name, UpstreamSetting(job_.setting), job_.pair);
  if (Exists(upstream_dir / "eval.json"))
    fs::rename(upstream_dir / "eval.json", dir / "eval.before.json", ec);
  const AttemptRecord started = StartAttempt(Phase::kEval, m, agent_n, dir);
  const std::string attempt_id = absl::StrCat(AttemptId(agent_n), ".eval-", m);
  const ProcessSpec spec =
      AttemptLaunch(place, CooperbenchEvalArgs(job_, config_, place), dir / "cooperbench.log",
                    attempt_id, config_.eval_timeout_s);
  const LaunchResult launched = launcher_.Run(spec);
  services_.AfterAttempt(attempt_id);

  AttemptEvidence evidence;
  evidence.process = launched.process;
  if (launched.process.exit_code.value_or(0) != 0)
    evidence.log_tail = LastLines(spec.log_file, kLogLinesForClassify);
  ReadAttemptFiles(place.log_root, job_.run_name, job_.setting, job_.pair, &evidence);
  if (evidence.eval) fs::copy_file(upstream_dir / "eval.json", dir / "eval.json", ec);
  evidence.submitted_nothing = WhoSubmittedNothing(place.log_root, job_.run_name, job_.setting,
                                                   job_.pair, place.dir / "cooperbench.log");
  const Verdict verdict = ClassifyEval(evidence);
  if (verdict.tag != Tag::kInfraError) KeepEvalFacts(evidence, &rec_);
  AttemptUsage no_model_calls;
  no_model_calls.cost_usd = 0;
  no_model_calls.input_tokens = no_model_calls.output_tokens = 0;
  return Conclude(started, launched, verdict, no_model_calls, dir);
}

// The agents, paid for once per attempt; retried only for infrastructure
// errors. Agents that finished go to the evaluation.
PairResult PairRun::RunAgents() {
  const RetryPolicy policy{config_.retries, config_.backoff_s, config_.backoff_max_s};
  for (int tries = 1;; ++tries) {
    if (auto stop = CheckBeforeAttempt(/*needs_services=*/true)) return *stop;
    int agent_n = 0;
    Attempted attempt = RunAgentAttempt(&agent_n);
    if (attempt.ends_pair) return *attempt.ends_pair;
    if (attempt.verdict.reason == Reason::kAgentsFinished) return Evaluate(agent_n);
    const RetryDecision retry = DecideRetry(policy, attempt.verdict, tries);
    if (!retry.retry) return WriteTheRecord(attempt.verdict);
    reporter_.Note(absl::StrFormat("%s: attempt %d: %s (%s); retrying in %.0fs", what_, agent_n,
                                   TagName(attempt.verdict.tag), ReasonName(attempt.verdict.reason),
                                   retry.delay_s));
    if (!launcher_.Sleep(retry.delay_s)) return Interrupted(launcher_.interrupt_signal());
  }
}

// The evaluation of agent attempt `agent_n`: free (no model calls), retried
// on its own for evaluation trouble; the agents never run again for it.
PairResult PairRun::Evaluate(int agent_n) {
  const RetryPolicy policy{config_.eval_retries, config_.backoff_s, config_.backoff_max_s};
  for (int tries = 1;; ++tries) {
    if (auto stop = CheckBeforeAttempt(/*needs_services=*/false)) return *stop;
    Attempted attempt = RunEvalAttempt(agent_n);
    if (attempt.ends_pair) return *attempt.ends_pair;
    const RetryDecision retry = DecideRetry(policy, attempt.verdict, tries);
    if (!retry.retry) return WriteTheRecord(attempt.verdict);
    reporter_.Note(absl::StrFormat(
        "%s: attempt %d, evaluation %d: %s (%s); evaluating again in %.0fs (the agents do not "
        "run again)",
        what_, agent_n, rec_.attempts.back().n, TagName(attempt.verdict.tag),
        ReasonName(attempt.verdict.reason), retry.delay_s));
    if (!launcher_.Sleep(retry.delay_s)) return Interrupted(launcher_.interrupt_signal());
  }
}

PairResult PairRun::WriteTheRecord(const Verdict& verdict) {
  rec_.tag = verdict.tag;
  rec_.reason = verdict.reason;
  rec_.detail = redactor_.Redact(verdict.detail);
  rec_.finished_at = IsoTimeNow();
  rec_.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (!rec_.attempts.empty() && !rec_.attempts.back().cooperbench_release.empty())
    rec_.cooperbench_release = rec_.attempts.back().cooperbench_release;
  if (absl::Status s = WriteRecord(job_.record, rec_); !s.ok())
    return Done(PairStatus::kError, kExitRecordNotWritten,
                absl::StrCat("cannot write the record: ", s.message()));
  if (absl::Status s = MarkRecordedAttempts(pair_log_dir_, static_cast<int>(rec_.attempts.size()));
      !s.ok())
    reporter_.Note(absl::StrCat(what_, ": warning: ", s.message()));
  if (absl::Status s = RemoveReevalRequest(pair_log_dir_); !s.ok())
    reporter_.Note(absl::StrCat(what_, ": warning: ", s.message()));
  if (absl::Status s = KeepRecordCopy(job_.record, RecordCopyPath(pair_log_dir_)); !s.ok())
    reporter_.Note(
        absl::StrCat(what_, ": warning: ", s.message(), " (the record itself is written)"));
  const long long unknown_cost = rec_.cost_unknown_attempts();
  const int agents = rec_.agent_attempts(), evals = rec_.eval_attempts();
  PairResult out =
      Done(PairStatus::kRecorded, 0,
           absl::StrFormat(
               "%s (%s), %d attempt%s%s, $%.2f%s, %.0fs", TagName(rec_.tag),
               ReasonName(rec_.reason), agents, agents == 1 ? "" : "s",
               evals == 0 ? "" : absl::StrCat(" + ", evals, " evaluation", evals == 1 ? "" : "s"),
               rec_.cost_usd(),
               unknown_cost == 0 ? "" : absl::StrCat(" + ", unknown_cost, " of unknown cost"),
               rec_.duration_s));
  out.record = std::move(rec_);
  return out;
}

PairResult PairRun::Run() {
  if (auto done =
          SkipIfRecorded(absl::StrCat("already recorded in ", job_.record.string(), "; kept")))
    return *done;
  std::optional<FileLock> lock;
  if (auto stop = WaitForThePair(&lock)) return *stop;
  if (auto done = SkipIfRecorded("recorded meanwhile by another runner; kept")) return *done;
  if (auto done = RecoverLostRecord()) return *done;

  StartTheRecord();
  start_ = std::chrono::steady_clock::now();
  RemoveOnExit remove_current{pair_log_dir_ / "current.json"};
  std::optional<Verdict> settled;
  if (std::optional<int> agent_n = AgentAttemptToEvaluate(&settled)) return Evaluate(*agent_n);
  if (settled) return WriteTheRecord(*settled);
  return RunAgents();
}

}  // namespace

PairResult RunPair(const PairJob& job, const RunConfig& config, Launcher& launcher,
                   AttemptServices& services, Reporter& reporter) {
  return PairRun(job, config, launcher, services, reporter).Run();
}

}  // namespace cb
