// Reading what one cooperbench attempt left in its --log-dir.
#pragma once

#include "absl/strings/string_view.h"
#include <filesystem>

#include "common/naming.h"
#include "common/setting.h"
#include "runner/classify.h"

namespace cb {

// Fills result/eval (or their *_problem) of `evidence` from
// LOG_DIR/RUN_NAME/{solo|coop}/REPO/TASK_ID/fA_fB/.
void ReadAttemptFiles(const std::filesystem::path& log_dir, absl::string_view run_name,
                      Setting setting, const PairId& pair, AttemptEvidence* evidence);

// Cost and tokens upstream reports in result.json (0 when absent).
struct AttemptUsage {
  double cost_usd = 0;
  long long input_tokens = 0;
  long long output_tokens = 0;
};
AttemptUsage UsageOf(const AttemptEvidence& evidence);

}  // namespace cb
