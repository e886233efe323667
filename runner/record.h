// The result record of one (setting, pair): what cbrun leaves for Ninja and
// for people. Written once, atomically, never overwritten.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/status/status.h"
#include "common/naming.h"
#include "common/setting.h"
#include "runner/classify.h"

namespace cb {

struct AttemptRecord {
  int n = 0;                       // the attempt-N folder
  std::string started_at;          // ISO 8601, UTC
  double duration_s = 0;
  std::optional<int> exit_code;
  std::optional<int> signal;
  bool timed_out = false;
  Tag tag = Tag::kInfraError;
  std::string reason;
  std::string detail;
  double cost_usd = 0;
  long long input_tokens = 0;
  long long output_tokens = 0;
  std::string log_dir;
};

struct Record {
  static constexpr int kSchema = 1;
  Tag tag = Tag::kInfraError;
  std::string reason;
  std::string detail;
  Setting setting = Setting::kSolo;
  std::string run_name;
  PairId pair;
  std::string model, agent, backend;
  std::vector<AttemptRecord> attempts;
  std::string started_at, finished_at;
  double duration_s = 0;                 // wall clock, first start to last end
  std::optional<bool> feature1_passed;   // from the last attempt's eval.json
  std::optional<bool> feature2_passed;

  double cost_usd() const;               // all attempts: failed ones cost money too
  long long input_tokens() const;
  long long output_tokens() const;
  boost::json::value ToJson() const;
};

// Writes the record atomically; AlreadyExists if one is there (it is kept).
absl::Status WriteRecord(const std::filesystem::path& path, const Record& record);

// "2026-11-24T09:31:36Z"
std::string IsoTimeNow();

}  // namespace cb
