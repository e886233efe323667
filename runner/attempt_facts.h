// What a pair's record and its messages take from one attempt: the record's
// entry for the attempt, eval.json's facts, and what to do about a verdict
// that stops the build. Pure.
#pragma once

#include <string>

#include "core/record.h"
#include "core/run_config.h"
#include "runner/attempt_files.h"
#include "runner/classify.h"
#include "runner/launch.h"
#include "runner/pair_job.h"

namespace cb {

// What to do about an error that would fail every pair alike: " (check
// COHERE_API_KEY)", ... with its leading space.
std::string FatalHint(const Verdict& verdict, const RunConfig& config, const PairJob& job);

// The facts of eval.json the record keeps (cleared when there is none).
void KeepEvalFacts(const AttemptEvidence& evidence, Record* rec);

// One attempt as the record keeps it: `started` completed with how the
// process ended, its verdict and what it spent.
AttemptRecord AttemptOf(const AttemptRecord& started, const LaunchResult& launched,
                        const Verdict& verdict, const AttemptUsage& usage);

}  // namespace cb
