#include "runner/attempt_files.h"

#include "common/json_read.h"

namespace cb {

namespace {
void ReadOne(const std::filesystem::path& file, std::optional<boost::json::value>* value,
             std::string* problem) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    *problem = "missing";
    return;
  }
  absl::StatusOr<boost::json::value> v = ReadJsonFile(file);
  if (!v.ok()) {
    *problem = std::string(v.status().message());
    return;
  }
  if (!v->is_object()) {
    *problem = "not a JSON object";
    return;
  }
  *value = std::move(*v);
}
}  // namespace

void ReadAttemptFiles(const std::filesystem::path& log_dir, absl::string_view run_name,
                      Setting setting, const PairId& pair, AttemptEvidence* e) {
  const std::filesystem::path dir = UpstreamPairDir(log_dir, run_name, UpstreamSetting(setting), pair);
  ReadOne(dir / "result.json", &e->result, &e->result_problem);
  ReadOne(dir / "eval.json", &e->eval, &e->eval_problem);
}

// Counts from result.json are trusted only within sane bounds, so that a
// corrupt file cannot overflow the sums of a record (or turn cost negative).
constexpr int64_t kMaxTokens = 1'000'000'000'000;
constexpr double kMaxCostUsd = 1e9;

static int64_t TokenCount(const boost::json::value& agent, absl::string_view key) {
  const int64_t n = IntField(agent, key).value_or(0);
  return n >= 0 && n <= kMaxTokens ? n : 0;
}

AttemptUsage UsageOf(const AttemptEvidence& e) {
  AttemptUsage u;
  if (!e.result) return u;
  const double cost = NumberField(*e.result, "total_cost").value_or(0);
  u.cost_usd = cost >= 0 && cost <= kMaxCostUsd ? cost : 0;
  auto add_tokens = [&](const boost::json::value& agent) {
    u.input_tokens += TokenCount(agent, "input_tokens");
    u.output_tokens += TokenCount(agent, "output_tokens");
  };
  if (const boost::json::value* a = Field(*e.result, "agent"); a && a->is_object()) add_tokens(*a);
  if (const boost::json::value* as = Field(*e.result, "agents"); as && as->is_object())
    for (const auto& kv : as->get_object()) add_tokens(kv.value());
  return u;
}

}  // namespace cb
