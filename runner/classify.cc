#include "runner/classify.h"

#include "runner/classify_rules.h"

#include <csignal>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "util/json_read.h"

namespace cb {

namespace {

// Upstream error text -> reason, first match wins (case-insensitive substrings).
struct ErrorPattern {
  std::vector<absl::string_view> needles;
  Reason reason;
  bool fatal;
};
const std::vector<ErrorPattern>& ErrorPatterns() {
  static const std::vector<ErrorPattern> kPatterns = {
      // registry.get_runner: "Unknown agent: 'x'. Available: a, b" (every release).
      {{"unknown agent:"}, Reason::kUnknownAgent, true},
      // mini-SWE-agent without cost_tracking: ignore_errors (0.0.11) and a model
      // litellm cannot price: "Error calculating cost for model ...".
      {{"error calculating cost"}, Reason::kModelUnpriced, true},
      // A registry's or the Docker engine's own 401/403 ("pull access denied",
      // "unauthorized: authentication required"): Docker trouble, not the API key.
      {{"docker.errors", "error response from daemon", "pull access denied", "docker login",
        "unauthorized: authentication required", "denied: requested access"},
       Reason::kDockerError,
       false},
      // litellm.PermissionDeniedError (403): the key may not use this model;
      // upstream does not retry it, and neither would any other pair.
      {{"permissiondeniederror", "permission denied error", "error code: 403", "status code: 403"},
       Reason::kPermissionDenied,
       true},
      {{"authenticationerror", "invalid api key", "invalid_api_key", "api key not valid",
        "unauthorized", "status code: 401", "error code: 401", "no api key", "api_key is not set"},
       Reason::kAuthFailed,
       true},
      {{"notfounderror", "model not found", "model_not_found", "unknown model",
        "llm provider not provided"},
       Reason::kUnknownModel,
       true},
      {{"ratelimit", "rate limit", "rate_limit", "error code: 429", "status code: 429",
        "too many requests"},
       Reason::kRateLimited,
       false},
      {{"apitimeouterror", "litellm.timeout", "request timed out", "read timed out"},
       Reason::kApiTimeout,
       false},
      {{"docker", "container", "sandbox", "no such image", "oci runtime"},
       Reason::kDockerError,
       false},
      {{"timeout", "timed out"}, Reason::kApiTimeout, false},
      {{"apiconnectionerror", "connection error", "connection refused", "connection reset",
        "connecterror"},
       Reason::kConnectionError,
       false},
      {{"serviceunavailable", "internalservererror", "error code: 500", "error code: 502",
        "error code: 503", "bad gateway"},
       Reason::kApiError,
       false},
      // infra/redis.py: no Redis and none could be started.
      {{"redis"}, Reason::kRedisError, false},
  };
  return kPatterns;
}

bool IsMergeFailure(absl::string_view error_text) {
  const std::string lower = absl::AsciiStrToLower(error_text);
  return absl::StrContains(lower, "merge strategies failed") ||
         absl::StrContains(lower, "merge conflict");
}

std::string Shorten(absl::string_view text) {
  std::string s(text.substr(0, 300));
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

// The agents of a result.json: "agent" (solo) or both of "agents" (coop).
std::vector<const boost::json::value*> Agents(const boost::json::value& result) {
  std::vector<const boost::json::value*> agents;
  if (const boost::json::value* a = Field(result, "agent"); a && a->is_object())
    agents.push_back(a);
  if (const boost::json::value* as = Field(result, "agents"); as && as->is_object())
    for (const auto& kv : as->get_object())
      if (kv.value().is_object()) agents.push_back(&kv.value());
  return agents;
}

const boost::json::value* AgentWithStatus(const boost::json::value& result,
                                          absl::string_view status) {
  for (const boost::json::value* a : Agents(result))
    if (StringField(*a, "status") == std::string(status)) return a;
  return nullptr;
}

// The line of argparse's complaint ("cooperbench run: error: unrecognized
// arguments: --log-dir ...") when the process exited with its usage error.
std::optional<std::string> UsageError(const AttemptEvidence& e) {
  if (e.process.exit_code != 2) return std::nullopt;
  bool usage = false;
  for (const std::string& line : e.log_tail) usage = usage || absl::StartsWith(line, "usage: ");
  if (!usage) return std::nullopt;
  for (const std::string& line : e.log_tail)
    if (absl::StrContains(line, ": error: ")) return line;
  return std::nullopt;
}

// What the end of the log says about a non-zero exit: a known error (an
// uncaught docker error while making the eval sandbox, Redis, the API), or
// nothing when it reads like no known trouble.
std::optional<ErrorReading> ReadLogTail(const AttemptEvidence& e, std::string* line) {
  // A traceback ends with the exception's own line; earlier lines are the
  // agent's chatter, which mentions containers and timeouts all the time.
  if (e.log_tail.empty()) return std::nullopt;
  ErrorReading r = ReadErrorText(e.log_tail.back());
  if (r.reason == Reason::kAgentError) return std::nullopt;
  *line = e.log_tail.back();
  return r;
}

// eval.json's test output of either feature, to look for what upstream
// scores as failing tests but is not the agent's doing.
bool AnyTestOutputContains(const boost::json::value& eval, absl::string_view needle) {
  for (const char* feature : {"feature1", "feature2"}) {
    const boost::json::value* f = Field(eval, feature);
    if (f == nullptr) continue;
    // "test_output"; 0.0.16+'s identical-patches path writes "output" instead.
    for (const char* key : {"test_output", "output"}) {
      std::optional<std::string> out = StringField(*f, key);
      if (out && absl::StrContains(absl::AsciiStrToLower(*out), needle)) return true;
    }
  }
  return false;
}

std::optional<std::string> MergeField(const boost::json::value& eval, absl::string_view key) {
  const boost::json::value* merge = Field(eval, "merge");
  return merge == nullptr ? std::nullopt : StringField(*merge, key);
}

// A coop patch that git could not apply (0.0.14+: apply_status "failed",
// merge.status "missing_input"), or runner.sh's own complaint about the
// agent's patch (every release, solo too).
bool PatchDidNotApply(const boost::json::value& eval) {
  if (MergeField(eval, "status") == std::string("missing_input")) return true;
  if (const boost::json::value* applied = Field(eval, "apply_status");
      applied && applied->is_object())
    for (const auto& kv : applied->get_object())
      if (kv.value().is_string() && kv.value().get_string() == "failed") return true;
  return AnyTestOutputContains(eval, "failed to apply feature patch");
}

Verdict Make(Tag tag, Reason reason, std::string detail, bool fatal = false) {
  return Verdict{tag, reason, Shorten(detail), fatal};
}

// result.json and eval.json for a rule that declared it needs them
// (RuleNeeds): the driver calls it only when they are there. value(), not *:
// a rule whose declaration lacked one throws instead of reading garbage.
const boost::json::value& ResultJson(const AttemptEvidence& e) {
  return e.result.value();
}
const boost::json::value& EvalJson(const AttemptEvidence& e) {
  return e.eval.value();
}

// The rules, each a function: a verdict, or nullopt when it does not apply.

// The process itself.
std::optional<Verdict> NotStarted(const AttemptEvidence& e) {
  if (e.process.started) return std::nullopt;
  return Make(Tag::kInfraError, Reason::kCooperbenchNotFound, e.process.start_error, true);
}
std::optional<Verdict> TimedOut(const AttemptEvidence& e) {
  if (!e.process.timed_out) return std::nullopt;
  return Make(Tag::kInfraError, Reason::kTimeout, "ended at --timeout");
}
std::optional<Verdict> KilledBySignal(const AttemptEvidence& e) {
  if (!e.process.signal) return std::nullopt;
  if (*e.process.signal == SIGKILL)
    return Make(Tag::kInfraError, Reason::kOomKilled, "killed by SIGKILL (out of memory?)");
  return Make(Tag::kInfraError, Reason::kCrash,
              absl::StrCat("killed by signal ", *e.process.signal));
}
std::optional<Verdict> ExitedNonZero(const AttemptEvidence& e) {
  if (!e.process.exit_code || *e.process.exit_code == 0) return std::nullopt;
  if (*e.process.exit_code == 137)
    return Make(Tag::kInfraError, Reason::kOomKilled, "exit status 137 (killed, out of memory?)");
  // The release rejects cbrun's command line: every pair alike.
  if (std::optional<std::string> usage = UsageError(e))
    return Make(Tag::kInfraError, Reason::kUsageError, *usage, true);
  std::string line;
  if (std::optional<ErrorReading> r = ReadLogTail(e, &line))
    return Make(Tag::kInfraError, r->reason, line, r->fatal);
  return Make(Tag::kInfraError, Reason::kCrash,
              absl::StrCat("exit status ", *e.process.exit_code, e.log_tail.empty() ? "" : ": ",
                           e.log_tail.empty() ? "" : e.log_tail.back()));
}

// result.json.
std::optional<Verdict> NoResult(const AttemptEvidence& e) {
  if (e.result) return std::nullopt;
  return Make(Tag::kInfraError, Reason::kMissingResult,
              absl::StrCat("result.json: ", e.result_problem));
}
std::optional<Verdict> AgentError(const AttemptEvidence& e) {
  const boost::json::value* agent = AgentWithStatus(ResultJson(e), "Error");
  if (agent == nullptr) return std::nullopt;
  const std::string text = StringField(*agent, "error").value_or("agent status Error");
  ErrorReading r = ReadErrorText(text);
  return Make(Tag::kInfraError, r.reason, text, r.fatal);
}
std::optional<Verdict> AgentsFinished(const AttemptEvidence&) {
  return Make(Tag::kPass, Reason::kAgentsFinished,
              "the agents finished; their work is evaluated next");
}

// eval.json.
std::optional<Verdict> BothPassed(const AttemptEvidence& e) {
  if (BoolField(EvalJson(e), "both_passed") != true) return std::nullopt;
  return Make(Tag::kPass, Reason::kTestsPassed, "");
}
// The evaluation ran into --eval-timeout: upstream scores a test run that
// times out as failing tests, so this is the patch's doing, not the machine's.
std::optional<Verdict> EvalRanOutOfTime(const AttemptEvidence& e) {
  if (!e.process.timed_out) return std::nullopt;
  return Make(Tag::kFail, Reason::kTestsTimeout, "the evaluation ran past --eval-timeout");
}
std::optional<Verdict> NoEval(const AttemptEvidence& e) {
  if (e.eval) return std::nullopt;
  return Make(Tag::kInfraError, Reason::kMissingEval, absl::StrCat("eval.json: ", e.eval_problem));
}
std::optional<Verdict> EvalError(const AttemptEvidence& e) {
  std::optional<std::string> error = StringField(EvalJson(e), "error");
  if (!error) return std::nullopt;
  // 0.0.14 and earlier: naive and union merge both failed.
  if (IsMergeFailure(*error)) return std::nullopt;  // a verdict: MergeFailed below
  // _write_patch passes the patch as one argument: past ~96 KB Linux refuses
  // it ("Failed to write solo.patch: "), every time.
  if (absl::StartsWith(*error, "Failed to write ")) {
    Verdict v = Make(Tag::kInfraError, Reason::kPatchTooLarge, *error);
    v.repeats = true;
    return v;
  }
  ErrorReading r = ReadErrorText(*error);
  return Make(Tag::kInfraError,
              r.reason == Reason::kDockerError ? Reason::kDockerError : Reason::kEvalError, *error);
}
std::optional<Verdict> LimitsExceeded(const AttemptEvidence& e) {
  if (AgentWithStatus(ResultJson(e), "LimitsExceeded") == nullptr) return std::nullopt;
  return Make(Tag::kFail, Reason::kLimitsExceeded, "an agent hit its step or cost limit");
}
// DockerSandbox.exec's own timeout (exit code -1): upstream scores it as failing tests.
std::optional<Verdict> TestsTimedOut(const AttemptEvidence& e) {
  if (!AnyTestOutputContains(EvalJson(e), "command timed out after")) return std::nullopt;
  return Make(Tag::kFail, Reason::kTestsTimeout, "a test command timed out in the eval sandbox");
}
std::optional<Verdict> MergeFailed(const AttemptEvidence& e) {
  std::optional<std::string> error = StringField(EvalJson(e), "error");
  if (!error || !IsMergeFailure(*error)) return std::nullopt;
  return Make(Tag::kFail, Reason::kMergeConflict, *error);
}
std::optional<Verdict> PatchNotApplied(const AttemptEvidence& e) {
  if (!PatchDidNotApply(EvalJson(e))) return std::nullopt;
  return Make(Tag::kFail, Reason::kPatchNotApplied, "an agent's patch did not apply");
}
// merge.status says a conflict on every release (0.0.16+: with error null;
// before: the union merge's tree failed the tests).
std::optional<Verdict> MergeConflict(const AttemptEvidence& e) {
  const boost::json::value& eval = EvalJson(e);
  if (MergeField(eval, "status") != std::string("conflicts")) return std::nullopt;
  return Make(Tag::kFail, Reason::kMergeConflict,
              absl::StrCat("the agents' patches conflict (merge strategy ",
                           MergeField(eval, "strategy").value_or("none"), ")"));
}
// Not both passed, and an agent submitted nothing (upstream tested an empty patch).
std::optional<Verdict> NoSubmission(const AttemptEvidence& e) {
  if (e.submitted_nothing.empty() || BoolField(EvalJson(e), "both_passed") == true)
    return std::nullopt;
  return Make(Tag::kFail, Reason::kNoSubmission,
              absl::StrCat(e.submitted_nothing, " submitted nothing (an empty patch)"));
}
std::optional<Verdict> TestsFailed(const AttemptEvidence& e) {
  if (BoolField(EvalJson(e), "both_passed") != false) return std::nullopt;
  return Make(Tag::kFail, Reason::kTestsFailed, "");
}

// The tables: rules in order, the first that applies decides (doc/manual.md, "Tags and reasons").
constexpr ClassifyRule kAgentRules[] = {
    {"NotStarted", kNeedsNothing, NotStarted},
    {"TimedOut", kNeedsNothing, TimedOut},
    {"KilledBySignal", kNeedsNothing, KilledBySignal},
    {"ExitedNonZero", kNeedsNothing, ExitedNonZero},
    {"NoResult", kNeedsNothing, NoResult},
    {"AgentError", kNeedsResult, AgentError},
    {"AgentsFinished", kNeedsNothing, AgentsFinished},
};
constexpr ClassifyRule kEvalRules[] = {
    {"NotStarted", kNeedsNothing, NotStarted},
    {"EvalRanOutOfTime", kNeedsNothing, EvalRanOutOfTime},
    {"KilledBySignal", kNeedsNothing, KilledBySignal},
    {"ExitedNonZero", kNeedsNothing, ExitedNonZero},
    {"BothPassed", kNeedsEval, BothPassed},
    {"NoEval", kNeedsNothing, NoEval},
    {"EvalError", kNeedsEval, EvalError},
    {"LimitsExceeded", kNeedsResult, LimitsExceeded},
    {"TestsTimedOut", kNeedsEval, TestsTimedOut},
    {"MergeFailed", kNeedsEval, MergeFailed},
    {"PatchNotApplied", kNeedsEval, PatchNotApplied},
    {"MergeConflict", kNeedsEval, MergeConflict},
    {"NoSubmission", kNeedsEval, NoSubmission},
    {"TestsFailed", kNeedsEval, TestsFailed},
};

}  // namespace

ErrorReading ReadErrorText(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (const ErrorPattern& p : ErrorPatterns())
    for (absl::string_view needle : p.needles)
      if (absl::StrContains(lower, needle)) return {p.reason, p.fatal};
  return {Reason::kAgentError, false};
}

std::span<const ClassifyRule> AgentRules() {
  return kAgentRules;
}
std::span<const ClassifyRule> EvalRules() {
  return kEvalRules;
}

bool HasNeeded(const AttemptEvidence& evidence, RuleNeeds needs) {
  return (!needs.result || evidence.result) && (!needs.eval || evidence.eval);
}

Verdict FirstRule(std::span<const ClassifyRule> rules, const AttemptEvidence& evidence) {
  for (const ClassifyRule& rule : rules) {
    if (!HasNeeded(evidence, rule.needs)) continue;
    if (std::optional<Verdict> v = rule.decide(evidence)) return *v;
  }
  return Make(Tag::kInfraError, Reason::kBadEval, "eval.json has no both_passed");
}

Verdict ClassifyAgents(const AttemptEvidence& evidence) { return FirstRule(kAgentRules, evidence); }

Verdict ClassifyEval(const AttemptEvidence& evidence) { return FirstRule(kEvalRules, evidence); }

Verdict Classify(const AttemptEvidence& evidence) {
  Verdict agents = ClassifyAgents(evidence);
  if (agents.reason != Reason::kAgentsFinished) return agents;
  AttemptEvidence evaluated = evidence;
  evaluated.process = StartedProcess();
  evaluated.process.exit_code = 0;
  return ClassifyEval(evaluated);
}

}  // namespace cb
