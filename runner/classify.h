// Classification: what one attempt's evidence (exit status, result.json,
// eval.json) means. Pure: ordered tables of rules in classify.cc, each rule
// stating the files it needs (runner/classify_rules.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "absl/strings/string_view.h"

#include <boost/json.hpp>

#include "core/reason.h"
#include "core/tag.h"
#include "util/process.h"

namespace cb {

// A process that started, not yet seen to end.
inline ProcessResult StartedProcess() {
  ProcessResult p;
  p.started = true;
  return p;
}

struct AttemptEvidence {
  // How the cooperbench process ended (its output is not read here). Started
  // unless it says otherwise: an attempt found on disk, never seen to end,
  // had started.
  ProcessResult process = StartedProcess();
  std::optional<boost::json::value> result;  // result.json, when present and parsed
  std::string result_problem;                // "missing" or the parse error, else empty
  std::optional<boost::json::value> eval;    // eval.json
  std::string eval_problem;
  // The last lines cooperbench printed (read when it exited non-zero):
  // argparse's usage error, the end of a traceback.
  std::vector<std::string> log_tail;
  // An agent submitted nothing: an empty patch, or 0.0.23+'s "NO PR OPENED by
  // <agent>: submitting nothing" (its work is graded from the PR it opens).
  std::string submitted_nothing;  // which agent, or empty
};

struct Verdict {
  Tag tag = Tag::kInfraError;
  Reason reason = Reason::kUnknown;  // tests_failed, merge_conflict, rate_limited, ...
  std::string detail;                // the upstream text it was read from, shortened
  // An error that would fail every pair alike (no cooperbench, bad API key,
  // unknown model): no record, stop the whole build.
  bool fatal = false;
  // Infrastructure trouble that the same pair would meet again (upstream cannot
  // evaluate a patch this large): recorded at once, never retried.
  bool repeats = false;
  bool retryable() const { return tag == Tag::kInfraError && !fatal && !repeats; }
};

// The agent phase (`cooperbench run --no-auto-eval`): the process, result.json
// and the agents' statuses. Pass with Reason::kAgentsFinished when the agents
// finished (Submitted or LimitsExceeded) and their work is to be evaluated.
Verdict ClassifyAgents(const AttemptEvidence& evidence);
// The evaluation phase (`cooperbench eval`): `evidence.process` and `log_tail`
// are the evaluation's, `result` the agent attempt's result.json, `eval` its
// eval.json. The pair's verdict, or evaluation trouble (infra_error, retried
// without re-running the agents). An evaluation that ran into --eval-timeout
// (timed_out) is fail/tests_timeout: the patch made the tests hang.
Verdict ClassifyEval(const AttemptEvidence& evidence);
// Both phases on one evidence (auto-eval: one process did both): the agent
// phase's verdict unless the agents finished, then the evaluation's.
Verdict Classify(const AttemptEvidence& evidence);

// Reads upstream's error text ("litellm.RateLimitError: ...") into a reason
// word, and whether it is fatal for every pair.
struct ErrorReading {
  Reason reason = Reason::kAgentError;
  bool fatal = false;
};
ErrorReading ReadErrorText(absl::string_view text);

}  // namespace cb
