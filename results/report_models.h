// Several models in one OUT (issue 17): records and planned runs split into
// run groups (one per run prefix), each group summarized on its own records
// alone, and every two groups compared on the pairs both ran. Pure. The
// structures are report_summary.h's (ModelGroup, ModelComparison, ...).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/string_view.h"
#include "results/report_summary.h"

namespace cb {

// "command-a-coop-comm" -> "command-a": the run name without its setting
// suffix (cbgen names runs PREFIX-solo, PREFIX-coop-comm, PREFIX-coop-nocomm);
// a bare setting name gives ""; a name without a setting suffix is its own
// prefix.
std::string RunPrefixOf(absl::string_view run_name);

// The run groups of `rows` and `planned`, each summarized alone (with its own
// part of the plan), labelled and sorted by label. Always at least one group.
// A record without a run name (hand-made, or older) joins the group that plans
// its (setting, pair) when exactly one does, else the only group there is,
// else a group of unnamed runs.
std::vector<ModelGroup> GroupByRunPrefix(const std::vector<RecordRow>& rows,
                                         const std::optional<std::vector<PlannedRun>>& planned);

CostPerSolved CostPerSolvedOf(const GroupStats& g);

// Every two groups (a < b), on their finished records.
std::vector<ModelComparison> CompareModels(const std::vector<ModelGroup>& groups);

// JSON parts. "methods": which interval each number has and why;
// "models": {LABEL: {"model", "run_prefix", "settings": {SETTING: {today's
// fields, "cost_with_estimate_usd", "cost_per_solved_pair_usd"}}, "gap",
// "repos", "difficulty", "reasons", the group's totals}}; "comparisons":
// [{"a", "b", "pass_rate": {SETTING: ...}, "gap": {COOP: ...}}].
boost::json::object MethodsToJson();
boost::json::object ModelsToJson(const Summary& s);
boost::json::array ComparisonsToJson(const Summary& s);
// The document of a summary of several groups: no pooled numbers.
boost::json::object SeveralModelsToJson(const Summary& s);

}  // namespace cb
