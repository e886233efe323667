// The tables behind runner/classify.h, open to its tests: each rule with the
// evidence it cannot decide without, and the driver that skips a rule whose
// evidence is absent before calling it, so that no order of a table can read
// a file that is not there. Pure, like classify.h.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "runner/classify.h"

namespace cb {

// What a rule reads beyond how the process ended (and the log tail and
// submitted_nothing, which it takes as they are, empty or not).
struct RuleNeeds {
  bool result = false;  // AttemptEvidence::result, result.json parsed
  bool eval = false;    // AttemptEvidence::eval, eval.json parsed
};
inline constexpr RuleNeeds kNeedsNothing{false, false};
inline constexpr RuleNeeds kNeedsResult{true, false};
inline constexpr RuleNeeds kNeedsEval{false, true};

struct ClassifyRule {
  std::string_view name;
  RuleNeeds needs;
  // A verdict, or nullopt when the rule does not apply. Called with what
  // `needs` names present.
  std::optional<Verdict> (*decide)(const AttemptEvidence&);
};

// The tables in their order: the first rule that applies decides
// (doc/manual.md, "Tags and reasons").
std::span<const ClassifyRule> AgentRules();  // ClassifyAgents
std::span<const ClassifyRule> EvalRules();   // ClassifyEval

// Whether `evidence` holds everything `needs` names.
bool HasNeeded(const AttemptEvidence& evidence, RuleNeeds needs);

// The first of `rules` that applies, skipping each whose needs are absent;
// infra_error/bad_eval ("eval.json has no both_passed") when none does.
Verdict FirstRule(std::span<const ClassifyRule> rules, const AttemptEvidence& evidence);

}  // namespace cb
