#include "runner/attempt_facts.h"

#include "absl/strings/str_cat.h"
#include "core/cooperbench_release.h"
#include "util/json_read.h"

namespace cb {

std::string FatalHint(const Verdict& verdict, const RunConfig& config, const PairJob& job) {
  if (verdict.reason == Reason::kCooperbenchNotFound)
    return " (install cooperbench or pass --cooperbench PATH to cbgen)";
  if (verdict.reason == Reason::kAuthFailed)
    return absl::StrCat(" (check ", config.KeyEnvFor(job.model), ")");
  if (verdict.reason == Reason::kPermissionDenied)
    return absl::StrCat(" (the key in ", config.KeyEnvFor(job.model), " may not use model ",
                        job.model, ": check the key's access or pick another --model)");
  if (verdict.reason == Reason::kUnknownAgent)
    return " (regenerate with cbgen --agent NAME, one of those, or without --agent for the "
           "installed release's mini-SWE-agent)";
  if (verdict.reason == Reason::kModelUnpriced)
    return " (register the model's price in a JSON file named by LITELLM_MODEL_REGISTRY_PATH, or "
           "export MSWEA_COST_TRACKING=ignore_errors to run with costs recorded as unknown)";
  if (verdict.reason == Reason::kUsageError)
    return absl::StrCat(
        " (this cooperbench release rejects cbrun's command line: `cbgen doctor` "
        "names the release; tested: ",
        kOldestSupportedRelease, " to ", kNewestSupportedRelease, ")");
  return " (check --model)";
}

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

AttemptRecord AttemptOf(const AttemptRecord& started, const LaunchResult& launched,
                        const Verdict& verdict, const AttemptUsage& usage) {
  AttemptRecord attempt = started;
  attempt.duration_s = launched.process.duration_s;
  attempt.exit_code = launched.process.exit_code;
  attempt.signal = launched.process.signal;
  attempt.timed_out = launched.process.timed_out;
  attempt.tag = verdict.tag;
  attempt.reason = verdict.reason;
  attempt.detail = verdict.detail;
  attempt.cost_usd = usage.cost_usd;
  attempt.input_tokens = usage.input_tokens;
  attempt.output_tokens = usage.output_tokens;
  attempt.messages_sent = usage.messages_sent;
  return attempt;
}

}  // namespace cb
