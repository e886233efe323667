#include "results/cost_estimate.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "results/report_stats.h"

namespace cb {

CostBases BuildCostBases(const std::vector<RecordRow>& rows) {
  std::map<CostBasisKey, std::vector<double>> rates;
  for (const RecordRow& r : rows)
    for (const AttemptRow& a : r.attempt_list)
      if (a.phase == Phase::kAgent && a.cost_usd && *a.cost_usd > 0 && a.duration_s > 0)
        rates[{r.model, r.setting}].push_back(*a.cost_usd / a.duration_s);
  CostBases bases;
  for (auto& [key, values] : rates)
    bases[key] = CostBasis{*Quantile(values, 0.5), static_cast<long long>(values.size())};
  return bases;
}

std::optional<double> CostEstimate::estimate_usd() const {
  if (estimated_attempts < unknown_attempts) return std::nullopt;
  return estimated_usd;
}

void CostEstimate::Add(const RecordRow& r, const CostBases& bases) {
  known_usd += r.cost_usd;
  unknown_attempts += r.cost_unknown_attempts;
  const CostBasisKey key{r.model, r.setting};
  const auto basis = bases.find(key);
  long long listed = 0;
  for (const AttemptRow& a : r.attempt_list) {
    if (a.cost_usd) continue;
    if (listed == r.cost_unknown_attempts) break;  // the record's count rules
    ++listed;
    if (basis == bases.end() || a.duration_s <= 0) {
      ++missing[key];
      continue;
    }
    ++estimated_attempts;
    estimated_usd += a.duration_s * basis->second.usd_per_agent_second;
    ++used[key];
  }
  // Unknown attempts the list does not show (older records): no duration.
  if (r.cost_unknown_attempts > listed) missing[key] += r.cost_unknown_attempts - listed;
}

CostEstimate EstimateCost(const std::vector<RecordRow>& rows, const CostBases& bases) {
  CostEstimate e;
  for (const RecordRow& r : rows) e.Add(r, bases);
  return e;
}

namespace {
std::string KeyName(const CostBasisKey& k) {
  return absl::StrCat(k.first.empty() ? "(no model)" : k.first, "/", SettingName(k.second));
}
std::string Attempts(long long n) {
  return absl::StrFormat("%d attempt%s", n, n == 1 ? "" : "s");
}
}  // namespace

std::string DescribeBasis(const CostEstimate& e, const CostBases& bases) {
  std::vector<std::string> parts;
  for (const auto& [key, n] : e.used) {
    const CostBasis& b = bases.at(key);
    parts.push_back(absl::StrFormat("%s $%.6f per agent-second, the median of %s", KeyName(key),
                                    b.usd_per_agent_second, Attempts(b.samples)));
  }
  for (const auto& [key, n] : e.missing)
    parts.push_back(absl::StrFormat(
        "no basis for %s (%s: no agent attempt with a known cost and duration, or no duration)",
        KeyName(key), Attempts(n)));
  return absl::StrJoin(parts, "; ");
}

std::string FormatEstimate(const CostEstimate& e) {
  const std::optional<double> v = e.estimate_usd();
  return v ? absl::StrFormat("$%.2f", *v) : std::string("unknown");
}

}  // namespace cb
