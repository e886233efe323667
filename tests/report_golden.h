// The fixture of report_models_test: a one-model build and what HEAD's
// `cbgen report` printed for it before issue 17 (the golden text and JSON).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/plan_file.h"
#include "results/report_data.h"

namespace cbtest {

// A one-model build of all three settings: two repositories, every tag,
// attempts of unknown cost (with and without a basis), unknown tokens and a
// pass through agent 1's patch alone.
inline cb::RecordRow GoldenRow(cb::Setting s, const std::string& repo, int task, int a, cb::Tag tag,
                               double cost, double duration) {
  cb::RecordRow r;
  r.setting = s;
  r.run_name = std::string("command-a-") + std::string(cb::SettingName(s));
  r.model = "command-a-03-2025";
  r.pair = cb::PairId{repo, task, a, a + 1};
  r.rel_path = r.run_name + "/" + repo + "/task" + std::to_string(task) + "/f" + std::to_string(a) +
               "_f" + std::to_string(a + 1) + ".json";
  r.tag = tag;
  r.reason = tag == cb::Tag::kPass   ? cb::Reason::kTestsPassed
             : tag == cb::Tag::kFail ? cb::Reason::kTestsFailed
                                     : cb::Reason::kTimeout;
  r.cost_usd = cost;
  r.duration_s = duration;
  r.attempts = 1;
  r.agent_attempts = 1;
  r.input_tokens = 1000 + a;
  r.output_tokens = 100 + a;
  r.cooperbench_release = "0.0.23";
  cb::AttemptRow at;
  at.cost_usd = cost;
  at.duration_s = duration;
  r.attempt_list.push_back(at);
  return r;
}

inline std::vector<cb::RecordRow> GoldenRows() {
  using cb::Setting;
  using cb::Tag;
  std::vector<cb::RecordRow> rows;
  const Tag solo[] = {Tag::kPass, Tag::kFail, Tag::kPass, Tag::kInfraError, Tag::kPass, Tag::kFail};
  const Tag comm[] = {Tag::kFail, Tag::kFail, Tag::kPass, Tag::kPass, Tag::kFail, Tag::kFail};
  const Tag nocomm[] = {Tag::kPass, Tag::kFail, Tag::kFail, Tag::kPass};
  for (int i = 0; i < 6; ++i) {
    const std::string repo = i < 4 ? "r_task" : "s_task";
    rows.push_back(
        GoldenRow(Setting::kSolo, repo, 1 + i % 2, 2 * i + 1, solo[i], 0.1 * (i + 1), 10 + i));
    rows.push_back(
        GoldenRow(Setting::kCoopComm, repo, 1 + i % 2, 2 * i + 1, comm[i], 0.2 * (i + 1), 20 + i));
    if (i < 4)
      rows.push_back(GoldenRow(Setting::kCoopNocomm, repo, 1 + i % 2, 2 * i + 1, nocomm[i],
                               0.15 * (i + 1), 15 + i));
  }
  // solo f7_f8: killed by the timeout, cost unknown (basis: solo's known attempts).
  rows[9].cost_unknown_attempts = 1;
  rows[9].attempt_list[0].cost_usd.reset();
  rows[9].cost_usd = 0;
  // coop-comm f5_f6: through agent 1's patch alone.
  rows[7].merge_status = "conflicts";
  rows[7].merge_strategy = "solo-agent1";
  // coop-nocomm f3_f4: no token counts.
  rows[5].input_tokens.reset();
  rows[5].output_tokens.reset();
  rows[5].tokens_unknown_attempts = 1;
  std::sort(rows.begin(), rows.end(),
            [](const cb::RecordRow& x, const cb::RecordRow& y) { return x.rel_path < y.rel_path; });
  return rows;
}

// Every pair in every setting: coop-nocomm has 2 pending.
inline std::vector<cb::PlannedRun> GoldenPlan() {
  std::vector<cb::PlannedRun> plan;
  for (cb::Setting s : cb::AllSettings())
    for (int i = 0; i < 6; ++i) {
      cb::PlannedRun p;
      p.setting = s;
      p.run_name = std::string("command-a-") + std::string(cb::SettingName(s));
      p.pair = cb::PairId{i < 4 ? "r_task" : "s_task", 1 + i % 2, 2 * i + 1, 2 * i + 2};
      p.model = "command-a-03-2025";
      plan.push_back(p);
    }
  std::sort(plan.begin(), plan.end());
  return plan;
}

// What HEAD's `cbgen report` (before issue 17) printed for GoldenRows() and
// GoldenPlan(), byte for byte.
inline constexpr char kGoldenText[] =
    "Results: 16 records in out/ (plan: out/plan.json)\n"
    "Pass rate = pass / (pass + fail): infra errors are excluded from it. Cost counts every attem"
    "pt whose cost is known.\n"
    "\n"
    "setting       pairs   done   pass   fail  infra  pending  pass rate (95% CI)     cost USD   "
    "tokens in/out  median s    p90 s attempts\n"
    "solo              6      6      3      2      1        0  60.0% (23.1-88.2)          1.70   "
    "     6036/636      12.5     14.5     1.00\n"
    "coop-comm         6      6      2      4      0        0  33.3% (9.7-70.0)           4.20   "
    "     6036/636      22.5     24.5     1.00\n"
    "coop-nocomm       6      4      2      2      0        2  50.0% (15.0-85.0)          1.50   "
    "     3013/313      16.5     17.7     1.00\n"
    "total                                                                                7.40\n"
    "Cost unknown for 1 attempt (solo 1), left out of the costs above: they were killed before up"
    "stream reported (a timeout, a crash, an OOM kill), or took steps but reported $0, as upstrea"
    "m does when litellm has no price for the model (register one: LITELLM_MODEL_REGISTRY_PATH na"
    "mes a litellm model-price JSON file).\n"
    "Estimated cost of those attempts: $0.33 (solo $0.33), ESTIMATE, known spend $7.40 + estimate"
    " = $7.73; basis: command-a-03-2025/solo $0.025000 per agent-second, the median of 5 attempts"
    "; an estimate, not a measurement: each attempt of unknown cost (killed before upstream repor"
    "ted: a timeout, a crash, an OOM kill) at its duration times the median known cost per agent-"
    "second of the agent attempts of the same model and setting; unknown where there is no such a"
    "ttempt.\n"
    "Tokens unknown for 1 attempt (coop-nocomm 1), left out of the sums above: the agent reported"
    " no token counts (mini_swe_agent_v2 never fills them); n/a means none known.\n"
    "coop-comm: 2 passes, of which 1 through agent 1's patch alone (the merge of the two patches "
    "conflicted and upstream (0.0.16+) passed the pair on the first agent's patch alone)\n"
    "coop-nocomm: 2 passes, of which 0 through agent 1's patch alone (the merge of the two patche"
    "s conflicted and upstream (0.0.16+) passed the pair on the first agent's patch alone)\n"
    "\n"
    "By repository\n"
    "repository / setting      pairs   done   pass   fail  infra  pending  pass rate (95% CI)    "
    " cost USD   tokens in/out  median s    p90 s attempts\n"
    "r_task solo                   4      4      2      1      1        0  66.7% (20.8-93.9)     "
    "     0.60        4016/416      11.5     12.7     1.00\n"
    "r_task coop-comm              4      4      2      2      0        0  50.0% (15.0-85.0)     "
    "     2.00        4016/416      21.5     22.7     1.00\n"
    "r_task coop-nocomm            4      4      2      2      0        0  50.0% (15.0-85.0)     "
    "     1.50        3013/313      16.5     17.7     1.00\n"
    "s_task solo                   2      2      1      1      0        0  50.0% (9.5-90.5)      "
    "     1.10        2020/220      14.5     14.9     1.00\n"
    "s_task coop-comm              2      2      0      2      0        0  0.0% (0.0-65.8)       "
    "     2.20        2020/220      24.5     24.9     1.00\n"
    "s_task coop-nocomm            2      0      0      0      0        2  -                     "
    "     0.00             0/0         -        -        -\n"
    "\n"
    "Coordination gap: solo pass rate minus coop pass rate, on pairs finished in both\n"
    "  95% CI: Newcombe hybrid score interval for paired proportions (method 10), 95%, determinis"
    "tic\n"
    "  coop-comm    gap +40.0 points (95% CI -16.3 to +72.6) on 5 pairs: solo 60.0%, coop-comm 20"
    ".0% (both pass 1, solo only 2, coop only 0, neither 2)\n"
    "  coop-nocomm  gap +33.3 points (95% CI -31.6 to +71.8) on 3 pairs: solo 66.7%, coop-nocomm "
    "33.3% (both pass 1, solo only 1, coop only 0, neither 1)\n"
    "\n"
    "Difficulty from solo, hardest first\n"
    "  r_task/2                                 solved 0 of 1 solo (0.0%)\n"
    "  s_task/2                                 solved 0 of 1 solo (0.0%)\n"
    "  r_task/1                                 solved 2 of 2 solo (100.0%)\n"
    "  s_task/1                                 solved 1 of 1 solo (100.0%)\n"
    "  pairs solo did not solve (2):\n"
    "    r_task/2 [3,4]  coop-comm: fail  coop-nocomm: fail\n"
    "    s_task/2 [11,12]  coop-comm: fail\n"
    "\n"
    "Failure reasons (fail and infra_error records)\n"
    "  solo         tests_failed         2\n"
    "  solo         timeout              1\n"
    "  coop-comm    tests_failed         4\n"
    "  coop-nocomm  tests_failed         2\n";

inline constexpr char kGoldenJson[] =
    "{\"schema\":1,\"records\":16,\"plan_known\":true,\"pass_rate_definition\":\"pass / (pass + f"
    "ail); infra_error records are excluded\",\"cost_usd\":7.4E0,\"cost_unknown_attempts\":1,\"co"
    "st_definition\":\"cost_usd sums every attempt whose cost is known; cost_unknown_attempts cou"
    "nts the others, left out: they were killed before upstream reported (a timeout, a crash, an "
    "OOM kill), or took steps but reported $0, as upstream does when litellm has no price for the"
    " model (register one: LITELLM_MODEL_REGISTRY_PATH names a litellm model-price JSON file)\","
    "\"cost_estimate\":{\"unknown_attempts\":1,\"estimate_usd\":3.2500000000000007E-1,\"estimated"
    "_attempts\":1,\"basis\":\"command-a-03-2025/solo $0.025000 per agent-second, the median of 5"
    " attempts\",\"method\":\"an estimate, not a measurement: each attempt of unknown cost (kille"
    "d before upstream reported: a timeout, a crash, an OOM kill) at its duration times the media"
    "n known cost per agent-second of the agent attempts of the same model and setting; unknown w"
    "here there is no such attempt\"},\"cooperbench_releases\":[\"0.0.23\"],\"mixed_releases\":fa"
    "lse,\"tokens_unknown_attempts\":1,\"tokens_definition\":\"tokens sum the attempts with known"
    " counts (null: none known); tokens_unknown_attempts counts the others, left out: the agent r"
    "eported no token counts (mini_swe_agent_v2 never fills them); n/a means none known\",\"pass_"
    "agent1_alone_definition\":\"coop passes whose eval.json merge.strategy is \\\"solo-agent1"
    "\\\": the merge of the two patches conflicted and upstream (0.0.16+) passed the pair on the "
    "first agent's patch alone (null for solo)\",\"settings\":{\"solo\":{\"pairs\":6,\"done\":6,"
    "\"pass\":3,\"fail\":2,\"infra_error\":1,\"pending\":0,\"pass_rate\":6E-1,\"pass_rate_ci95\":"
    "[2.307242812760128E-1,8.82379225767352E-1],\"pass_agent1_alone\":null,\"cost_usd\":1.7000000"
    "000000002E0,\"cost_unknown_attempts\":1,\"cost_estimate_usd\":3.2500000000000007E-1,\"agent_"
    "attempts\":6,\"eval_attempts\":0,\"tokens\":{\"input\":6036,\"output\":636},\"tokens_unknown"
    "_attempts\":0,\"duration_s\":{\"median\":1.25E1,\"p90\":1.45E1},\"mean_attempts\":1E0},\"coo"
    "p-comm\":{\"pairs\":6,\"done\":6,\"pass\":2,\"fail\":4,\"infra_error\":0,\"pending\":0,\"pas"
    "s_rate\":3.333333333333333E-1,\"pass_rate_ci95\":[9.677141110578041E-2,7.00006684861608E-1],"
    "\"pass_agent1_alone\":1,\"cost_usd\":4.2E0,\"cost_unknown_attempts\":0,\"cost_estimate_usd\""
    ":0E0,\"agent_attempts\":6,\"eval_attempts\":0,\"tokens\":{\"input\":6036,\"output\":636},\"t"
    "okens_unknown_attempts\":0,\"duration_s\":{\"median\":2.25E1,\"p90\":2.45E1},\"mean_attempts"
    "\":1E0},\"coop-nocomm\":{\"pairs\":6,\"done\":4,\"pass\":2,\"fail\":2,\"infra_error\":0,\"pe"
    "nding\":2,\"pass_rate\":5E-1,\"pass_rate_ci95\":[1.5003898915214947E-1,8.499610108478506E-1]"
    ",\"pass_agent1_alone\":0,\"cost_usd\":1.5E0,\"cost_unknown_attempts\":0,\"cost_estimate_usd"
    "\":0E0,\"agent_attempts\":4,\"eval_attempts\":0,\"tokens\":{\"input\":3013,\"output\":313},"
    "\"tokens_unknown_attempts\":1,\"duration_s\":{\"median\":1.65E1,\"p90\":1.77E1},\"mean_attem"
    "pts\":1E0}},\"repos\":{\"r_task\":{\"solo\":{\"pairs\":4,\"done\":4,\"pass\":2,\"fail\":1,\""
    "infra_error\":1,\"pending\":0,\"pass_rate\":6.666666666666666E-1,\"pass_rate_ci95\":[2.07659"
    "6008020477E-1,9.385080552796037E-1],\"pass_agent1_alone\":null,\"cost_usd\":6.00000000000000"
    "1E-1,\"cost_unknown_attempts\":1,\"cost_estimate_usd\":3.2500000000000007E-1,\"agent_attempt"
    "s\":4,\"eval_attempts\":0,\"tokens\":{\"input\":4016,\"output\":416},\"tokens_unknown_attemp"
    "ts\":0,\"duration_s\":{\"median\":1.15E1,\"p90\":1.27E1},\"mean_attempts\":1E0},\"coop-comm"
    "\":{\"pairs\":4,\"done\":4,\"pass\":2,\"fail\":2,\"infra_error\":0,\"pending\":0,\"pass_rate"
    "\":5E-1,\"pass_rate_ci95\":[1.5003898915214947E-1,8.499610108478506E-1],\"pass_agent1_alone"
    "\":1,\"cost_usd\":2E0,\"cost_unknown_attempts\":0,\"cost_estimate_usd\":0E0,\"agent_attempts"
    "\":4,\"eval_attempts\":0,\"tokens\":{\"input\":4016,\"output\":416},\"tokens_unknown_attempt"
    "s\":0,\"duration_s\":{\"median\":2.15E1,\"p90\":2.27E1},\"mean_attempts\":1E0},\"coop-nocomm"
    "\":{\"pairs\":4,\"done\":4,\"pass\":2,\"fail\":2,\"infra_error\":0,\"pending\":0,\"pass_rate"
    "\":5E-1,\"pass_rate_ci95\":[1.5003898915214947E-1,8.499610108478506E-1],\"pass_agent1_alone"
    "\":0,\"cost_usd\":1.5E0,\"cost_unknown_attempts\":0,\"cost_estimate_usd\":0E0,\"agent_attemp"
    "ts\":4,\"eval_attempts\":0,\"tokens\":{\"input\":3013,\"output\":313},\"tokens_unknown_attem"
    "pts\":1,\"duration_s\":{\"median\":1.65E1,\"p90\":1.77E1},\"mean_attempts\":1E0}},\"s_task\""
    ":{\"solo\":{\"pairs\":2,\"done\":2,\"pass\":1,\"fail\":1,\"infra_error\":0,\"pending\":0,\"p"
    "ass_rate\":5E-1,\"pass_rate_ci95\":[9.453120573423074E-2,9.054687942657693E-1],\"pass_agent1"
    "_alone\":null,\"cost_usd\":1.1E0,\"cost_unknown_attempts\":0,\"cost_estimate_usd\":0E0,\"age"
    "nt_attempts\":2,\"eval_attempts\":0,\"tokens\":{\"input\":2020,\"output\":220},\"tokens_unkn"
    "own_attempts\":0,\"duration_s\":{\"median\":1.45E1,\"p90\":1.49E1},\"mean_attempts\":1E0},\""
    "coop-comm\":{\"pairs\":2,\"done\":2,\"pass\":0,\"fail\":2,\"infra_error\":0,\"pending\":0,\""
    "pass_rate\":0E0,\"pass_rate_ci95\":[0E0,6.576197724933469E-1],\"pass_agent1_alone\":0,\"cost"
    "_usd\":2.2E0,\"cost_unknown_attempts\":0,\"cost_estimate_usd\":0E0,\"agent_attempts\":2,\"ev"
    "al_attempts\":0,\"tokens\":{\"input\":2020,\"output\":220},\"tokens_unknown_attempts\":0,\"d"
    "uration_s\":{\"median\":2.45E1,\"p90\":2.49E1},\"mean_attempts\":1E0},\"coop-nocomm\":{\"pai"
    "rs\":2,\"done\":0,\"pass\":0,\"fail\":0,\"infra_error\":0,\"pending\":2,\"pass_rate\":null,"
    "\"pass_rate_ci95\":null,\"pass_agent1_alone\":0,\"cost_usd\":0E0,\"cost_unknown_attempts\":0"
    ",\"cost_estimate_usd\":0E0,\"agent_attempts\":0,\"eval_attempts\":0,\"tokens\":{\"input\":0,"
    "\"output\":0},\"tokens_unknown_attempts\":0,\"duration_s\":{\"median\":null,\"p90\":null},\""
    "mean_attempts\":null}}},\"gap\":{\"method\":\"Newcombe hybrid score interval for paired prop"
    "ortions (method 10), 95%, deterministic\",\"definition\":\"solo pass rate minus coop pass ra"
    "te, on pairs finished (pass or fail) in both\",\"coop-comm\":{\"pairs\":5,\"table\":{\"both_"
    "pass\":1,\"solo_only\":2,\"coop_only\":0,\"neither\":2},\"solo_pass_rate\":6E-1,\"coop_pass_"
    "rate\":2E-1,\"gap\":3.9999999999999997E-1,\"ci95\":[-1.6261479448193844E-1,7.264361648748667"
    "E-1]},\"coop-nocomm\":{\"pairs\":3,\"table\":{\"both_pass\":1,\"solo_only\":1,\"coop_only\":"
    "0,\"neither\":1},\"solo_pass_rate\":6.666666666666666E-1,\"coop_pass_rate\":3.33333333333333"
    "3E-1,\"gap\":3.333333333333333E-1,\"ci95\":[-3.1580068443749126E-1,7.17775111924084E-1]}},\""
    "difficulty\":{\"pairs\":[{\"repo\":\"r_task\",\"task_id\":2,\"features\":[3,4],\"solo\":\"fa"
    "il\",\"coop-comm\":\"fail\",\"coop-nocomm\":\"fail\"},{\"repo\":\"s_task\",\"task_id\":2,\"f"
    "eatures\":[11,12],\"solo\":\"fail\",\"coop-comm\":\"fail\"},{\"repo\":\"r_task\",\"task_id\""
    ":1,\"features\":[1,2],\"solo\":\"pass\",\"coop-comm\":\"fail\",\"coop-nocomm\":\"pass\"},{\""
    "repo\":\"r_task\",\"task_id\":1,\"features\":[5,6],\"solo\":\"pass\",\"coop-comm\":\"pass\","
    "\"coop-nocomm\":\"fail\"},{\"repo\":\"s_task\",\"task_id\":1,\"features\":[9,10],\"solo\":\""
    "pass\",\"coop-comm\":\"fail\"}],\"tasks\":[{\"repo\":\"r_task\",\"task_id\":2,\"solved_solo"
    "\":0,\"finished_solo\":1,\"solved_share\":0E0},{\"repo\":\"s_task\",\"task_id\":2,\"solved_s"
    "olo\":0,\"finished_solo\":1,\"solved_share\":0E0},{\"repo\":\"r_task\",\"task_id\":1,\"solve"
    "d_solo\":2,\"finished_solo\":2,\"solved_share\":1E0},{\"repo\":\"s_task\",\"task_id\":1,\"so"
    "lved_solo\":1,\"finished_solo\":1,\"solved_share\":1E0}]},\"reasons\":{\"solo\":{\"tests_fai"
    "led\":2,\"timeout\":1},\"coop-comm\":{\"tests_failed\":4},\"coop-nocomm\":{\"tests_failed\":"
    "2}}}";

}  // namespace cbtest
