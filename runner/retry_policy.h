// Whether to try a pair again after an attempt, and after how long. Pure.
#pragma once

#include "runner/classify.h"

namespace cb {

struct RetryPolicy {
  int retries = 2;             // extra attempts after the first
  double backoff_s = 30;       // delay before the first retry
  double backoff_max_s = 600;  // the delay doubles up to this
};

struct RetryDecision {
  bool retry = false;
  double delay_s = 0;
};

// `attempts_done` counts attempts of this run so far, including the one judged.
RetryDecision DecideRetry(const RetryPolicy& policy, const Verdict& verdict, int attempts_done);

}  // namespace cb
