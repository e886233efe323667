// The classification table, rule by rule.
#include "runner/classify.h"

#include <csignal>

#include <gtest/gtest.h>

namespace cb {
namespace {

boost::json::value SoloResult(const std::string& status, const char* error = nullptr) {
  return boost::json::parse(std::string(R"({"total_cost": 0.5, "agent": {"status": ")") + status +
                            R"(", "error": )" +
                            (error ? boost::json::serialize(boost::json::string(error)) : "null") +
                            "}}");
}

boost::json::value Eval(bool both, const char* error = nullptr) {
  boost::json::object o{{"both_passed", both},
                        {"feature1", {{"passed", both}}},
                        {"feature2", {{"passed", true}}}};
  o["error"] = error ? boost::json::value(error) : boost::json::value(nullptr);
  return o;
}

AttemptEvidence Evidence(std::optional<boost::json::value> result, std::optional<boost::json::value> eval) {
  AttemptEvidence e;
  e.process.exit_code = 0;
  e.result = std::move(result);
  if (!e.result) e.result_problem = "missing";
  e.eval = std::move(eval);
  if (!e.eval) e.eval_problem = "missing";
  return e;
}

void ExpectVerdict(const AttemptEvidence& e, Tag tag, const std::string& reason, bool fatal = false) {
  Verdict v = Classify(e);
  EXPECT_EQ(TagName(v.tag), TagName(tag)) << v.reason << " " << v.detail;
  EXPECT_EQ(v.reason, reason) << v.detail;
  EXPECT_EQ(v.fatal, fatal);
}

TEST(Classify, PassWhenBothFeaturesPass) {
  ExpectVerdict(Evidence(SoloResult("Submitted"), Eval(true)), Tag::kPass, "tests_passed");
}

TEST(Classify, FailWhenTestsFail) {
  ExpectVerdict(Evidence(SoloResult("Submitted"), Eval(false)), Tag::kFail, "tests_failed");
}

TEST(Classify, LimitsExceededIsAGenuineFailure) {
  ExpectVerdict(Evidence(SoloResult("LimitsExceeded"), Eval(false)), Tag::kFail, "limits_exceeded");
  ExpectVerdict(Evidence(SoloResult("LimitsExceeded"), std::nullopt), Tag::kFail, "limits_exceeded");
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
  ExpectVerdict(Evidence(SoloResult("Error", "litellm.RateLimitError: Error code: 429"), Eval(false)),
                Tag::kInfraError, "rate_limited");
  ExpectVerdict(Evidence(SoloResult("Error", "litellm.Timeout: APITimeoutError - Request timed out"),
                         std::nullopt),
                Tag::kInfraError, "api_timeout");
  ExpectVerdict(Evidence(SoloResult("Error", "docker.errors.APIError: 500"), std::nullopt),
                Tag::kInfraError, "docker_error");
  ExpectVerdict(Evidence(SoloResult("Error", "litellm.APIConnectionError: Connection error"), std::nullopt),
                Tag::kInfraError, "connection_error");
  ExpectVerdict(Evidence(SoloResult("Error", "something odd"), std::nullopt), Tag::kInfraError,
                "agent_error");
}

TEST(Classify, ErrorsThatFailEveryPairAreFatal) {
  ExpectVerdict(Evidence(SoloResult("Error", "litellm.AuthenticationError: invalid api key"), std::nullopt),
                Tag::kInfraError, "auth_failed", true);
  ExpectVerdict(Evidence(SoloResult("Error", "litellm.NotFoundError: model 'x' not found"), std::nullopt),
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

}  // namespace
}  // namespace cb
