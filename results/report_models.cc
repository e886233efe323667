#include "results/report_models.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cb {

std::string RunPrefixOf(absl::string_view run_name) {
  const std::optional<Setting> s = SettingFromRunName(run_name);
  if (!s) return std::string(run_name);
  const size_t suffix = SettingName(*s).size() + (run_name == SettingName(*s) ? 0 : 1);
  return std::string(run_name.substr(0, run_name.size() - suffix));
}

namespace {

// One run prefix's records and planned runs, before summarizing.
struct RunGroupInput {
  std::vector<RecordRow> rows;
  std::vector<PlannedRun> planned;
};

// The plan's model, else the one most records name (ties: the first by name).
std::string ModelOf(const RunGroupInput& in) {
  for (const PlannedRun& p : in.planned)
    if (!p.model.empty()) return p.model;
  std::map<std::string, long long> counts;
  for (const RecordRow& r : in.rows)
    if (!r.model.empty()) ++counts[r.model];
  std::string best;
  long long most = 0;
  for (const auto& [model, n] : counts)
    if (n > most) best = model, most = n;
  return best;
}

// "MODEL", "MODEL (PREFIX)" when another group has the same model, "PREFIX
// (model unknown)" without a model.
void Label(std::vector<ModelGroup>* groups) {
  std::map<std::string, int> uses;
  for (const ModelGroup& g : *groups) ++uses[g.model];
  for (ModelGroup& g : *groups) {
    if (g.model.empty())
      g.label = absl::StrCat(g.run_prefix, g.run_prefix.empty() ? "" : " ", "(model unknown)");
    else if (uses[g.model] > 1)
      g.label =
          absl::StrCat(g.model, " (", g.run_prefix.empty() ? "no run prefix" : g.run_prefix, ")");
    else
      g.label = g.model;
  }
  std::sort(groups->begin(), groups->end(),
            [](const ModelGroup& x, const ModelGroup& y) { return x.label < y.label; });
}

using Key = std::pair<Setting, PairId>;

// The run prefix of each record; records without a run name as the header says.
std::vector<std::string> PrefixOfRows(const std::vector<RecordRow>& rows,
                                      const std::optional<std::vector<PlannedRun>>& planned) {
  std::set<std::string> named;
  std::map<Key, std::set<std::string>> planners;
  for (const RecordRow& r : rows)
    if (!r.run_name.empty()) named.insert(RunPrefixOf(r.run_name));
  if (planned)
    for (const PlannedRun& p : *planned) {
      named.insert(RunPrefixOf(p.run_name));
      planners[{p.setting, p.pair}].insert(RunPrefixOf(p.run_name));
    }
  std::vector<std::string> prefixes;
  for (const RecordRow& r : rows) {
    if (!r.run_name.empty()) {
      prefixes.push_back(RunPrefixOf(r.run_name));
      continue;
    }
    auto it = planners.find({r.setting, r.pair});
    if (it != planners.end() && it->second.size() == 1)
      prefixes.push_back(*it->second.begin());
    else
      prefixes.push_back(named.size() == 1 ? *named.begin() : "");
  }
  return prefixes;
}

ModelGroup MakeGroup(const std::string& prefix, RunGroupInput in, bool plan_known) {
  ModelGroup g;
  g.run_prefix = prefix;
  g.model = ModelOf(in);
  std::optional<std::vector<PlannedRun>> part;
  if (plan_known) part = std::move(in.planned);
  g.summary = SummarizeRunGroup(in.rows, part);
  for (Setting st : g.summary.built)
    g.cost_per_solved[st] = CostPerSolvedOf(g.summary.settings.at(st));
  for (const RecordRow& r : in.rows)
    if (r.tag == Tag::kPass || r.tag == Tag::kFail) g.finished[{r.setting, r.pair}] = r.tag;
  return g;
}

}  // namespace

std::vector<ModelGroup> GroupByRunPrefix(const std::vector<RecordRow>& rows,
                                         const std::optional<std::vector<PlannedRun>>& planned) {
  std::map<std::string, RunGroupInput> inputs;
  const std::vector<std::string> prefixes = PrefixOfRows(rows, planned);
  for (size_t i = 0; i < rows.size(); ++i) inputs[prefixes[i]].rows.push_back(rows[i]);
  if (planned)
    for (const PlannedRun& p : *planned) inputs[RunPrefixOf(p.run_name)].planned.push_back(p);
  if (inputs.empty()) inputs[""];  // nothing yet: one empty group
  std::vector<ModelGroup> groups;
  for (auto& [prefix, in] : inputs)
    groups.push_back(MakeGroup(prefix, std::move(in), planned.has_value()));
  Label(&groups);
  return groups;
}

CostPerSolved CostPerSolvedOf(const GroupStats& g) {
  CostPerSolved c;
  c.solved = g.pass;
  if (const std::optional<double> estimate = g.cost_estimate.estimate_usd())
    c.spend_usd = g.cost_usd + *estimate;
  if (c.spend_usd && c.solved > 0) c.usd = *c.spend_usd / static_cast<double>(c.solved);
  return c;
}

namespace {

using Tags = std::map<Key, Tag>;  // one group's finished (pass or fail) records

SettingComparison CompareSetting(Setting st, const Tags& a, const Tags& b) {
  SettingComparison c;
  c.setting = st;
  for (const auto& [key, x_tag] : a) {
    if (key.first != st) continue;
    auto other = b.find(key);
    if (other == b.end()) continue;
    const bool x = x_tag == Tag::kPass, y = other->second == Tag::kPass;
    if (x && y)
      ++c.table.both;
    else if (x)
      ++c.table.x_only;
    else if (y)
      ++c.table.y_only;
    else
      ++c.table.neither;
  }
  c.result = NewcombePaired(c.table);
  return c;
}

// 1 for a pass, 0 for a fail; nullopt when the record is missing or unfinished.
std::optional<int> Passed(const Tags& tags, Setting st, const PairId& pair) {
  auto it = tags.find({st, pair});
  if (it == tags.end()) return std::nullopt;
  return it->second == Tag::kPass ? 1 : 0;
}

GapComparison CompareGap(Setting coop, const Tags& a, const Tags& b) {
  GapComparison c;
  c.coop = coop;
  std::vector<double> ds;
  long long a_sum = 0, b_sum = 0;
  for (const auto& [key, tag] : a) {
    if (key.first != Setting::kSolo) continue;
    const std::optional<int> as = Passed(a, Setting::kSolo, key.second),
                             ac = Passed(a, coop, key.second),
                             bs = Passed(b, Setting::kSolo, key.second),
                             bc = Passed(b, coop, key.second);
    if (!as || !ac || !bs || !bc) continue;
    const int d = (*as - *ac) - (*bs - *bc);
    ++c.d_counts[d];
    ds.push_back(d);
    a_sum += *as - *ac;
    b_sum += *bs - *bc;
  }
  c.pairs = static_cast<long long>(ds.size());
  if (c.pairs > 0) {
    c.a_gap = static_cast<double>(a_sum) / static_cast<double>(c.pairs);
    c.b_gap = static_cast<double>(b_sum) / static_cast<double>(c.pairs);
  }
  c.result = PairedMeanT(ds);
  // d is -2..2, so its mean is too: the t interval is cut to that range (as
  // Newcombe's is to -1..1); with few pairs it can reach past it.
  if (c.result)
    c.result->ci = Interval{std::max(-2.0, c.result->ci.low), std::min(2.0, c.result->ci.high)};
  return c;
}

ModelComparison Compare(size_t i, size_t j, const std::vector<ModelGroup>& groups) {
  const ModelGroup &a = groups[i], &b = groups[j];
  ModelComparison c;
  c.a = i;
  c.b = j;
  auto both = [&](Setting st) { return a.summary.built.count(st) && b.summary.built.count(st); };
  for (Setting st : AllSettings())
    if (both(st)) c.settings.push_back(CompareSetting(st, a.finished, b.finished));
  for (Setting coop : {Setting::kCoopComm, Setting::kCoopNocomm})
    if (both(Setting::kSolo) && both(coop))
      c.gaps.push_back(CompareGap(coop, a.finished, b.finished));
  return c;
}

}  // namespace

std::vector<ModelComparison> CompareModels(const std::vector<ModelGroup>& groups) {
  std::vector<ModelComparison> out;
  for (size_t i = 0; i < groups.size(); ++i)
    for (size_t j = i + 1; j < groups.size(); ++j) out.push_back(Compare(i, j, groups));
  return out;
}

}  // namespace cb
