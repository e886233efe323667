// What a record says about cost, tokens and the coop merge: unknown is null,
// never 0 (upstream's mini_swe_agent_v2 fills no token counts, and a model
// litellm cannot price costs a silent $0); the eval's merge facts are kept;
// records written before these fields still load as they always did.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <set>

#include "core/record.h"
#include "pair_runner_util.h"
#include "results/report_data.h"
#include "runner/attempt_files.h"
#include "runner/pair_runner.h"
#include "test_util.h"
#include "util/json_read.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

AttemptEvidence WithResult(const std::string& result_json) {
  AttemptEvidence e;
  e.result = boost::json::parse(result_json);
  return e;
}

// result.json of a solo attempt as upstream writes it (runner/solo.py).
std::string Solo(const std::string& cost, int steps, const std::string& in,
                 const std::string& out) {
  return R"({"total_cost": )" + cost + R"(, "total_steps": )" + std::to_string(steps) +
         R"(, "agent": {"status": "Submitted", "cost": )" + cost + R"(, "steps": )" +
         std::to_string(steps) + R"(, "input_tokens": )" + in + R"(, "output_tokens": )" + out +
         R"(, "cache_read_tokens": 0, "cache_write_tokens": 0, "patch_lines": 3, "error": null}})";
}

TEST(AttemptUsage, ZeroTokensFromAnAgentThatTookStepsAreUnknown) {
  // mini_swe_agent_v2 on every release: cost filled, tokens 0.
  AttemptUsage u = UsageOf(WithResult(Solo("0.42", 12, "0", "0")));
  ASSERT_TRUE(u.cost_usd.has_value());
  EXPECT_DOUBLE_EQ(*u.cost_usd, 0.42);
  EXPECT_FALSE(u.input_tokens.has_value());
  EXPECT_FALSE(u.output_tokens.has_value());
}

TEST(AttemptUsage, RealCountsAreKeptAndSummedOverCoopAgents) {
  AttemptUsage u = UsageOf(WithResult(Solo("0.42", 12, "1000", "200")));
  EXPECT_EQ(u.input_tokens, 1000);
  EXPECT_EQ(u.output_tokens, 200);
  // A count > 0 on one side is a real count even when the other is 0.
  u = UsageOf(WithResult(Solo("0.42", 12, "1000", "0")));
  EXPECT_EQ(u.input_tokens, 1000);
  EXPECT_EQ(u.output_tokens, 0);

  u = UsageOf(WithResult(R"({"total_cost": 0.3, "total_steps": 9, "agents": {
      "agent1": {"status": "Submitted", "cost": 0.1, "steps": 4, "input_tokens": 10, "output_tokens": 2},
      "agent2": {"status": "Submitted", "cost": 0.2, "steps": 5, "input_tokens": 30, "output_tokens": 4}}})"));
  EXPECT_DOUBLE_EQ(*u.cost_usd, 0.3);
  EXPECT_EQ(u.input_tokens, 40);
  EXPECT_EQ(u.output_tokens, 6);
}

TEST(AttemptUsage, OneCoopAgentWithoutCountsMakesTheAttemptUnknown) {
  AttemptUsage u = UsageOf(WithResult(R"({"total_cost": 0.3, "total_steps": 9, "agents": {
      "agent1": {"status": "Submitted", "steps": 4, "input_tokens": 10, "output_tokens": 2},
      "agent2": {"status": "Submitted", "steps": 5, "input_tokens": 0, "output_tokens": 0}}})"));
  EXPECT_FALSE(u.input_tokens.has_value()) << "a partial sum is not the attempt's count";
  EXPECT_FALSE(u.output_tokens.has_value());
}

TEST(AttemptUsage, AbsentFieldsAreUnknownAndNoStepsMeansARealZero) {
  // No token fields at all.
  AttemptUsage u = UsageOf(WithResult(R"({"total_cost": 0.5, "agent": {"status": "Error"}})"));
  EXPECT_FALSE(u.input_tokens.has_value());
  EXPECT_DOUBLE_EQ(*u.cost_usd, 0.5);
  // No agent object.
  u = UsageOf(WithResult(R"({"total_cost": 0.5})"));
  EXPECT_FALSE(u.input_tokens.has_value());
  // No result.json (a timeout, a crash, an OOM kill): killed before upstream
  // reported, often after spending the most: unknown, never $0.
  u = UsageOf(AttemptEvidence{});
  EXPECT_FALSE(u.input_tokens.has_value());
  EXPECT_FALSE(u.cost_usd.has_value());
  // Only an attempt that provably made no model call is a known $0: cooperbench
  // did not start, or argparse refused the command line.
  AttemptEvidence not_started;
  not_started.process.started = false;
  EXPECT_EQ(UsageOf(not_started).cost_usd, 0.0);
  AttemptEvidence refused;
  refused.process.exit_code = 2;
  refused.log_tail = {"usage: cooperbench run [-h] ...",
                      "cooperbench run: error: unrecognized arguments: --x"};
  EXPECT_EQ(UsageOf(refused).cost_usd, 0.0);
  // An agent that took no steps (it failed before its first model call): 0 is true.
  u = UsageOf(WithResult(Solo("0", 0, "0", "0")));
  EXPECT_EQ(u.input_tokens, 0);
  EXPECT_EQ(u.output_tokens, 0);
  EXPECT_EQ(u.cost_usd, 0.0);
  // An agent without its own "steps" is judged by total_steps.
  u = UsageOf(WithResult(
      R"({"total_cost": 0.1, "total_steps": 3, "agent": {"input_tokens": 0, "output_tokens": 0}})"));
  EXPECT_FALSE(u.input_tokens.has_value());
}

TEST(AttemptUsage, ZeroCostAfterStepsIsUnknown) {
  // A model litellm cannot price: upstream's ignore_errors turns it into $0.
  AttemptUsage u = UsageOf(WithResult(Solo("0", 12, "0", "0")));
  EXPECT_FALSE(u.cost_usd.has_value());
  u = UsageOf(WithResult(Solo("0.0", 12, "0", "0")));
  EXPECT_FALSE(u.cost_usd.has_value());
  // Steps only in an agent, total_steps absent; total_cost absent or null.
  u = UsageOf(WithResult(R"({"agents": {"agent1": {"steps": 2}, "agent2": {"steps": 0}}})"));
  EXPECT_FALSE(u.cost_usd.has_value());
  u = UsageOf(WithResult(R"({"total_cost": null, "total_steps": 7})"));
  EXPECT_FALSE(u.cost_usd.has_value());
  // A corrupt cost after steps is unknown too; without steps it stays $0.
  u = UsageOf(WithResult(R"({"total_cost": -3, "total_steps": 7})"));
  EXPECT_FALSE(u.cost_usd.has_value());
  u = UsageOf(WithResult(R"({"total_cost": -3, "total_steps": 0})"));
  EXPECT_EQ(u.cost_usd, 0.0);
}

AttemptRecord Attempt(int n, std::optional<double> cost, std::optional<long long> in,
                      std::optional<long long> out) {
  AttemptRecord a;
  a.n = n;
  a.tag = Tag::kInfraError;
  a.reason = cb::Reason::kCrash;
  a.cost_usd = cost;
  a.input_tokens = in;
  a.output_tokens = out;
  return a;
}

Record CoopRecord() {
  Record r;
  r.tag = Tag::kPass;
  r.reason = cb::Reason::kTestsPassed;
  r.setting = Setting::kCoopComm;
  r.run_name = "command-a-coop-comm";
  r.pair = PairId{"dspy_task", 8394, 3, 4};
  return r;
}

TEST(RecordJson, UnknownCostAndTokensAreNullAndLeftOutOfTheSums) {
  Record r = CoopRecord();
  r.attempts = {Attempt(1, std::nullopt, std::nullopt, std::nullopt), Attempt(2, 0.25, 100, 7),
                Attempt(3, 0.5, std::nullopt, std::nullopt)};
  r.feature1_passed = true;
  r.feature2_passed = true;
  r.merge_status = "conflicts";
  r.merge_strategy = "solo-agent1";
  const boost::json::value j = r.ToJson();
  EXPECT_DOUBLE_EQ(j.at("cost_usd").as_double(), 0.75);
  EXPECT_EQ(j.at("cost_unknown_attempts"), 1);
  EXPECT_EQ(j.at("tokens"), (boost::json::object{{"input", 100}, {"output", 7}}));
  EXPECT_EQ(j.at("tokens_unknown_attempts"), 2);
  EXPECT_EQ(j.at("merge_status"), "conflicts");
  EXPECT_EQ(j.at("merge_strategy"), "solo-agent1");
  EXPECT_EQ(j.at("schema"), 1) << "new fields only: old readers still read the record";
  const boost::json::value& a1 = j.at("attempts").at(0);
  EXPECT_TRUE(a1.at("cost_usd").is_null());
  EXPECT_TRUE(a1.at("tokens").at("input").is_null());
  EXPECT_TRUE(a1.at("tokens").at("output").is_null());
  EXPECT_DOUBLE_EQ(j.at("attempts").at(1).at("cost_usd").as_double(), 0.25);

  // Read back by the report.
  absl::StatusOr<RecordRow> row = ParseRecord(j, "x.json");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_DOUBLE_EQ(row->cost_usd, 0.75);
  EXPECT_EQ(row->cost_unknown_attempts, 1);
  EXPECT_EQ(row->input_tokens, 100);
  EXPECT_EQ(row->tokens_unknown_attempts, 2);
  EXPECT_EQ(row->merge_status, "conflicts");
  EXPECT_EQ(row->merge_strategy, "solo-agent1");
}

TEST(RecordJson, NoKnownTokensIsNullAndSoloHasNoMergeFacts) {
  Record r = CoopRecord();
  r.setting = Setting::kSolo;
  r.attempts = {Attempt(1, 0.1, std::nullopt, std::nullopt)};
  const boost::json::value j = r.ToJson();
  EXPECT_TRUE(j.at("tokens").at("input").is_null());
  EXPECT_TRUE(j.at("tokens").at("output").is_null());
  EXPECT_EQ(j.at("cost_unknown_attempts"), 0);
  EXPECT_TRUE(j.at("merge_status").is_null());
  EXPECT_TRUE(j.at("merge_strategy").is_null());
  absl::StatusOr<RecordRow> row = ParseRecord(j, "x.json");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_FALSE(row->input_tokens.has_value());
  EXPECT_FALSE(row->output_tokens.has_value());
  EXPECT_EQ(row->tokens_unknown_attempts, 1);
  EXPECT_FALSE(row->merge_status.has_value());
}

TEST(RecordJson, OldRecordsLoadAsBefore) {
  // Written before cost_unknown_attempts, tokens_unknown_attempts and the merge facts.
  const std::string old = R"({"schema":1,"tag":"pass","reason":"tests_passed","detail":"",
      "setting":"coop-comm","run_name":"command-a-coop-comm","repo":"dspy_task","task_id":8394,
      "features":[3,4],"model":"command-a-03-2025","agent":"mini_swe_agent","backend":"docker",
      "cost_usd":0.42,"tokens":{"input":123456,"output":7890},"duration_s":412.5,
      "started_at":"2026-01-01T00:00:00Z","finished_at":"2026-01-01T00:07:00Z",
      "feature1_passed":true,"feature2_passed":true,
      "attempts":[{"n":1,"started_at":"2026-01-01T00:00:00Z","duration_s":410.2,"exit_code":0,
                   "tag":"pass","reason":"tests_passed","detail":"","cost_usd":0.42,
                   "tokens":{"input":123456,"output":7890},"log_dir":"x"}]})";
  absl::StatusOr<RecordRow> row = ParseRecord(boost::json::parse(old), "old.json");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_DOUBLE_EQ(row->cost_usd, 0.42);
  EXPECT_EQ(row->cost_unknown_attempts, 0);
  EXPECT_EQ(row->input_tokens, 123456);
  EXPECT_EQ(row->output_tokens, 7890);
  EXPECT_EQ(row->tokens_unknown_attempts, 0);
  EXPECT_EQ(row->feature1_passed, true);
  EXPECT_FALSE(row->merge_status.has_value());
  EXPECT_FALSE(row->merge_strategy.has_value());
  EXPECT_FALSE(row->messages_sent.has_value()) << "older records: messages unknown";
  // Older still: no tokens at all reads as 0, as it always did.
  absl::StatusOr<RecordRow> bare =
      ParseRecord(boost::json::parse(R"({"tag":"fail","setting":"solo","repo":"r","task_id":1,
                             "features":[1,2],"cost_usd":0})"),
                  "bare.json");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->input_tokens, 0);
  EXPECT_EQ(bare->output_tokens, 0);
}

// ---- The pair runner copies the usage and the merge facts into the record. ----

class WritingLauncher : public Launcher {
 public:
  std::string result, eval;
  LaunchResult Run(const ProcessSpec& spec) override {
    fs::path log_dir;
    for (size_t i = 0; i + 1 < spec.argv.size(); ++i)
      if (spec.argv[i] == "--log-dir") log_dir = spec.argv[i + 1];
    if (log_dir.empty()) log_dir = spec.cwd / "logs";
    const fs::path dir = log_dir / "r-coop-comm" / "coop" / "dspy_task" / "8394" / "f3_f4";
    fs::create_directories(dir);
    cbtest::WriteText(dir / "result.json", result);
    cbtest::WriteText(dir / "eval.json", eval);
    LaunchResult r;
    r.process.started = true;
    r.process.exit_code = 0;
    r.process.duration_s = 1;
    return r;
  }
  bool Sleep(double) override { return true; }
  int interrupt_signal() const override { return 0; }
};

TEST(RecordFromRun, CoopPassThroughAgent1AloneWithUnknownTokensAndCost) {
  cbtest::TempDir dir;
  WritingLauncher launcher;
  // Upstream 0.0.16+: the merge conflicted, agent 1's patch alone passed both
  // suites; an unpriced model and mini_swe_agent_v2's zero tokens.
  launcher.result = R"({"total_cost": 0, "total_steps": 30, "agents": {
      "agent1": {"feature_id": 3, "status": "Submitted", "cost": 0, "steps": 14,
                 "input_tokens": 0, "output_tokens": 0, "error": null},
      "agent2": {"feature_id": 4, "status": "Submitted", "cost": 0, "steps": 16,
                 "input_tokens": 0, "output_tokens": 0, "error": null}}, "messages_sent": 2})";
  launcher.eval = R"({"setting": "coop", "apply_status": {"agent1": "applied", "agent2": "applied"},
      "merge": {"status": "conflicts", "strategy": "solo-agent1", "diff": ""},
      "feature1": {"passed": true}, "feature2": {"passed": true}, "both_passed": true,
      "error": null})";
  cbtest::NoServices services;
  RunConfig config;
  config.cooperbench = "cooperbench";
  PairJob job;
  job.setting = Setting::kCoopComm;
  job.run_name = "r-coop-comm";
  job.pair = PairId{"dspy_task", 8394, 3, 4};
  job.model = "m";
  job.agent = "mini_swe_agent_v2";
  job.backend = "docker";
  job.out_dir = dir / "out";
  job.record = dir / "out/r-coop-comm/dspy_task/task8394/f3_f4.json";
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(r.status, PairStatus::kRecorded) << r.message;
  const boost::json::value rec = cbtest::ReadJson(job.record);
  EXPECT_EQ(rec.at("tag"), "pass");
  EXPECT_EQ(rec.at("feature1_passed"), true);
  EXPECT_EQ(rec.at("feature2_passed"), true);
  EXPECT_EQ(rec.at("merge_status"), "conflicts");
  EXPECT_EQ(rec.at("merge_strategy"), "solo-agent1");
  EXPECT_TRUE(rec.at("tokens").at("input").is_null());
  EXPECT_TRUE(rec.at("tokens").at("output").is_null());
  EXPECT_EQ(rec.at("tokens_unknown_attempts"), 1);
  EXPECT_DOUBLE_EQ(rec.at("cost_usd").to_number<double>(), 0);
  EXPECT_EQ(rec.at("cost_unknown_attempts"), 1);
  EXPECT_TRUE(rec.at("attempts").at(0).at("cost_usd").is_null());
  // result.json's messages_sent, from the agent attempt (the evaluation has none).
  EXPECT_EQ(rec.at("messages_sent"), 2);
  EXPECT_EQ(rec.at("attempts").at(0).at("messages_sent"), 2);
  EXPECT_FALSE(rec.at("attempts").at(1).as_object().contains("messages_sent"));
  absl::StatusOr<RecordRow> row = ParseRecord(rec, "r.json");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->messages_sent, 2);
}

// The words records store are the enum's, both ways, and nothing else parses.
TEST(Reason, EveryWordRoundTripsAndStrangersDoNot) {
  const std::vector<std::string> words = AllReasonNames();
  EXPECT_EQ(words.size(), std::set<std::string>(words.begin(), words.end()).size());
  for (const std::string& word : words) {
    std::optional<Reason> reason = ParseReason(word);
    ASSERT_TRUE(reason.has_value()) << word;
    EXPECT_EQ(ReasonName(*reason), word);
  }
  EXPECT_EQ(ParseReason("tests_failed"), Reason::kTestsFailed);
  EXPECT_FALSE(ParseReason("Tests_Failed").has_value());
  EXPECT_FALSE(ParseReason("").has_value());
  EXPECT_EQ(ParseTag("infra_error"), Tag::kInfraError);
  EXPECT_FALSE(ParseTag("error").has_value());
}

}  // namespace
}  // namespace cb
