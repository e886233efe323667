// Retry decisions: infra errors only, bounded, with doubling backoff.
#include "runner/retry_policy.h"

#include <gtest/gtest.h>

namespace cb {
namespace {

Verdict V(Tag tag, const std::string& reason, bool fatal = false) {
  return Verdict{tag, ParseReason(reason).value(), "", fatal};
}

TEST(DecideRetry, InfraErrorsUpToTheLimitWithBackoff) {
  RetryPolicy p{2, 10, 600};
  EXPECT_EQ(DecideRetry(p, V(Tag::kInfraError, "crash"), 1).retry, true);
  EXPECT_EQ(DecideRetry(p, V(Tag::kInfraError, "crash"), 1).delay_s, 10);
  EXPECT_EQ(DecideRetry(p, V(Tag::kInfraError, "crash"), 2).delay_s, 20);
  EXPECT_FALSE(DecideRetry(p, V(Tag::kInfraError, "crash"), 3).retry)
      << "3 attempts = 1 + 2 retries";
}

TEST(DecideRetry, NeverGenuineOutcomesOrFatalErrors) {
  RetryPolicy p{5, 1, 600};
  EXPECT_FALSE(DecideRetry(p, V(Tag::kFail, "tests_failed"), 1).retry);
  EXPECT_FALSE(DecideRetry(p, V(Tag::kPass, "tests_passed"), 1).retry);
  EXPECT_FALSE(DecideRetry(p, V(Tag::kInfraError, "auth_failed", true), 1).retry);
}

TEST(DecideRetry, RateLimitsWaitLongerAndDelaysAreCapped) {
  RetryPolicy p{10, 30, 100};
  EXPECT_EQ(DecideRetry(p, V(Tag::kInfraError, "rate_limited"), 1).delay_s, 60);
  EXPECT_EQ(DecideRetry(p, V(Tag::kInfraError, "crash"), 6).delay_s, 100);
}

TEST(DecideRetry, ZeroRetriesMeansOneAttempt) {
  EXPECT_FALSE(DecideRetry(RetryPolicy{0, 1, 1}, V(Tag::kInfraError, "crash"), 1).retry);
}

}  // namespace
}  // namespace cb
