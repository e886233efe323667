// What an attempt needs from the world besides the cooperbench process:
// Redis for coop with messaging, container tracking, a preflight check.
// Behind an interface so the pair runner's logic tests without them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "core/setting.h"

namespace cb {

class AttemptServices {
 public:
  virtual ~AttemptServices() = default;
  // Before an attempt starts. An error here would fail every pair of the
  // setting alike: the runner writes no record and stops the build.
  virtual absl::Status BeforeAttempt(Setting setting) = 0;
  // Extra environment for the attempt's cooperbench process.
  virtual std::vector<std::pair<std::string, std::string>> AttemptEnvironment(
      const std::string& attempt_id) = 0;
  // After the attempt's process group is gone, whatever way it ended.
  virtual void AfterAttempt(const std::string& attempt_id) = 0;
};

}  // namespace cb
