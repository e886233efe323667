// `cbgen reeval --tag TAG [--settings S,..] [--run RUN] [--repo R] [--reason W] [--dry-run]`:
// re-score without re-paying. The matching records move to OUT/forgotten/ as
// `cbgen forget` moves them, and each pair's log folder gets a request
// (core/attempt_file.h) that makes the pair's next cbrun evaluate the agents'
// kept work again (`cooperbench eval`, no model calls) instead of running the
// agents: their patches and cost stay, the new record lists every attempt.
// Use: an evaluation image fixed after the fact, or a newer release's grading.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include <boost/json.hpp>

#include "absl/status/status.h"
#include "results/forget.h"

namespace cb {

// The agent attempt of a record whose work is to be evaluated again: the last
// agent attempt that left upstream's result.json in its folder. nullopt when
// the agents never finished (nothing to evaluate: forget runs them again).
std::optional<int> AgentAttemptToReevaluate(const std::filesystem::path& out,
                                            const RecordRow& row, const boost::json::value& record);

absl::Status RunReeval(const ForgetArgs& args, std::ostream& os);

}  // namespace cb
