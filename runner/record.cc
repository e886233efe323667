#include "runner/record.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/atomic_file.h"
#include "common/json_read.h"

namespace cb {

double Record::cost_usd() const {
  double sum = 0;
  for (const AttemptRecord& a : attempts) sum += a.cost_usd;
  return sum;
}
long long Record::input_tokens() const {
  long long sum = 0;
  for (const AttemptRecord& a : attempts) sum += a.input_tokens;
  return sum;
}
long long Record::output_tokens() const {
  long long sum = 0;
  for (const AttemptRecord& a : attempts) sum += a.output_tokens;
  return sum;
}

namespace {
boost::json::value OptBool(const std::optional<bool>& b) {
  return b ? boost::json::value(*b) : boost::json::value(nullptr);
}
}  // namespace

boost::json::value Record::ToJson() const {
  boost::json::object o;
  o["schema"] = kSchema;
  o["tag"] = std::string(TagName(tag));
  o["reason"] = reason;
  o["detail"] = detail;
  o["setting"] = std::string(SettingName(setting));
  o["run_name"] = run_name;
  o["repo"] = pair.repo;
  o["task_id"] = pair.task_id;
  o["features"] = boost::json::array{pair.feature_a, pair.feature_b};
  o["model"] = model;
  o["agent"] = agent;
  o["backend"] = backend;
  o["cost_usd"] = cost_usd();
  o["tokens"] = boost::json::object{{"input", input_tokens()}, {"output", output_tokens()}};
  o["duration_s"] = duration_s;
  o["started_at"] = started_at;
  o["finished_at"] = finished_at;
  o["feature1_passed"] = OptBool(feature1_passed);
  o["feature2_passed"] = OptBool(feature2_passed);
  boost::json::array list;
  for (const AttemptRecord& a : attempts) {
    boost::json::object j;
    j["n"] = a.n;
    j["started_at"] = a.started_at;
    j["duration_s"] = a.duration_s;
    if (a.exit_code) j["exit_code"] = *a.exit_code;
    if (a.signal) j["signal"] = *a.signal;
    if (a.timed_out) j["timed_out"] = true;
    j["tag"] = std::string(TagName(a.tag));
    j["reason"] = a.reason;
    j["detail"] = a.detail;
    j["cost_usd"] = a.cost_usd;
    j["tokens"] = boost::json::object{{"input", a.input_tokens}, {"output", a.output_tokens}};
    j["log_dir"] = a.log_dir;
    list.push_back(std::move(j));
  }
  o["attempts"] = std::move(list);
  return o;
}

absl::Status WriteRecord(const std::filesystem::path& path, const Record& record) {
  return WriteFileAtomically(path, PrettyJson(record.ToJson()), Overwrite::kNever);
}

std::string IsoTimeNow() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

}  // namespace cb
