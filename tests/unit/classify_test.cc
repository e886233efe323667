// The classification table, rule by rule; and the tables' driver, which
// calls a rule only with the files it needs, in any order.
#include "runner/classify.h"

#include <algorithm>
#include <csignal>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "runner/classify_rules.h"

namespace cb {
namespace {

boost::json::value SoloResult(const std::string& status, const char* error = nullptr) {
  return boost::json::parse(
      std::string(R"({"total_cost": 0.5, "agent": {"status": ")") + status + R"(", "error": )" +
      (error ? boost::json::serialize(boost::json::string(error)) : "null") + "}}");
}

boost::json::value Eval(bool both, const char* error = nullptr) {
  boost::json::object o{
      {"both_passed", both}, {"feature1", {{"passed", both}}}, {"feature2", {{"passed", true}}}};
  o["error"] = error ? boost::json::value(error) : boost::json::value(nullptr);
  return o;
}

AttemptEvidence Evidence(std::optional<boost::json::value> result,
                         std::optional<boost::json::value> eval) {
  AttemptEvidence e;
  e.process.exit_code = 0;
  e.result = std::move(result);
  if (!e.result) e.result_problem = "missing";
  e.eval = std::move(eval);
  if (!e.eval) e.eval_problem = "missing";
  return e;
}

void ExpectVerdict(const AttemptEvidence& e, Tag tag, const std::string& reason,
                   bool fatal = false) {
  Verdict v = Classify(e);
  EXPECT_EQ(TagName(v.tag), TagName(tag)) << ReasonName(v.reason) << " " << v.detail;
  EXPECT_EQ(ReasonName(v.reason), reason) << v.detail;
  EXPECT_EQ(v.fatal, fatal);
}

// Coop eval.json of each release (eval/sandbox.py test_merged).
boost::json::value CoopEval(bool both, const char* merge_status, const char* strategy,
                            const char* agent2_applied = "applied") {
  boost::json::object o = Eval(both).as_object();
  o["merge"] = {{"status", merge_status},
                {"strategy", strategy ? boost::json::value(strategy) : boost::json::value(nullptr)},
                {"diff", ""}};
  o["apply_status"] = {{"agent1", "applied"}, {"agent2", agent2_applied}};
  return o;
}

TEST(Classify, MergeConflictIsReadFromMergeStatusOnEveryRelease) {
  // 0.0.16+: conflicts with error null and both features failed.
  ExpectVerdict(Evidence(SoloResult("Submitted"), CoopEval(false, "conflicts", "naive")),
                Tag::kFail, "merge_conflict");
  // 0.0.11/0.0.14: the union merge resolved it but the tree fails the tests.
  ExpectVerdict(Evidence(SoloResult("Submitted"), CoopEval(false, "conflicts", "union")),
                Tag::kFail, "merge_conflict");
  // A clean merge that fails is a test failure.
  ExpectVerdict(Evidence(SoloResult("Submitted"), CoopEval(false, "clean", "naive")), Tag::kFail,
                "tests_failed");
}

TEST(Classify, LeadPatchAlonePassingStaysAPass) {
  ExpectVerdict(Evidence(SoloResult("Submitted"), CoopEval(true, "conflicts", "solo-agent1")),
                Tag::kPass, "tests_passed");
}

TEST(Classify, PatchThatDidNotApplyHasItsOwnReason) {
  // 0.0.14+: apply_status failed, merge.status missing_input.
  ExpectVerdict(
      Evidence(SoloResult("Submitted"), CoopEval(false, "missing_input", "naive", "failed")),
      Tag::kFail, "patch_not_applied");
  // Solo (every release): runner.sh says so in the test output.
  boost::json::value solo = Eval(false);
  solo.as_object()["feature1"].as_object()["test_output"] =
      "error: patch failed: src/x.py:3\nError: Failed to apply feature patch.";
  ExpectVerdict(Evidence(SoloResult("Submitted"), solo), Tag::kFail, "patch_not_applied");
}

TEST(Classify, TestsThatTimeOutAreFailingTestsAsUpstreamScoresThem) {
  // DockerSandbox.exec's timeout returns exit code -1 with this text.
  boost::json::value timed_out = Eval(false);
  timed_out.as_object()["feature2"].as_object()["test_output"] =
      "Command timed out after 600 seconds";
  ExpectVerdict(Evidence(SoloResult("Submitted"), timed_out), Tag::kFail, "tests_timeout");
  // The whole evaluation ran past --eval-timeout: the patch made the tests hang.
  AttemptEvidence e = Evidence(SoloResult("Submitted"), std::nullopt);
  e.process.exit_code.reset();
  e.process.signal = SIGTERM;
  e.process.timed_out = true;
  Verdict v = ClassifyEval(e);
  EXPECT_EQ(v.tag, Tag::kFail);
  EXPECT_EQ(v.reason, Reason::kTestsTimeout);
  EXPECT_FALSE(v.retryable());
}

TEST(Classify, EvalInfrastructureTroubleIsNotATestFailure) {
  // The eval sandbox cannot be created: an uncaught exception, exit 1.
  AttemptEvidence e = Evidence(SoloResult("Submitted"), std::nullopt);
  e.process.exit_code = 1;
  e.log_tail = {"Traceback (most recent call last):", "  File \"sandbox.py\", line 9",
                "docker.errors.ImageNotFound: 404 Client Error: No such image: akhatua/x:task1"};
  ExpectVerdict(e, Tag::kInfraError, "docker_error");
  // An exit 1 whose log says nothing known is a crash, with its last line.
  e.log_tail = {"RuntimeError: boom"};
  ExpectVerdict(e, Tag::kInfraError, "crash");
  EXPECT_NE(Classify(e).detail.find("RuntimeError: boom"), std::string::npos);
}

TEST(Classify, APatchTooLargeForUpstreamsEvalIsNotRetried) {
  Verdict v =
      Classify(Evidence(SoloResult("Submitted"), Eval(false, "Failed to write solo.patch: ")));
  EXPECT_EQ(v.tag, Tag::kInfraError);
  EXPECT_EQ(v.reason, Reason::kPatchTooLarge);
  EXPECT_FALSE(v.retryable()) << "the same patch fails the same way: retrying re-pays the agent";
  EXPECT_FALSE(v.fatal);
}

TEST(Classify, UsageErrorStopsTheBuild) {
  AttemptEvidence e = Evidence(std::nullopt, std::nullopt);
  e.process.exit_code = 2;
  e.log_tail = {"usage: cooperbench [-h] {prepare,run,eval,config} ...",
                "cooperbench: error: unrecognized arguments: --dataset-dir /d --log-dir /l"};
  ExpectVerdict(e, Tag::kInfraError, "usage_error", true);
  EXPECT_EQ(Classify(e).detail, e.log_tail[1]);
  // Exit 2 without argparse's usage line is an ordinary crash.
  e.log_tail = {"something else"};
  ExpectVerdict(e, Tag::kInfraError, "crash");
}

TEST(Classify, AModelTheAgentCannotPriceStopsTheBuild) {
  // 0.0.11's agents without cost_tracking: ignore_errors.
  ExpectVerdict(
      Evidence(SoloResult("Error",
                          "Error calculating cost for model command-a-03-2025: This model "
                          "isn't mapped yet, perhaps it's not registered?"),
               Eval(false)),
      Tag::kInfraError, "model_unpriced", true);
}

TEST(Classify, UnknownAgentStopsTheBuildNamingTheAgents) {
  const char* text = "Unknown agent: 'mini_swe_agent'. Available: mini_swe_agent_v2, swe_agent";
  ExpectVerdict(Evidence(SoloResult("Error", text), Eval(false)), Tag::kInfraError, "unknown_agent",
                true);
  EXPECT_NE(
      Classify(Evidence(SoloResult("Error", text), Eval(false))).detail.find("mini_swe_agent_v2"),
      std::string::npos);
}

TEST(Classify, PassWhenBothFeaturesPass) {
  ExpectVerdict(Evidence(SoloResult("Submitted"), Eval(true)), Tag::kPass, "tests_passed");
}

TEST(Classify, FailWhenTestsFail) {
  ExpectVerdict(Evidence(SoloResult("Submitted"), Eval(false)), Tag::kFail, "tests_failed");
}

TEST(Classify, LimitsExceededIsAGenuineFailureOnARealEvaluation) {
  ExpectVerdict(Evidence(SoloResult("LimitsExceeded"), Eval(false)), Tag::kFail, "limits_exceeded");
  // A broken evaluation hides nothing: it is evaluation trouble, evaluated again.
  ExpectVerdict(Evidence(SoloResult("LimitsExceeded"), std::nullopt), Tag::kInfraError,
                "missing_eval");
  ExpectVerdict(Evidence(SoloResult("LimitsExceeded"), Eval(false, "docker: sandbox died")),
                Tag::kInfraError, "docker_error");
  // Upstream evaluates what an agent left after its limits: a pass is a pass.
  ExpectVerdict(Evidence(SoloResult("LimitsExceeded"), Eval(true)), Tag::kPass, "tests_passed");
}

TEST(Classify, TheAgentPhaseHandsFinishedAgentsToTheEvaluation) {
  for (const char* status : {"Submitted", "LimitsExceeded"}) {
    Verdict v = ClassifyAgents(Evidence(SoloResult(status), std::nullopt));
    EXPECT_EQ(v.reason, Reason::kAgentsFinished) << status;
    EXPECT_FALSE(v.retryable());
  }
  EXPECT_EQ(ClassifyAgents(Evidence(std::nullopt, std::nullopt)).reason, Reason::kMissingResult);
  EXPECT_EQ(ClassifyAgents(Evidence(SoloResult("Error", "litellm.RateLimitError"), std::nullopt))
                .reason,
            Reason::kRateLimited);
}

TEST(Classify, AnAgentThatSubmittedNothingIsNoSubmissionUnlessThePairPassed) {
  AttemptEvidence e = Evidence(SoloResult("Submitted"), Eval(false));
  e.submitted_nothing = "agent1";
  ExpectVerdict(e, Tag::kFail, "no_submission");
  e.eval = Eval(true);  // coop: agent 1's patch alone passed both suites
  ExpectVerdict(e, Tag::kPass, "tests_passed");
}

TEST(Classify, ARegistrys401IsDockerTroubleNotTheApiKey) {
  ExpectVerdict(
      Evidence(SoloResult("Error", "docker.errors.APIError: 401 Client Error: Unauthorized "
                                   "(\"unauthorized: authentication required\")"),
               std::nullopt),
      Tag::kInfraError, "docker_error");
  ExpectVerdict(Evidence(SoloResult("Error", "Error response from daemon: pull access denied for "
                                             "akhatua/x, repository does not exist or may require "
                                             "'docker login'"),
                         std::nullopt),
                Tag::kInfraError, "docker_error");
  // The provider's own 401 is still the key.
  ExpectVerdict(Evidence(SoloResult("Error", "litellm.AuthenticationError: status code: 401"),
                         std::nullopt),
                Tag::kInfraError, "auth_failed", /*fatal=*/true);
}

TEST(Classify, PermissionDeniedStopsTheBuild) {
  ExpectVerdict(Evidence(SoloResult("Error", "litellm.PermissionDeniedError: CohereException - "
                                             "Error code: 403 - forbidden"),
                         std::nullopt),
                Tag::kInfraError, "permission_denied", /*fatal=*/true);
}

TEST(Classify, MergeFailureIsACoordinationFailure) {
  ExpectVerdict(Evidence(SoloResult("Submitted"),
                         Eval(false, "Both naive and union merge strategies failed to merge")),
                Tag::kFail, "merge_conflict");
}

TEST(Classify, OtherEvalErrorsAreInfrastructure) {
  ExpectVerdict(Evidence(SoloResult("Submitted"), Eval(false, "Failed to get base commit SHA")),
                Tag::kInfraError, "eval_error");
  ExpectVerdict(Evidence(SoloResult("Submitted"), Eval(false, "docker: sandbox died")),
                Tag::kInfraError, "docker_error");
}

TEST(Classify, AgentErrorsAreReadFromTheirText) {
  ExpectVerdict(
      Evidence(SoloResult("Error", "litellm.RateLimitError: Error code: 429"), Eval(false)),
      Tag::kInfraError, "rate_limited");
  ExpectVerdict(
      Evidence(SoloResult("Error", "litellm.Timeout: APITimeoutError - Request timed out"),
               std::nullopt),
      Tag::kInfraError, "api_timeout");
  ExpectVerdict(Evidence(SoloResult("Error", "docker.errors.APIError: 500"), std::nullopt),
                Tag::kInfraError, "docker_error");
  ExpectVerdict(
      Evidence(SoloResult("Error", "litellm.APIConnectionError: Connection error"), std::nullopt),
      Tag::kInfraError, "connection_error");
  ExpectVerdict(Evidence(SoloResult("Error", "something odd"), std::nullopt), Tag::kInfraError,
                "agent_error");
}

TEST(Classify, ErrorsThatFailEveryPairAreFatal) {
  ExpectVerdict(
      Evidence(SoloResult("Error", "litellm.AuthenticationError: invalid api key"), std::nullopt),
      Tag::kInfraError, "auth_failed", true);
  ExpectVerdict(
      Evidence(SoloResult("Error", "litellm.NotFoundError: model 'x' not found"), std::nullopt),
      Tag::kInfraError, "unknown_model", true);
  AttemptEvidence e;
  e.process.started = false;
  e.process.start_error = "cooperbench: not found on PATH";
  ExpectVerdict(e, Tag::kInfraError, "cooperbench_not_found", true);
}

TEST(Classify, CoopAgentErrorInEitherAgent) {
  auto result = boost::json::parse(R"({"total_cost":1,"agents":{
      "agent1":{"status":"Submitted","error":null},
      "agent2":{"status":"Error","error":"litellm.RateLimitError"}}})");
  ExpectVerdict(Evidence(result, Eval(true)), Tag::kInfraError, "rate_limited");
}

TEST(Classify, TheProcessItself) {
  AttemptEvidence e = Evidence(SoloResult("Submitted"), Eval(true));
  e.process.exit_code = 1;
  ExpectVerdict(e, Tag::kInfraError, "crash");
  e.process.exit_code = 137;
  ExpectVerdict(e, Tag::kInfraError, "oom_killed");
  e.process.exit_code.reset();
  e.process.signal = SIGKILL;
  ExpectVerdict(e, Tag::kInfraError, "oom_killed");
  e.process.signal = SIGSEGV;
  ExpectVerdict(e, Tag::kInfraError, "crash");
  e.process.timed_out = true;
  ExpectVerdict(e, Tag::kInfraError, "timeout");
}

TEST(Classify, MissingOrUnreadableFiles) {
  ExpectVerdict(Evidence(std::nullopt, std::nullopt), Tag::kInfraError, "missing_result");
  ExpectVerdict(Evidence(SoloResult("Submitted"), std::nullopt), Tag::kInfraError, "missing_eval");
  ExpectVerdict(Evidence(SoloResult("Submitted"), boost::json::parse(R"({"error":null})")),
                Tag::kInfraError, "bad_eval");
}

// ---- The rules state the files they need; the driver holds them to it. ----

std::string NeedsName(RuleNeeds n) {
  if (n.result && n.eval) return "result+eval";
  return n.result ? "result" : n.eval ? "eval" : "-";
}

std::string Describe(std::span<const ClassifyRule> rules) {
  std::string s;
  for (const ClassifyRule& r : rules) s += std::string(r.name) + ":" + NeedsName(r.needs) + " ";
  return s;
}

TEST(ClassifyRules, EachRuleDeclaresTheFilesItCannotDecideWithout) {
  EXPECT_EQ(Describe(AgentRules()),
            "NotStarted:- TimedOut:- KilledBySignal:- ExitedNonZero:- NoResult:- "
            "AgentError:result AgentsFinished:- ");
  EXPECT_EQ(Describe(EvalRules()),
            "NotStarted:- EvalRanOutOfTime:- KilledBySignal:- ExitedNonZero:- BothPassed:eval "
            "NoEval:- EvalError:eval LimitsExceeded:result TestsTimedOut:eval MergeFailed:eval "
            "PatchNotApplied:eval MergeConflict:eval NoSubmission:eval TestsFailed:eval ");
}

// Evidence of every kind the rules tell apart: how the process ended, times
// result.json and eval.json each present (in a few shapes) or absent.
std::vector<AttemptEvidence> AllKindsOfEvidence() {
  std::vector<AttemptEvidence> process_ends(6);
  process_ends[0].process.exit_code = 0;
  process_ends[1].process.exit_code = 1;
  process_ends[1].log_tail = {"Traceback (most recent call last):", "litellm.RateLimitError: x"};
  process_ends[2].process.exit_code = 2;
  process_ends[2].log_tail = {"usage: cooperbench", "cooperbench run: error: bad flag"};
  process_ends[3].process.signal = SIGKILL;
  process_ends[4].process.signal = SIGTERM;
  process_ends[4].process.timed_out = true;
  process_ends[5].process.started = false;
  process_ends[5].process.start_error = "cooperbench: not found on PATH";
  const std::vector<std::optional<boost::json::value>> results = {
      std::nullopt, SoloResult("Submitted"), SoloResult("Error", "litellm.AuthenticationError"),
      SoloResult("LimitsExceeded"), boost::json::object{}};
  const std::vector<std::optional<boost::json::value>> evals = {
      std::nullopt,
      Eval(true),
      Eval(false),
      Eval(false, "Failed to write solo.patch: E2BIG"),
      CoopEval(false, "conflicts", "naive"),
      boost::json::object{}};
  std::vector<AttemptEvidence> all;
  for (const AttemptEvidence& end : process_ends)
    for (const auto& result : results)
      for (const auto& eval : evals)
        for (const char* nothing : {"", "agent1"}) {
          AttemptEvidence e = end;
          e.result = result;
          e.result_problem = result ? "" : "missing";
          e.eval = eval;
          e.eval_problem = eval ? "" : "missing";
          e.submitted_nothing = nothing;
          all.push_back(std::move(e));
        }
  return all;
}

// A rule reads result.json and eval.json through value(): one that read a
// file it did not declare would throw here, where the file is absent.
TEST(ClassifyRules, NoRuleReadsAFileItDidNotDeclare) {
  for (std::span<const ClassifyRule> table : {AgentRules(), EvalRules()})
    for (const ClassifyRule& rule : table)
      for (const AttemptEvidence& e : AllKindsOfEvidence()) {
        if (!HasNeeded(e, rule.needs)) continue;
        EXPECT_NO_THROW(rule.decide(e))
            << rule.name << " with result " << (e.result ? "present" : "absent") << ", eval "
            << (e.eval ? "present" : "absent");
      }
}

// Rules that must never run: the driver skips them for want of their file.
std::optional<Verdict> MustNotRun(const AttemptEvidence&) {
  ADD_FAILURE() << "the driver called a rule whose file is absent";
  return Verdict{Tag::kPass, Reason::kTestsPassed, "", false, false};
}

TEST(ClassifyRules, TheDriverSkipsARuleWhoseFileIsAbsent) {
  const ClassifyRule rules[] = {{"NeedsResult", kNeedsResult, MustNotRun},
                                {"NeedsEval", kNeedsEval, MustNotRun}};
  const Verdict v = FirstRule(rules, Evidence(std::nullopt, std::nullopt));
  EXPECT_EQ(ReasonName(v.reason), "bad_eval") << "none applied: the fallback";
  const ClassifyRule eval_only[] = {{"NeedsEval", kNeedsEval, MustNotRun}};
  EXPECT_EQ(
      ReasonName(FirstRule(eval_only, Evidence(SoloResult("Submitted"), std::nullopt)).reason),
      "bad_eval");
}

// The orders of `table` that are cheap to make: each rule alone, the table
// reversed, every rotation, and seeded shuffles.
std::vector<std::vector<ClassifyRule>> Orders(std::span<const ClassifyRule> table) {
  std::vector<std::vector<ClassifyRule>> orders;
  for (const ClassifyRule& rule : table) orders.push_back({rule});
  std::vector<ClassifyRule> order(table.begin(), table.end());
  orders.emplace_back(order.rbegin(), order.rend());
  for (size_t i = 0; i < order.size(); ++i) {
    std::rotate(order.begin(), order.begin() + 1, order.end());
    orders.push_back(order);
  }
  std::mt19937 random(18);
  for (int i = 0; i < 50; ++i) {
    std::shuffle(order.begin(), order.end(), random);
    orders.push_back(order);
  }
  return orders;
}

// Whatever the order, evidence without result.json or eval.json (or both)
// gets a verdict that names its reason, and nothing reads the missing file.
TEST(ClassifyRules, EveryOrderOfATableGivesAVerdictWithoutTheFiles) {
  std::vector<AttemptEvidence> lacking;
  for (const AttemptEvidence& e : AllKindsOfEvidence())
    if (!e.result || !e.eval) lacking.push_back(e);
  ASSERT_FALSE(lacking.empty());
  for (std::span<const ClassifyRule> table : {AgentRules(), EvalRules()})
    for (const std::vector<ClassifyRule>& order : Orders(table))
      for (const AttemptEvidence& e : lacking) {
        Verdict v;
        ASSERT_NO_THROW(v = FirstRule(order, e)) << Describe(order);
        EXPECT_NE(v.reason, Reason::kUnknown) << Describe(order);
      }
}

}  // namespace
}  // namespace cb
