// Reading what one cooperbench attempt left in its --log-dir.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

#include "core/naming.h"
#include "core/setting.h"
#include "runner/classify.h"

namespace cb {

// Fills result/eval (or their *_problem) of `evidence` from
// LOG_DIR/RUN_NAME/{solo|coop}/REPO/TASK_ID/fA_fB/.
void ReadAttemptFiles(const std::filesystem::path& log_dir, absl::string_view run_name,
                      Setting setting, const PairId& pair, AttemptEvidence* evidence);

// Cost and tokens upstream reports in result.json; nullopt where they are
// unknown, never a made-up 0.
//
// Tokens (input and output are known or unknown together): unknown when there
// is no result.json, when an agent lacks input_tokens/output_tokens, or when an
// agent that took steps reports 0 input and 0 output tokens (mini_swe_agent_v2
// never fills them, on every release). A count > 0 is kept.
//
// Cost: unknown when the agent(s) took steps (total_steps or an agent's steps
// > 0) but total_cost is 0, absent or not a sane number: upstream's agent
// configs set `cost_tracking: ignore_errors`, so a model litellm cannot price
// costs a silent $0. No result.json at all (a timeout, a crash, an OOM kill:
// killed before upstream reported, usually after spending the most) is
// unknown too; only an attempt that provably made no model call (cooperbench
// did not start, or argparse refused its command line) is a known $0.
struct AttemptUsage {
  std::optional<double> cost_usd = 0;
  std::optional<long long> input_tokens;
  std::optional<long long> output_tokens;
  std::optional<long long> messages_sent;  // coop: result.json's messages_sent, when there
};
AttemptUsage UsageOf(const AttemptEvidence& evidence);

// Which agent submitted nothing, read from upstream's files of one attempt: an
// empty or missing patch (solo.patch, agent{A}.patch), or 0.0.23+'s line
// "NO PR OPENED by <agent>: submitting nothing" in `log_file`. Empty when every
// agent submitted something.
std::string WhoSubmittedNothing(const std::filesystem::path& log_dir, absl::string_view run_name,
                                Setting setting, const PairId& pair,
                                const std::filesystem::path& log_file);

}  // namespace cb
