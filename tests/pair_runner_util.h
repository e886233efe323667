// Running a pair without the world, for the unit tests of the pair runner:
// no services (Redis, container tracking) and the runner's notes kept quiet.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "runner/attempt_services.h"
#include "runner/pair_runner.h"
#include "runner/reporter.h"

namespace cbtest {

class NoServices : public cb::AttemptServices {
 public:
  absl::Status BeforeAttempt(cb::Setting) override { return absl::OkStatus(); }
  std::vector<std::pair<std::string, std::string>> AttemptEnvironment(const std::string&) override {
    return {};
  }
  void AfterAttempt(const std::string&) override {}
};

inline cb::PairResult RunPairQuietly(const cb::PairJob& job, const cb::RunConfig& config,
                                     cb::Launcher& launcher, cb::AttemptServices& services) {
  cb::KeptLines quiet;
  return cb::RunPair(job, config, launcher, services, quiet);
}

}  // namespace cbtest
