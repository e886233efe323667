#include "runner/classify.h"

#include <csignal>
#include <functional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json_read.h"

namespace cb {

absl::string_view TagName(Tag tag) {
  switch (tag) {
    case Tag::kPass: return "pass";
    case Tag::kFail: return "fail";
    case Tag::kInfraError: return "infra_error";
  }
  return "?";
}

namespace {

// Upstream error text -> reason, first match wins (case-insensitive substrings).
struct ErrorPattern {
  std::vector<absl::string_view> needles;
  absl::string_view reason;
  bool fatal;
};
const std::vector<ErrorPattern>& ErrorPatterns() {
  static const std::vector<ErrorPattern> kPatterns = {
      {{"authenticationerror", "invalid api key", "invalid_api_key", "api key not valid",
        "unauthorized", "status code: 401", "error code: 401", "no api key", "api_key is not set"},
       "auth_failed", true},
      {{"notfounderror", "model not found", "model_not_found", "unknown model",
        "llm provider not provided"},
       "unknown_model", true},
      {{"ratelimit", "rate limit", "rate_limit", "error code: 429", "status code: 429",
        "too many requests"},
       "rate_limited", false},
      {{"apitimeouterror", "litellm.timeout", "request timed out", "read timed out"},
       "api_timeout", false},
      {{"docker", "container", "sandbox", "no such image", "oci runtime"}, "docker_error", false},
      {{"timeout", "timed out"}, "api_timeout", false},
      {{"apiconnectionerror", "connection error", "connection refused", "connection reset",
        "connecterror"},
       "connection_error", false},
      {{"serviceunavailable", "internalservererror", "error code: 500", "error code: 502",
        "error code: 503", "bad gateway"},
       "api_error", false},
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

const boost::json::value* AgentWithStatus(const AttemptEvidence& e, absl::string_view status) {
  if (!e.result) return nullptr;
  for (const boost::json::value* a : Agents(*e.result))
    if (StringField(*a, "status") == std::string(status)) return a;
  return nullptr;
}

Verdict Make(Tag tag, absl::string_view reason, std::string detail, bool fatal = false) {
  return Verdict{tag, std::string(reason), Shorten(detail), fatal};
}

// The table: rules in order, the first that applies decides.
using Rule = std::function<std::optional<Verdict>(const AttemptEvidence&)>;
const std::vector<Rule>& Rules() {
  static const std::vector<Rule> kRules = {
      // The process itself.
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (e.process.started) return std::nullopt;
        return Make(Tag::kInfraError, "cooperbench_not_found", e.process.start_error, true);
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (!e.process.timed_out) return std::nullopt;
        return Make(Tag::kInfraError, "timeout", "ended at --timeout");
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (!e.process.signal) return std::nullopt;
        if (*e.process.signal == SIGKILL)
          return Make(Tag::kInfraError, "oom_killed", "killed by SIGKILL (out of memory?)");
        return Make(Tag::kInfraError, "crash", absl::StrCat("killed by signal ", *e.process.signal));
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (!e.process.exit_code || *e.process.exit_code == 0) return std::nullopt;
        if (*e.process.exit_code == 137)
          return Make(Tag::kInfraError, "oom_killed", "exit status 137 (killed, out of memory?)");
        return Make(Tag::kInfraError, "crash", absl::StrCat("exit status ", *e.process.exit_code));
      },
      // result.json.
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (e.result) return std::nullopt;
        return Make(Tag::kInfraError, "missing_result", absl::StrCat("result.json: ", e.result_problem));
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        const boost::json::value* agent = AgentWithStatus(e, "Error");
        if (agent == nullptr) return std::nullopt;
        const std::string text = StringField(*agent, "error").value_or("agent status Error");
        ErrorReading r = ReadErrorText(text);
        return Make(Tag::kInfraError, r.reason, text, r.fatal);
      },
      // eval.json.
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (!e.eval || BoolField(*e.eval, "both_passed") != true) return std::nullopt;
        return Make(Tag::kPass, "tests_passed", "");
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (AgentWithStatus(e, "LimitsExceeded") == nullptr) return std::nullopt;
        return Make(Tag::kFail, "limits_exceeded", "an agent hit its step or cost limit");
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (e.eval) return std::nullopt;
        return Make(Tag::kInfraError, "missing_eval", absl::StrCat("eval.json: ", e.eval_problem));
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        std::optional<std::string> error = StringField(*e.eval, "error");
        if (!error) return std::nullopt;
        if (IsMergeFailure(*error)) return Make(Tag::kFail, "merge_conflict", *error);
        ErrorReading r = ReadErrorText(*error);
        return Make(Tag::kInfraError, r.reason == "docker_error" ? "docker_error" : "eval_error",
                    *error);
      },
      [](const AttemptEvidence& e) -> std::optional<Verdict> {
        if (BoolField(*e.eval, "both_passed") != false) return std::nullopt;
        return Make(Tag::kFail, "tests_failed", "");
      },
  };
  return kRules;
}

}  // namespace

ErrorReading ReadErrorText(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (const ErrorPattern& p : ErrorPatterns())
    for (absl::string_view needle : p.needles)
      if (absl::StrContains(lower, needle)) return {std::string(p.reason), p.fatal};
  return {"agent_error", false};
}

Verdict Classify(const AttemptEvidence& evidence) {
  for (const Rule& rule : Rules())
    if (std::optional<Verdict> v = rule(evidence)) return *v;
  return Make(Tag::kInfraError, "bad_eval", "eval.json has no both_passed");
}

}  // namespace cb
