// The JSON of run groups and their comparisons (results/report_models.h).
#include <string>

#include "absl/strings/str_cat.h"
#include "results/report_models.h"

namespace cb {

namespace {

template <typename T>
boost::json::value Opt(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value Ci(const std::optional<Interval>& i) {
  return i ? boost::json::value(boost::json::array{i->low, i->high}) : boost::json::value(nullptr);
}

// A group's settings object, reduced to the settings it built, each with its
// cost per solved pair.
boost::json::object BuiltSettings(const ModelGroup& g, const boost::json::object& all) {
  boost::json::object out;
  for (Setting st : g.summary.built) {
    const std::string name(SettingName(st));
    boost::json::object o = all.at(name).as_object();
    const CostPerSolved& c = g.cost_per_solved.at(st);
    o["cost_with_estimate_usd"] = Opt(c.spend_usd);
    o["cost_per_solved_pair_usd"] = Opt(c.usd);
    out[name] = std::move(o);
  }
  return out;
}

// One group: its own summary, definitions left to the document's top.
boost::json::object ModelToJson(const ModelGroup& g) {
  boost::json::object body = RunGroupToJson(g.summary);
  boost::json::object o{{"model", g.model}, {"run_prefix", g.run_prefix}};
  for (auto& kv : body) {
    const std::string key(kv.key());
    if (key == "schema" || key.find("definition") != std::string::npos) continue;
    if (key == "settings") {
      o[key] = BuiltSettings(g, kv.value().as_object());
    } else if (key == "gap" || key == "reasons") {
      boost::json::object part = kv.value().as_object();
      for (Setting st : AllSettings())
        if (!g.summary.built.count(st)) part.erase(std::string(SettingName(st)));
      o[key] = std::move(part);
    } else {
      o[key] = std::move(kv.value());
    }
  }
  return o;
}

boost::json::object SettingComparisonToJson(const SettingComparison& c) {
  boost::json::object o;
  o["pairs"] = c.table.n();
  o["table"] = boost::json::object{{"both_pass", c.table.both},
                                   {"a_only", c.table.x_only},
                                   {"b_only", c.table.y_only},
                                   {"neither", c.table.neither}};
  o["a_pass_rate"] = c.result ? boost::json::value(c.result->x_rate) : nullptr;
  o["b_pass_rate"] = c.result ? boost::json::value(c.result->y_rate) : nullptr;
  o["difference"] = c.result ? boost::json::value(c.result->difference) : nullptr;
  o["ci95"] = Ci(c.result ? std::optional<Interval>(c.result->ci) : std::nullopt);
  return o;
}

boost::json::object GapComparisonToJson(const GapComparison& c) {
  boost::json::object o;
  o["pairs"] = c.pairs;
  boost::json::object counts;
  for (const auto& [d, n] : c.d_counts) counts[absl::StrCat(d)] = n;
  o["d_counts"] = std::move(counts);
  o["a_gap"] = Opt(c.a_gap);
  o["b_gap"] = Opt(c.b_gap);
  o["mean"] = c.result ? boost::json::value(c.result->mean) : nullptr;
  o["ci95"] = Ci(c.result ? std::optional<Interval>(c.result->ci) : std::nullopt);
  o["sd"] = c.result ? boost::json::value(c.result->sd) : nullptr;
  o["df"] = c.result ? boost::json::value(c.result->df) : nullptr;
  o["t"] = c.result ? Opt(c.result->t) : nullptr;
  return o;
}

boost::json::object ComparisonToJson(const ModelComparison& c, const Summary& s) {
  boost::json::object rates, gaps;
  for (const SettingComparison& sc : c.settings)
    rates[std::string(SettingName(sc.setting))] = SettingComparisonToJson(sc);
  for (const GapComparison& gc : c.gaps)
    gaps[std::string(SettingName(gc.coop))] = GapComparisonToJson(gc);
  return boost::json::object{{"a", s.models[c.a].label},
                             {"b", s.models[c.b].label},
                             {"pass_rate", std::move(rates)},
                             {"gap", std::move(gaps)}};
}

}  // namespace

boost::json::object MethodsToJson() {
  return boost::json::object{
      {"pass_rate_ci95", kPassRateMethodWhy},
      {"gap_ci95", kGapMethodWhy},
      {"comparisons_pass_rate_ci95", kModelDifferenceMethodWhy},
      {"comparisons_gap_ci95", kGapDifferenceMethodWhy},
      {"comparisons_definition",
       "a minus b. pass_rate: per setting, on the pairs both finished (pass or fail), table as "
       "in gap; gap: per coop setting, on the pairs where all four records finished, per pair "
       "d = (a solo - a coop) - (b solo - b coop) with 1 = pass, d_counts pairs per d, mean d = "
       "a_gap - b_gap"},
      {"cost_per_solved_pair_definition", kCostPerSolvedDefinition}};
}

boost::json::object ModelsToJson(const Summary& s) {
  boost::json::object models;
  for (const ModelGroup& g : s.models) models[g.label] = ModelToJson(g);
  return models;
}

boost::json::array ComparisonsToJson(const Summary& s) {
  boost::json::array out;
  for (const ModelComparison& c : s.comparisons) out.push_back(ComparisonToJson(c, s));
  return out;
}

boost::json::object SeveralModelsToJson(const Summary& s) {
  boost::json::object root;
  root["schema"] = 1;
  root["records"] = s.records;
  root["plan_known"] = s.plan_known;
  root["several_models"] =
      "each model (run group) is summarized on its own records under \"models\"; nothing is "
      "pooled across models";
  // The definitions every group shares: the one-group form's texts.
  const boost::json::object first = RunGroupToJson(s.models.front().summary);
  for (const auto& kv : first)
    if (std::string(kv.key()).find("definition") != std::string::npos) root[kv.key()] = kv.value();
  root["methods"] = MethodsToJson();
  root["models"] = ModelsToJson(s);
  root["comparisons"] = ComparisonsToJson(s);
  return root;
}

}  // namespace cb
