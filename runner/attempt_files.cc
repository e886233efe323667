#include "runner/attempt_files.h"

#include <utility>
#include <vector>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "util/atomic_file.h"
#include "util/json_read.h"

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
  const std::filesystem::path dir =
      UpstreamPairDir(log_dir, run_name, UpstreamSetting(setting), pair);
  ReadOne(dir / "result.json", &e->result, &e->result_problem);
  ReadOne(dir / "eval.json", &e->eval, &e->eval_problem);
}

namespace {
bool EmptyPatch(const std::filesystem::path& patch) {
  absl::StatusOr<std::string> text = ReadFile(patch);
  if (!text.ok()) return true;  // missing: nothing was submitted
  return absl::StripAsciiWhitespace(*text).empty();
}
}  // namespace

std::string WhoSubmittedNothing(const std::filesystem::path& log_dir, absl::string_view run_name,
                                Setting setting, const PairId& pair,
                                const std::filesystem::path& log_file) {
  // 0.0.23+: "NO PR OPENED by <agent>: submitting nothing" (cooperbench's own output).
  if (std::ifstream log(log_file); log) {
    constexpr std::string_view kNoPr = "NO PR OPENED by ";
    for (std::string line; std::getline(log, line);) {
      const size_t at = line.find(kNoPr);
      if (at == std::string::npos) continue;
      absl::string_view who = absl::string_view(line).substr(at + kNoPr.size());
      who = who.substr(0, who.find(':'));
      return std::string(absl::StripAsciiWhitespace(who));
    }
  }
  const std::filesystem::path dir =
      UpstreamPairDir(log_dir, run_name, UpstreamSetting(setting), pair);
  if (setting == Setting::kSolo) return EmptyPatch(dir / "solo.patch") ? "the agent" : "";
  for (int feature : {pair.feature_a, pair.feature_b})
    if (EmptyPatch(dir / absl::StrCat("agent", feature, ".patch")))
      return absl::StrCat("the agent of feature ", feature);
  return "";
}

// Counts from result.json are trusted only within sane bounds, so that a
// corrupt file cannot overflow the sums of a record (or turn cost negative).
constexpr int64_t kMaxTokens = 1'000'000'000'000;
constexpr double kMaxCostUsd = 1e9;

namespace {

bool TookSteps(const boost::json::value& v) {
  return NumberField(v, "steps").value_or(0) > 0;
}

// One agent's input and output tokens; nullopt when unknown (see AttemptUsage).
std::optional<std::pair<int64_t, int64_t>> AgentTokens(const boost::json::value& agent,
                                                       bool result_took_steps) {
  if (!agent.is_object()) return std::nullopt;
  const std::optional<long long> in = IntField(agent, "input_tokens");
  const std::optional<long long> out = IntField(agent, "output_tokens");
  if (!in || !out || *in < 0 || *out < 0 || *in > kMaxTokens || *out > kMaxTokens)
    return std::nullopt;
  // An agent without its own "steps" is judged by the result's total_steps.
  const bool took_steps = Field(agent, "steps") ? TookSteps(agent) : result_took_steps;
  if (*in == 0 && *out == 0 && took_steps) return std::nullopt;
  return std::pair<int64_t, int64_t>(*in, *out);
}

}  // namespace

// cooperbench never started, or argparse refused the command line before
// anything ran: nothing can have been spent.
static bool MadeNoModelCall(const AttemptEvidence& e) {
  if (!e.process.started) return true;
  if (e.process.exit_code != 2) return false;
  for (const std::string& line : e.log_tail)
    if (line.rfind("usage: ", 0) == 0) return true;
  return false;
}

AttemptUsage UsageOf(const AttemptEvidence& e) {
  AttemptUsage u;
  if (!e.result) {  // nothing reported: tokens unknown, and the cost too unless nothing ran
    if (!MadeNoModelCall(e)) u.cost_usd = std::nullopt;
    return u;
  }
  const boost::json::value& result = *e.result;
  if (std::optional<long long> m = IntField(result, "messages_sent"); m && *m >= 0 && *m <= 1'000'000)
    u.messages_sent = *m;

  std::vector<const boost::json::value*> agents;
  if (const boost::json::value* a = Field(result, "agent"); a && !a->is_null()) agents.push_back(a);
  if (const boost::json::value* as = Field(result, "agents"); as && as->is_object())
    for (const auto& kv : as->get_object()) agents.push_back(&kv.value());
  bool took_steps = NumberField(result, "total_steps").value_or(0) > 0;
  for (const boost::json::value* a : agents) took_steps = took_steps || TookSteps(*a);

  const std::optional<double> cost = NumberField(result, "total_cost");
  const bool sane = cost && *cost >= 0 && *cost <= kMaxCostUsd;
  if (sane && *cost > 0)
    u.cost_usd = *cost;
  else if (took_steps)
    u.cost_usd = std::nullopt;
  else
    u.cost_usd = 0;

  if (agents.empty()) return u;  // no per-agent counts: tokens unknown
  int64_t in = 0, out = 0;
  for (const boost::json::value* a : agents) {
    std::optional<std::pair<int64_t, int64_t>> t = AgentTokens(*a, took_steps);
    if (!t) return u;  // one agent unknown: the attempt's sum is unknown
    in += t->first;
    out += t->second;
  }
  u.input_tokens = in;
  u.output_tokens = out;
  return u;
}

}  // namespace cb
