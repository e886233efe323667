#include "common/record.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/atomic_file.h"
#include "common/json_read.h"

namespace cb {

absl::string_view PhaseName(Phase phase) { return phase == Phase::kEval ? "eval" : "agent"; }
std::optional<Phase> ParsePhase(absl::string_view word) {
  if (word == "agent") return Phase::kAgent;
  if (word == "eval") return Phase::kEval;
  return std::nullopt;
}

int Record::agent_attempts() const {
  int n = 0;
  for (const AttemptRecord& a : attempts) n += a.phase == Phase::kAgent ? 1 : 0;
  return n;
}
int Record::eval_attempts() const {
  return static_cast<int>(attempts.size()) - agent_attempts();
}

double Record::cost_usd() const {
  double sum = 0;
  for (const AttemptRecord& a : attempts) sum += a.cost_usd.value_or(0);
  return sum;
}
long long Record::cost_unknown_attempts() const {
  long long n = 0;
  for (const AttemptRecord& a : attempts) n += a.cost_usd ? 0 : 1;
  return n;
}

namespace {
std::optional<long long> SumKnown(const std::vector<AttemptRecord>& attempts,
                                  std::optional<long long> AttemptRecord::*field) {
  std::optional<long long> sum;
  for (const AttemptRecord& a : attempts)  // evaluations make no model calls
    if (a.phase == Phase::kAgent && a.*field) sum = sum.value_or(0) + *(a.*field);
  return sum;
}
boost::json::value OptString(const std::string& s) {
  return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
}
template <typename T>
boost::json::value OptValue(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
}  // namespace

std::optional<long long> Record::input_tokens() const {
  return SumKnown(attempts, &AttemptRecord::input_tokens);
}
std::optional<long long> Record::output_tokens() const {
  return SumKnown(attempts, &AttemptRecord::output_tokens);
}
std::optional<long long> Record::messages_sent() const {
  for (auto a = attempts.rbegin(); a != attempts.rend(); ++a)
    if (a->phase == Phase::kAgent) return a->messages_sent;
  return std::nullopt;
}
long long Record::tokens_unknown_attempts() const {
  long long n = 0;
  for (const AttemptRecord& a : attempts)
    n += a.phase == Phase::kEval || (a.input_tokens && a.output_tokens) ? 0 : 1;
  return n;
}

boost::json::object AttemptToJson(const AttemptRecord& a) {
  boost::json::object j;
  j["n"] = a.n;
  j["phase"] = std::string(PhaseName(a.phase));
  if (a.phase == Phase::kEval) j["evaluates"] = a.evaluates;
  j["cooperbench_release"] = OptString(a.cooperbench_release);
  j["started_at"] = a.started_at;
  j["duration_s"] = a.duration_s;
  if (a.exit_code) j["exit_code"] = *a.exit_code;
  if (a.signal) j["signal"] = *a.signal;
  if (a.timed_out) j["timed_out"] = true;
  j["tag"] = std::string(TagName(a.tag));
  j["reason"] = std::string(ReasonName(a.reason));
  j["detail"] = a.detail;
  j["cost_usd"] = OptValue(a.cost_usd);
  j["tokens"] = boost::json::object{{"input", OptValue(a.input_tokens)},
                                    {"output", OptValue(a.output_tokens)}};
  j["log_dir"] = a.log_dir;
  if (a.messages_sent) j["messages_sent"] = *a.messages_sent;
  return j;
}

namespace {
absl::Status NotAnAttempt(absl::string_view source, absl::string_view field) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": not an attempt of cbrun's: field \"", field, "\" missing or wrong"));
}
// A count from an attempt: absent or null is unknown; a negative one is refused.
bool ReadCount(const boost::json::value& tokens, absl::string_view key,
               std::optional<long long>* out) {
  const boost::json::value* v = Field(tokens, key);
  if (v == nullptr || v->is_null()) return true;
  *out = IntField(tokens, key);
  return *out && **out >= 0;
}
}  // namespace

absl::StatusOr<AttemptRecord> ParseAttempt(const boost::json::value& v, absl::string_view source) {
  if (!v.is_object()) return NotAnAttempt(source, "{}");
  AttemptRecord a;
  const std::optional<long long> n = IntField(v, "n");
  if (!n || *n < 0 || *n > 1'000'000) return NotAnAttempt(source, "n");
  a.n = static_cast<int>(*n);
  const std::optional<std::string> phase = StringField(v, "phase");
  if (phase) {
    std::optional<Phase> p = ParsePhase(*phase);
    if (!p) return NotAnAttempt(source, "phase");
    a.phase = *p;
  }
  a.evaluates = static_cast<int>(std::clamp(IntField(v, "evaluates").value_or(0), 0LL, 1'000'000LL));
  a.cooperbench_release = StringField(v, "cooperbench_release").value_or("");
  a.started_at = StringField(v, "started_at").value_or("");
  a.duration_s = std::max(0.0, NumberField(v, "duration_s").value_or(0));
  if (std::optional<long long> c = IntField(v, "exit_code")) a.exit_code = static_cast<int>(*c);
  if (std::optional<long long> c = IntField(v, "signal")) a.signal = static_cast<int>(*c);
  a.timed_out = BoolField(v, "timed_out").value_or(false);
  const std::optional<std::string> tag = StringField(v, "tag");
  std::optional<Tag> t = tag ? ParseTag(*tag) : std::nullopt;
  if (!t) return NotAnAttempt(source, "tag");
  a.tag = *t;
  a.reason = ParseReason(StringField(v, "reason").value_or("")).value_or(Reason::kUnknown);
  a.detail = StringField(v, "detail").value_or("");
  const boost::json::value* cost = Field(v, "cost_usd");
  if (cost == nullptr || cost->is_null()) {
    a.cost_usd.reset();
  } else {
    a.cost_usd = NumberField(v, "cost_usd");
    if (!a.cost_usd || !(*a.cost_usd >= 0) || *a.cost_usd > 1e9) return NotAnAttempt(source, "cost_usd");
  }
  if (const boost::json::value* tokens = Field(v, "tokens"); tokens && tokens->is_object()) {
    if (!ReadCount(*tokens, "input", &a.input_tokens) ||
        !ReadCount(*tokens, "output", &a.output_tokens))
      return NotAnAttempt(source, "tokens");
  }
  a.log_dir = StringField(v, "log_dir").value_or("");
  if (std::optional<long long> m = IntField(v, "messages_sent"); m && *m >= 0) a.messages_sent = *m;
  return a;
}

boost::json::value Record::ToJson() const {
  boost::json::object o;
  o["schema"] = kSchema;
  o["tag"] = std::string(TagName(tag));
  o["reason"] = std::string(ReasonName(reason));
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
  o["cost_unknown_attempts"] = cost_unknown_attempts();
  o["agent_attempts"] = agent_attempts();
  o["eval_attempts"] = eval_attempts();
  o["cooperbench_release"] = OptString(cooperbench_release);
  o["tokens"] = boost::json::object{{"input", OptValue(input_tokens())},
                                    {"output", OptValue(output_tokens())}};
  o["tokens_unknown_attempts"] = tokens_unknown_attempts();
  o["duration_s"] = duration_s;
  o["started_at"] = started_at;
  o["finished_at"] = finished_at;
  o["feature1_passed"] = OptValue(feature1_passed);
  o["feature2_passed"] = OptValue(feature2_passed);
  o["merge_status"] = OptValue(merge_status);
  o["merge_strategy"] = OptValue(merge_strategy);
  o["messages_sent"] = OptValue(messages_sent());
  boost::json::array list;
  for (const AttemptRecord& a : attempts) list.push_back(AttemptToJson(a));
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
