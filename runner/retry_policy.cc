#include "runner/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace cb {

RetryDecision DecideRetry(const RetryPolicy& policy, const Verdict& verdict, int attempts_done) {
  if (!verdict.retryable() || attempts_done > policy.retries) return {};
  // A rate limit wants more patience than a crashed sandbox.
  const double base = policy.backoff_s * (verdict.reason == Reason::kRateLimited ? 2 : 1);
  const double delay = base * std::pow(2.0, std::max(0, attempts_done - 1));
  return {true, std::min(delay, policy.backoff_max_s)};
}

}  // namespace cb
