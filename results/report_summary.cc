#include "results/report_summary.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "results/report_models.h"

namespace cb {

namespace {

using Key = std::pair<Setting, PairId>;

bool ThroughAgent1Alone(const RecordRow& r) {
  return r.tag == Tag::kPass && r.merge_strategy == kAgent1AloneStrategy;
}

// Adds a known count to `sum`; a group whose records all lack one is nullopt.
struct KnownSum {
  long long sum = 0;
  bool known = false, unknown = false;
  void Add(const std::optional<long long>& v) {
    if (v) {
      sum += *v;
      known = true;
    } else {
      unknown = true;
    }
  }
  std::optional<long long> Value() const {
    return !known && unknown ? std::nullopt : std::optional<long long>(sum);
  }
};

GroupStats Aggregate(Setting setting, const std::vector<const RecordRow*>& rows, long long pending,
                     const CostBases& bases) {
  GroupStats g;
  std::vector<double> durations;
  long long attempts = 0;
  KnownSum in, out;
  if (setting != Setting::kSolo) g.pass_agent1_alone = 0;
  for (const RecordRow* r : rows) {
    ++g.done;
    switch (r->tag) {
      case Tag::kPass: ++g.pass; break;
      case Tag::kFail: ++g.fail; break;
      case Tag::kInfraError: ++g.infra_error; break;
    }
    if (g.pass_agent1_alone && ThroughAgent1Alone(*r)) ++*g.pass_agent1_alone;
    g.cost_usd += r->cost_usd;
    g.cost_unknown_attempts += r->cost_unknown_attempts;
    g.cost_estimate.Add(*r, bases);
    g.agent_attempts += r->agent_attempts;
    g.eval_attempts += r->eval_attempts;
    in.Add(r->input_tokens);
    out.Add(r->output_tokens);
    g.tokens_unknown_attempts += r->tokens_unknown_attempts;
    durations.push_back(r->duration_s);
    attempts += r->attempts;
  }
  g.input_tokens = in.Value();
  g.output_tokens = out.Value();
  g.pending = pending;
  g.pairs = g.done + pending;
  if (g.pass + g.fail > 0) {
    g.pass_rate = static_cast<double>(g.pass) / static_cast<double>(g.pass + g.fail);
    g.pass_rate_ci = WilsonInterval(g.pass, g.pass + g.fail);
  }
  g.median_duration_s = Quantile(durations, 0.5);
  g.p90_duration_s = Quantile(durations, 0.9);
  if (g.done > 0) g.mean_attempts = static_cast<double>(attempts) / static_cast<double>(g.done);
  return g;
}

bool Finished(Tag tag) {
  return tag == Tag::kPass || tag == Tag::kFail;
}

template <typename T>
boost::json::value Opt(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object GroupToJson(const GroupStats& g) {
  boost::json::object o;
  o["pairs"] = g.pairs;
  o["done"] = g.done;
  o["pass"] = g.pass;
  o["fail"] = g.fail;
  o["infra_error"] = g.infra_error;
  o["pending"] = g.pending;
  o["pass_rate"] = Opt(g.pass_rate);
  o["pass_rate_ci95"] =
      g.pass_rate_ci
          ? boost::json::value(boost::json::array{g.pass_rate_ci->low, g.pass_rate_ci->high})
          : boost::json::value(nullptr);
  o["pass_agent1_alone"] = Opt(g.pass_agent1_alone);
  o["cost_usd"] = g.cost_usd;
  o["cost_unknown_attempts"] = g.cost_unknown_attempts;
  o["cost_estimate_usd"] = Opt(g.cost_estimate.estimate_usd());
  o["agent_attempts"] = g.agent_attempts;
  o["eval_attempts"] = g.eval_attempts;
  o["tokens"] =
      boost::json::object{{"input", Opt(g.input_tokens)}, {"output", Opt(g.output_tokens)}};
  o["tokens_unknown_attempts"] = g.tokens_unknown_attempts;
  o["duration_s"] =
      boost::json::object{{"median", Opt(g.median_duration_s)}, {"p90", Opt(g.p90_duration_s)}};
  o["mean_attempts"] = Opt(g.mean_attempts);
  return o;
}

using RepoSetting = std::pair<std::string, Setting>;  // (repository, setting)

// The record of each (setting, pair), and the totals over all records.
std::map<Key, const RecordRow*> IndexRecords(const std::vector<RecordRow>& rows, Summary* s) {
  std::map<Key, const RecordRow*> by_key;
  for (const RecordRow& r : rows) {
    // One per (setting, pair); a duplicate run name keeps the last.
    by_key[{r.setting, r.pair}] = &r;
    s->total_cost_usd += r.cost_usd;
    s->total_cost_unknown_attempts += r.cost_unknown_attempts;
    s->total_tokens_unknown_attempts += r.tokens_unknown_attempts;
  }
  return by_key;
}

// The planned (setting, pair)s without a record.
std::set<Key> PendingKeys(const std::optional<std::vector<PlannedRun>>& planned,
                          const std::map<Key, const RecordRow*>& by_key) {
  std::set<Key> pending;
  if (planned)
    for (const PlannedRun& p : *planned)
      if (!by_key.count({p.setting, p.pair})) pending.insert({p.setting, p.pair});
  return pending;
}

// Per setting and per (repository, setting).
void AggregateGroups(const std::vector<RecordRow>& rows, const std::set<Key>& pending, Summary* s) {
  std::map<Setting, std::vector<const RecordRow*>> per_setting;
  std::map<RepoSetting, std::vector<const RecordRow*>> per_repo;
  for (const RecordRow& r : rows) {
    per_setting[r.setting].push_back(&r);
    per_repo[{r.pair.repo, r.setting}].push_back(&r);
  }
  std::map<Setting, long long> pending_setting;
  std::map<RepoSetting, long long> pending_repo;
  for (const Key& k : pending) {
    ++pending_setting[k.first];
    ++pending_repo[{k.second.repo, k.first}];
    per_repo[{k.second.repo, k.first}];  // make the group exist
  }
  for (Setting st : AllSettings())
    s->settings[st] = Aggregate(st, per_setting[st], pending_setting[st], s->cost_bases);
  for (const auto& [key, group] : per_repo)
    s->repos[key.first][key.second] =
        Aggregate(key.second, group, pending_repo[key], s->cost_bases);
}

// Coordination gap: solo minus `coop` on pairs finished in both.
Gap GapOf(Setting coop, const std::map<Key, const RecordRow*>& by_key) {
  Gap gap;
  gap.coop = coop;
  for (const auto& [key, solo] : by_key) {
    if (key.first != Setting::kSolo || !Finished(solo->tag)) continue;
    auto other = by_key.find({coop, key.second});
    if (other == by_key.end() || !Finished(other->second->tag)) continue;
    const bool x = solo->tag == Tag::kPass, y = other->second->tag == Tag::kPass;
    if (x && y)
      ++gap.table.both;
    else if (x)
      ++gap.table.x_only;
    else if (y)
      ++gap.table.y_only;
    else
      ++gap.table.neither;
  }
  gap.result = NewcombePaired(gap.table);
  return gap;
}

// Solo decides; coop failures break ties.
int Hardness(const PairDifficulty& d) {
  int n = d.solo == Tag::kFail ? 10 : 0;
  for (const auto& [setting, tag] : d.coop) n += tag == Tag::kFail ? 1 : 0;
  return n;
}

// Difficulty from solo: per pair and per task, hardest first.
void RankDifficulty(const std::map<Key, const RecordRow*>& by_key, Summary* s) {
  std::map<std::pair<std::string, long long>, TaskDifficulty> tasks;
  for (const auto& [key, solo] : by_key) {
    if (key.first != Setting::kSolo || !Finished(solo->tag)) continue;
    PairDifficulty d;
    d.pair = key.second;
    d.solo = solo->tag;
    for (Setting coop : {Setting::kCoopComm, Setting::kCoopNocomm}) {
      auto other = by_key.find({coop, key.second});
      if (other != by_key.end()) d.coop[coop] = other->second->tag;
    }
    s->pairs.push_back(d);
    TaskDifficulty& t = tasks[{key.second.repo, key.second.task_id}];
    t.repo = key.second.repo;
    t.task_id = key.second.task_id;
    ++t.finished;
    if (solo->tag == Tag::kPass) ++t.solved;
  }
  std::stable_sort(
      s->pairs.begin(), s->pairs.end(),
      [](const PairDifficulty& x, const PairDifficulty& y) { return Hardness(x) > Hardness(y); });
  for (auto& [key, t] : tasks) {
    t.solved_share = static_cast<double>(t.solved) / static_cast<double>(t.finished);
    s->tasks.push_back(t);
  }
  std::stable_sort(
      s->tasks.begin(), s->tasks.end(), [](const TaskDifficulty& x, const TaskDifficulty& y) {
        return std::tie(x.solved_share, y.finished) < std::tie(y.solved_share, x.finished);
      });
}

}  // namespace

Summary SummarizeRunGroup(const std::vector<RecordRow>& rows,
                          const std::optional<std::vector<PlannedRun>>& planned) {
  Summary s;
  s.plan_known = planned.has_value();
  for (const RecordRow& r : rows) s.built.insert(r.setting);
  if (planned)
    for (const PlannedRun& p : *planned) s.built.insert(p.setting);
  s.records = static_cast<long long>(rows.size());
  const std::map<Key, const RecordRow*> by_key = IndexRecords(rows, &s);
  s.cost_bases = BuildCostBases(rows);
  s.total_cost_estimate = EstimateCost(rows, s.cost_bases);
  std::set<std::string> releases;
  for (const RecordRow& r : rows) {
    if (!r.cooperbench_release.empty()) releases.insert(r.cooperbench_release);
    for (const AttemptRow& a : r.attempt_list)
      if (!a.cooperbench_release.empty()) releases.insert(a.cooperbench_release);
  }
  s.releases.assign(releases.begin(), releases.end());
  AggregateGroups(rows, PendingKeys(planned, by_key), &s);
  for (Setting coop : {Setting::kCoopComm, Setting::kCoopNocomm})
    s.gaps.push_back(GapOf(coop, by_key));
  RankDifficulty(by_key, &s);
  for (const RecordRow& r : rows)
    if (r.tag != Tag::kPass) ++s.reasons[r.setting][r.reason];
  return s;
}

Summary Summarize(const std::vector<RecordRow>& rows,
                  const std::optional<std::vector<PlannedRun>>& planned) {
  std::vector<ModelGroup> groups = GroupByRunPrefix(rows, planned);
  Summary s;
  if (groups.size() == 1) {
    s = groups[0].summary;  // one model: the report as it always was
  } else {
    s.plan_known = planned.has_value();
    s.records = static_cast<long long>(rows.size());
    for (Setting st : AllSettings()) s.settings[st];  // present, empty: never pooled
  }
  s.comparisons = CompareModels(groups);
  s.models = std::move(groups);
  return s;
}

namespace {

// What the numbers mean: the document's first fields.
boost::json::object DefinitionsToJson(const Summary& s) {
  boost::json::object root;
  root["schema"] = 1;
  root["records"] = s.records;
  root["plan_known"] = s.plan_known;
  root["pass_rate_definition"] = "pass / (pass + fail); infra_error records are excluded";
  root["cost_usd"] = s.total_cost_usd;
  root["cost_unknown_attempts"] = s.total_cost_unknown_attempts;
  root["cost_definition"] = absl::StrCat(
      "cost_usd sums every attempt whose cost is known; cost_unknown_attempts counts the others, "
      "left out: ",
      kCostUnknownWhy);
  root["cost_estimate"] =
      boost::json::object{{"unknown_attempts", s.total_cost_estimate.unknown_attempts},
                          {"estimate_usd", Opt(s.total_cost_estimate.estimate_usd())},
                          {"estimated_attempts", s.total_cost_estimate.estimated_attempts},
                          {"basis", DescribeBasis(s.total_cost_estimate, s.cost_bases)},
                          {"method", kEstimateMethod}};
  boost::json::array releases;
  for (const std::string& r : s.releases) releases.push_back(boost::json::value(r));
  root["cooperbench_releases"] = std::move(releases);
  root["mixed_releases"] = s.releases.size() > 1;
  root["tokens_unknown_attempts"] = s.total_tokens_unknown_attempts;
  root["tokens_definition"] = absl::StrCat(
      "tokens sum the attempts with known counts (null: none known); tokens_unknown_attempts "
      "counts the others, left out: ",
      kTokensUnknownWhy);
  root["pass_agent1_alone_definition"] = absl::StrCat(
      "coop passes whose eval.json merge.strategy is \"solo-agent1\": ", kAgent1AloneWhy,
      " (null for solo)");
  return root;
}

boost::json::object GroupsToJson(const std::map<Setting, GroupStats>& groups) {
  boost::json::object o;
  for (const auto& [st, g] : groups) o[std::string(SettingName(st))] = GroupToJson(g);
  return o;
}

boost::json::object ReposToJson(const Summary& s) {
  boost::json::object repos;
  for (const auto& [repo, groups] : s.repos) repos[repo] = GroupsToJson(groups);
  return repos;
}

boost::json::object GapToJson(const Gap& g) {
  boost::json::object o;
  o["pairs"] = g.table.n();
  o["table"] = boost::json::object{{"both_pass", g.table.both},
                                   {"solo_only", g.table.x_only},
                                   {"coop_only", g.table.y_only},
                                   {"neither", g.table.neither}};
  if (g.result) {
    o["solo_pass_rate"] = g.result->x_rate;
    o["coop_pass_rate"] = g.result->y_rate;
    o["gap"] = g.result->difference;
    o["ci95"] = boost::json::array{g.result->ci.low, g.result->ci.high};
  } else {
    o["solo_pass_rate"] = nullptr;
    o["coop_pass_rate"] = nullptr;
    o["gap"] = nullptr;
    o["ci95"] = nullptr;
  }
  return o;
}

boost::json::object GapsToJson(const Summary& s) {
  boost::json::object gap;
  gap["method"] = kGapMethod;
  gap["definition"] =
      "solo pass rate minus coop pass rate, on pairs finished (pass or fail) in both";
  for (const Gap& g : s.gaps) gap[std::string(SettingName(g.coop))] = GapToJson(g);
  return gap;
}

boost::json::object DifficultyToJson(const Summary& s) {
  boost::json::array pairs;
  for (const PairDifficulty& d : s.pairs) {
    boost::json::object o{{"repo", d.pair.repo},
                          {"task_id", d.pair.task_id},
                          {"features", boost::json::array{d.pair.feature_a, d.pair.feature_b}},
                          {"solo", std::string(TagName(d.solo))}};
    for (const auto& [st, tag] : d.coop)
      o[std::string(SettingName(st))] = std::string(TagName(tag));
    pairs.push_back(std::move(o));
  }
  boost::json::array tasks;
  for (const TaskDifficulty& t : s.tasks)
    tasks.push_back(boost::json::object{{"repo", t.repo},
                                        {"task_id", t.task_id},
                                        {"solved_solo", t.solved},
                                        {"finished_solo", t.finished},
                                        {"solved_share", t.solved_share}});
  return boost::json::object{{"pairs", std::move(pairs)}, {"tasks", std::move(tasks)}};
}

// Every setting, with or without reasons.
boost::json::object ReasonsToJson(const Summary& s) {
  boost::json::object reasons;
  for (Setting st : AllSettings()) {
    boost::json::object o;
    auto it = s.reasons.find(st);
    if (it != s.reasons.end())
      for (const auto& [reason, n] : it->second) o[std::string(ReasonName(reason))] = n;
    reasons[std::string(SettingName(st))] = std::move(o);
  }
  return reasons;
}

}  // namespace

boost::json::object RunGroupToJson(const Summary& s) {
  boost::json::object root = DefinitionsToJson(s);
  root["settings"] = GroupsToJson(s.settings);
  root["repos"] = ReposToJson(s);
  root["gap"] = GapsToJson(s);
  root["difficulty"] = DifficultyToJson(s);
  root["reasons"] = ReasonsToJson(s);
  return root;
}

boost::json::object SummaryToJson(const Summary& s) {
  if (s.several_models()) return SeveralModelsToJson(s);
  boost::json::object root = RunGroupToJson(s);
  root["methods"] = MethodsToJson();
  root["models"] = ModelsToJson(s);
  root["comparisons"] = ComparisonsToJson(s);
  return root;
}

}  // namespace cb
