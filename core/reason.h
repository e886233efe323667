// Why a record (or an attempt) has its tag: one word from a closed list, the
// same in classification, retries, records, the report and `cbgen forget`.
// doc/manual.md, "Tags and reasons", says which evidence leads to which reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cb {

// X(enumerator, word): the word is what records and the report show.
#define CB_REASONS(X)                              \
  X(kTestsPassed, "tests_passed")                  \
  X(kTestsFailed, "tests_failed")                  \
  X(kTestsTimeout, "tests_timeout")                \
  X(kNoSubmission, "no_submission")                \
  X(kAgentsFinished, "agents_finished")            \
  X(kInterrupted, "interrupted")                   \
  X(kLimitsExceeded, "limits_exceeded")            \
  X(kMergeConflict, "merge_conflict")              \
  X(kPatchNotApplied, "patch_not_applied")         \
  X(kTimeout, "timeout")                           \
  X(kOomKilled, "oom_killed")                      \
  X(kCrash, "crash")                               \
  X(kMissingResult, "missing_result")              \
  X(kMissingEval, "missing_eval")                  \
  X(kBadEval, "bad_eval")                          \
  X(kEvalTimeout, "eval_timeout")                  \
  X(kEvalError, "eval_error")                      \
  X(kPatchTooLarge, "patch_too_large")             \
  X(kAgentError, "agent_error")                    \
  X(kRateLimited, "rate_limited")                  \
  X(kApiTimeout, "api_timeout")                    \
  X(kApiError, "api_error")                        \
  X(kConnectionError, "connection_error")          \
  X(kDockerError, "docker_error")                  \
  X(kRedisError, "redis_error")                    \
  X(kCooperbenchNotFound, "cooperbench_not_found") \
  X(kUsageError, "usage_error")                    \
  X(kUnknownAgent, "unknown_agent")                \
  X(kModelUnpriced, "model_unpriced")              \
  X(kAuthFailed, "auth_failed")                    \
  X(kPermissionDenied, "permission_denied")        \
  X(kUnknownModel, "unknown_model")                \
  X(kUnknown, "unknown")

enum class Reason {
#define CB_REASON_ENUMERATOR(e, word) e,
  CB_REASONS(CB_REASON_ENUMERATOR)
#undef CB_REASON_ENUMERATOR
};

// The word a record stores: "tests_failed", "rate_limited", ...
inline absl::string_view ReasonName(Reason reason) {
  switch (reason) {
#define CB_REASON_CASE(e, word) \
  case Reason::e: return word;
    CB_REASONS(CB_REASON_CASE)
#undef CB_REASON_CASE
  }
  return "unknown";
}

// The reason a stored word names; nullopt for a word not in the list.
inline std::optional<Reason> ParseReason(absl::string_view word) {
#define CB_REASON_MATCH(e, w) \
  if (word == w) return Reason::e;
  CB_REASONS(CB_REASON_MATCH)
#undef CB_REASON_MATCH
  return std::nullopt;
}

// Every word, in the list's order (for error messages: "one of ...").
inline std::vector<std::string> AllReasonNames() {
  return {
#define CB_REASON_WORD(e, word) word,
      CB_REASONS(CB_REASON_WORD)
#undef CB_REASON_WORD
  };
}

}  // namespace cb
