// The pair runner's logic with a fake launcher: attempts, retries, records,
// skipping recorded pairs, fatal errors and interrupts. No processes.
#include "runner/pair_runner.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/attempt_file.h"
#include "core/record_copy.h"
#include "pair_runner_util.h"
#include "test_util.h"
#include "util/file_lock.h"
#include "util/json_read.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

// A launch whose process started; each step says how it ended.
LaunchResult Started() {
  LaunchResult r;
  r.process.started = true;
  return r;
}

// Plays one scripted step per `cooperbench run` (`steps`) and per `cooperbench
// eval` (`eval_steps`; by default the evaluation the run step left, as
// eval.pending, becomes eval.json): writes upstream's files into --log-dir.
class FakeLauncher : public Launcher {
 public:
  using Step = std::function<LaunchResult(const fs::path& upstream_dir)>;
  std::vector<Step> steps;
  std::vector<Step> eval_steps;
  std::vector<ProcessSpec> runs;  // every launch, agents and evaluations
  int agent_runs = 0, eval_runs = 0;
  std::vector<double> sleeps;
  int interrupt = 0;
  int interrupt_during_sleep = 0;  // a signal that arrives while Sleep() waits

  LaunchResult Run(const ProcessSpec& spec) override {
    runs.push_back(spec);
    fs::path log_dir;
    for (size_t i = 0; i + 1 < spec.argv.size(); ++i)
      if (spec.argv[i] == "--log-dir") log_dir = spec.argv[i + 1];
    if (log_dir.empty()) log_dir = spec.cwd / "logs";  // releases before 0.0.12: ./logs
    const fs::path upstream = log_dir / "r-solo" / "solo" / "dspy_task" / "8394" / "f3_f4";
    if (spec.argv.at(1) == "eval") {
      ++eval_runs;
      if (eval_steps.empty()) return EvaluatesWhatTheRunLeft()(upstream);
      return eval_steps.at(std::min<size_t>(eval_runs - 1, eval_steps.size() - 1))(upstream);
    }
    ++agent_runs;
    return steps.at(std::min<size_t>(agent_runs - 1, steps.size() - 1))(upstream);
  }
  bool Sleep(double s) override {
    sleeps.push_back(s);
    if (interrupt_during_sleep != 0) interrupt = interrupt_during_sleep;
    return interrupt == 0;
  }
  int interrupt_signal() const override { return interrupt; }

  static Step EvaluatesWhatTheRunLeft() {
    return [](const fs::path& dir) {
      LaunchResult r = Started();
      r.process.exit_code = 0;
      std::error_code ec;
      fs::copy_file(dir / "eval.pending", dir / "eval.json", fs::copy_options::overwrite_existing,
                    ec);
      return r;
    };
  }
};

LaunchResult Exited(int code) {
  LaunchResult r = Started();
  r.process.exit_code = code;
  r.process.duration_s = 1.5;
  return r;
}

FakeLauncher::Step Writes(const std::string& status, bool both_passed, double cost = 0.25) {
  return [=](const fs::path& dir) {
    fs::create_directories(dir);
    cbtest::WriteText(dir / "result.json",
                      R"({"total_cost": )" + std::to_string(cost) + R"(, "agent": {"status": ")" +
                          status +
                          R"(", "input_tokens": 100, "output_tokens": 7, "error": null}})");
    cbtest::WriteText(dir / "solo.patch", "diff --git a/x b/x\n");
    cbtest::WriteText(dir / "eval.pending",
                      std::string(R"({"both_passed": )") + (both_passed ? "true" : "false") +
                          R"(, "feature1": {"passed": true}, "feature2": {"passed": )" +
                          (both_passed ? "true" : "false") + "}, \"error\": null}");
    return Exited(0);
  };
}

FakeLauncher::Step Crashes() {
  return [](const fs::path&) { return Exited(1); };
}

struct PairRunner : testing::Test {
  cbtest::TempDir dir;
  FakeLauncher launcher;
  cbtest::NoServices services;
  RunConfig config;
  PairJob job;

  void SetUp() override {
    config.cooperbench = "cooperbench";
    config.retries = 2;
    config.backoff_s = 5;
    job.setting = Setting::kSolo;
    job.run_name = "r-solo";
    job.pair = PairId{"dspy_task", 8394, 3, 4};
    job.model = "m";
    job.agent = "a";
    job.backend = "docker";
    job.out_dir = dir / "out";
    job.record = dir / "out/r-solo/dspy_task/task8394/f3_f4.json";
  }
  boost::json::value Record() { return cbtest::ReadJson(job.record); }
};

TEST_F(PairRunner, PassOnFirstAttemptWritesOneRecord) {
  launcher.steps = {Writes("Submitted", true)};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(r.status, PairStatus::kRecorded) << r.message;
  EXPECT_EQ(r.exit_code, 0);
  boost::json::value rec = Record();
  EXPECT_EQ(rec.at("tag"), "pass");
  EXPECT_EQ(rec.at("reason"), "tests_passed");
  EXPECT_EQ(rec.at("schema"), 1);
  EXPECT_EQ(rec.at("setting"), "solo");
  EXPECT_EQ(rec.at("task_id"), 8394);
  EXPECT_EQ(rec.at("features"), (boost::json::array{3, 4}));
  EXPECT_EQ(rec.at("attempts").as_array().size(), 2u) << "the agents, then their evaluation";
  EXPECT_EQ(rec.at("attempts").at(0).at("phase"), "agent");
  EXPECT_EQ(rec.at("attempts").at(1).at("phase"), "eval");
  EXPECT_DOUBLE_EQ(rec.at("cost_usd").as_double(), 0.25);
  EXPECT_EQ(rec.at("tokens").at("input"), 100);
  EXPECT_EQ(rec.at("feature1_passed"), true);
  EXPECT_EQ(r.message,
            "solo dspy/8394 [3,4]: pass (tests_passed), 1 attempt + 1 evaluation, $0.25, 0s");
}

TEST_F(PairRunner, CommandLineFollowsTheContract) {
  launcher.steps = {Writes("Submitted", true)};
  config.dataset_dir = "/data";
  cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(launcher.runs.size(), 2u) << "the agents, then their evaluation";
  const fs::path attempt = dir / "out/logs/r-solo/dspy_task/task8394/f3_f4/attempt-1";
  EXPECT_EQ(launcher.runs[0].argv, (std::vector<std::string>{"cooperbench",
                                                             "run",
                                                             "-n",
                                                             "r-solo",
                                                             "-r",
                                                             "dspy_task",
                                                             "-t",
                                                             "8394",
                                                             "-f",
                                                             "3,4",
                                                             "--setting",
                                                             "solo",
                                                             "-m",
                                                             "m",
                                                             "-a",
                                                             "a",
                                                             "--backend",
                                                             "docker",
                                                             "-c",
                                                             "1",
                                                             "--dataset-dir",
                                                             "/data",
                                                             "--log-dir",
                                                             attempt.string(),
                                                             "--no-auto-eval"}));
  EXPECT_EQ(launcher.runs[0].log_file, attempt / "cooperbench.log");
  EXPECT_EQ(
      launcher.runs[1].argv,
      (std::vector<std::string>{"cooperbench", "eval", "-n", "r-solo", "-r", "dspy_task", "-t",
                                "8394", "-f", "3,4", "--backend", "docker", "-c", "1", "--force",
                                "--dataset-dir", "/data", "--log-dir", attempt.string()}));
  EXPECT_EQ(launcher.runs[1].log_file, attempt / "eval-1" / "cooperbench.log");
  EXPECT_EQ(launcher.runs[1].timeout_s, config.eval_timeout_s);
  EXPECT_EQ(launcher.runs[0].timeout_s, config.timeout_s);
}

TEST_F(PairRunner, ReleaseWithoutLogDirRunsEachAttemptInItsOwnFolder) {
  // 0.0.11 has neither --log-dir nor --dataset-dir: ./logs and ./dataset.
  job.has_log_dir = false;
  job.has_dataset_dir = false;
  launcher.steps = {Crashes(), Writes("Submitted", true)};
  config.dataset_dir = (dir / "data").string();
  fs::create_directories(config.dataset_dir);
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(r.status, PairStatus::kRecorded) << r.message;
  ASSERT_EQ(launcher.runs.size(), 3u);  // crash; agents; their evaluation
  for (int n = 1; n <= 2; ++n) {
    const ProcessSpec& spec = launcher.runs[n - 1];
    const fs::path attempt =
        dir / "out/logs/r-solo/dspy_task/task8394/f3_f4" / ("attempt-" + std::to_string(n));
    EXPECT_EQ(spec.cwd, attempt);
    EXPECT_EQ(std::find(spec.argv.begin(), spec.argv.end(), "--log-dir"), spec.argv.end());
    EXPECT_EQ(std::find(spec.argv.begin(), spec.argv.end(), "--dataset-dir"), spec.argv.end());
    EXPECT_EQ(fs::read_symlink(attempt / "dataset"), fs::path(config.dataset_dir));
  }
  EXPECT_EQ(launcher.runs[2].cwd, launcher.runs[1].cwd) << "the evaluation reads the same ./logs";
  EXPECT_EQ(Record().at("tag"), "pass");
}

TEST_F(PairRunner, CoopSettingsMapToUpstreamFlags) {
  job.setting = Setting::kCoopNocomm;
  auto args = CooperbenchArgs(job, config, PlaceAttempt(job, "/l"));
  EXPECT_NE(std::find(args.begin(), args.end(), "--no-messaging"), args.end());
  EXPECT_EQ(std::find(args.begin(), args.end(), "--redis"), args.end());
  job.setting = Setting::kCoopComm;
  config.redis_url = "redis://127.0.0.1:6391";
  args = CooperbenchArgs(job, config, PlaceAttempt(job, "/l"));
  EXPECT_EQ(std::find(args.begin(), args.end(), "--no-messaging"), args.end());
  auto redis = std::find(args.begin(), args.end(), "--redis");
  ASSERT_NE(redis, args.end());
  EXPECT_EQ(*(redis + 1), "redis://127.0.0.1:6391");
  EXPECT_EQ(*(std::find(args.begin(), args.end(), "--setting") + 1), "coop");
}

TEST_F(PairRunner, CrashTwiceThenPassIsPassWithThreeAttemptsEachInItsOwnFolder) {
  launcher.steps = {Crashes(), Crashes(), Writes("Submitted", true)};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(r.status, PairStatus::kRecorded);
  boost::json::value rec = Record();
  EXPECT_EQ(rec.at("tag"), "pass");
  const auto& attempts = rec.at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 4u);  // three agent attempts, one evaluation
  EXPECT_EQ(attempts[0].at("reason"), "crash");
  EXPECT_EQ(attempts[0].at("exit_code"), 1);
  EXPECT_EQ(attempts[2].at("n"), 3);
  EXPECT_EQ(attempts[2].at("reason"), "agents_finished");
  EXPECT_EQ(attempts[3].at("phase"), "eval");
  EXPECT_EQ(attempts[3].at("evaluates"), 3);
  EXPECT_EQ(rec.at("agent_attempts"), 3);
  EXPECT_EQ(rec.at("eval_attempts"), 1);
  EXPECT_NE(attempts[0].at("log_dir"), attempts[1].at("log_dir"));
  EXPECT_EQ(launcher.sleeps, (std::vector<double>{5, 10}));
}

TEST_F(PairRunner, AlwaysCrashingEndsInfraErrorAfterRetries) {
  launcher.steps = {Crashes()};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(Record().at("tag"), "infra_error");
  EXPECT_EQ(Record().at("reason"), "crash");
  EXPECT_EQ(Record().at("attempts").as_array().size(), 3u);
}

TEST_F(PairRunner, GenuineFailureIsNeverRetried) {
  launcher.steps = {Writes("Submitted", false)};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(launcher.agent_runs, 1);
  EXPECT_EQ(launcher.eval_runs, 1);
  EXPECT_EQ(Record().at("tag"), "fail");
  EXPECT_EQ(Record().at("reason"), "tests_failed");
}

TEST_F(PairRunner, CostSumsOverAllAttempts) {
  launcher.steps = {
      [](const fs::path& dir) {
        fs::create_directories(dir);
        cbtest::WriteText(
            dir / "result.json",
            R"({"total_cost":0.5,"agent":{"status":"Error","error":"RateLimitError"}})");
        return Exited(0);
      },
      Writes("Submitted", true, 0.25)};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_DOUBLE_EQ(Record().at("cost_usd").as_double(), 0.75);
  EXPECT_EQ(Record().at("attempts").at(0).at("reason"), "rate_limited");
}

TEST_F(PairRunner, ExistingRecordIsKeptAndNothingStarts) {
  cbtest::WriteText(job.record, "{\"tag\": \"fail\"}\n");
  launcher.steps = {Writes("Submitted", true)};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(r.status, PairStatus::kAlreadyDone);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(launcher.runs.empty());
  EXPECT_EQ(cbtest::ReadText(job.record), "{\"tag\": \"fail\"}\n");
}

TEST_F(PairRunner, FatalErrorWritesNoRecordAndFailsTheBuild) {
  launcher.steps = {[](const fs::path& dir) {
    fs::create_directories(dir);
    cbtest::WriteText(
        dir / "result.json",
        R"({"agent":{"status":"Error","error":"litellm.AuthenticationError: invalid api key"}})");
    return Exited(0);
  }};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(r.status, PairStatus::kFatal);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(launcher.runs.size(), 1u) << "not retried";
  EXPECT_FALSE(fs::exists(job.record));
  EXPECT_NE(r.message.find("check COHERE_API_KEY"), std::string::npos) << r.message;
}

TEST_F(PairRunner, PermissionDeniedStopsTheBuildNamingTheKeyAndTheModel) {
  launcher.steps = {[](const fs::path& dir) {
    fs::create_directories(dir);
    cbtest::WriteText(dir / "result.json",
                      R"({"agent":{"status":"Error","error":"litellm.PermissionDeniedError: )"
                      R"(CohereException - Error code: 403"}})");
    return Exited(0);
  }};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(r.status, PairStatus::kFatal);
  EXPECT_EQ(launcher.runs.size(), 1u) << "not retried";
  EXPECT_NE(r.message.find("permission_denied"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("COHERE_API_KEY"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("model m"), std::string::npos) << r.message;
}

TEST_F(PairRunner, InterruptWritesNoRecordAndKeepsTheAttemptsLogs) {
  launcher.steps = {[](const fs::path&) {
    LaunchResult r = Started();
    r.process.signal = 2;
    r.interrupt_signal = 2;
    return r;
  }};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(r.status, PairStatus::kInterrupted);
  EXPECT_EQ(r.exit_code, 130);
  EXPECT_FALSE(fs::exists(job.record));
  // The next run takes the next attempt folder; the interrupted one stays,
  // and is counted in the record (its cost unknown: upstream reported nothing).
  launcher.steps = {Writes("Submitted", true)};
  launcher.runs.clear();
  launcher.agent_runs = 0;
  cbtest::RunPairQuietly(job, config, launcher, services);
  const boost::json::value rec = Record();
  const auto& attempts = rec.at("attempts").as_array();
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts.at(0).at("n"), 1);
  EXPECT_EQ(attempts.at(0).at("reason"), "interrupted");
  EXPECT_TRUE(attempts.at(0).at("cost_usd").is_null());
  EXPECT_EQ(attempts.at(1).at("n"), 2);
  EXPECT_EQ(rec.at("cost_unknown_attempts"), 1);
  EXPECT_TRUE(fs::exists(dir / "out/logs/r-solo/dspy_task/task8394/f3_f4/attempt-1"));
}

TEST_F(PairRunner, InterruptDuringBackoffWritesNoRecord) {
  launcher.steps = {Crashes()};
  launcher.interrupt_during_sleep = 15;  // TERM arrives while cbrun waits to retry
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(launcher.agent_runs, 1) << "the first attempt ran, no second one";
  EXPECT_EQ(launcher.sleeps, std::vector<double>{config.backoff_s}) << "it backed off once";
  EXPECT_EQ(r.status, PairStatus::kInterrupted);
  EXPECT_EQ(r.exit_code, 128 + 15);
  EXPECT_FALSE(fs::exists(job.record));
}

TEST_F(PairRunner, CurrentFileExistsOnlyWhileThePairRuns) {
  const fs::path current = dir / "out/logs/r-solo/dspy_task/task8394/f3_f4/current.json";
  bool seen = false;
  launcher.steps = {[&](const fs::path& d) {
    seen = fs::exists(current) && cbtest::ReadJson(current).at("attempt") == 1;
    return Writes("Submitted", true)(d);
  }};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_TRUE(seen);
  EXPECT_FALSE(fs::exists(current));
}

LaunchResult TimedOut(double after_s) {
  LaunchResult r = Started();
  r.process.signal = 15;
  r.process.timed_out = true;
  r.process.duration_s = after_s;
  return r;
}

TEST_F(PairRunner, EvaluationTroubleReRunsOnlyTheEvaluation) {
  // The first evaluation cannot make its sandbox (uncaught docker error, exit 1).
  launcher.steps = {Writes("Submitted", true, 0.4)};
  launcher.eval_steps = {[](const fs::path&) { return Exited(1); },
                         FakeLauncher::EvaluatesWhatTheRunLeft()};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(r.status, PairStatus::kRecorded) << r.message;
  EXPECT_EQ(launcher.agent_runs, 1) << "the agents ran and were paid once";
  EXPECT_EQ(launcher.eval_runs, 2);
  boost::json::value rec = Record();
  EXPECT_EQ(rec.at("tag"), "pass");
  EXPECT_DOUBLE_EQ(rec.at("cost_usd").as_double(), 0.4) << "one agent run's cost";
  EXPECT_EQ(rec.at("agent_attempts"), 1);
  EXPECT_EQ(rec.at("eval_attempts"), 2);
  EXPECT_EQ(rec.at("attempts").at(1).at("tag"), "infra_error");
  EXPECT_EQ(rec.at("attempts").at(1).at("cost_usd").to_number<double>(), 0);
  EXPECT_EQ(r.message,
            "solo dspy/8394 [3,4]: pass (tests_passed), 1 attempt + 2 evaluations, "
            "$0.40, 0s");
  // Each evaluation keeps its own log and its eval.json.
  const fs::path a1 = dir / "out/logs/r-solo/dspy_task/task8394/f3_f4/attempt-1";
  EXPECT_TRUE(fs::exists(a1 / "eval-2" / "eval.json"));
  EXPECT_TRUE(fs::exists(a1 / "eval-1" / "attempt.json"));
}

TEST_F(PairRunner, EvaluationPastEvalTimeoutIsTestsTimeoutNotRetried) {
  launcher.steps = {Writes("Submitted", true)};
  launcher.eval_steps = {[](const fs::path&) { return TimedOut(600); }};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(launcher.agent_runs, 1);
  EXPECT_EQ(launcher.eval_runs, 1);
  EXPECT_EQ(Record().at("tag"), "fail");
  EXPECT_EQ(Record().at("reason"), "tests_timeout");
}

TEST_F(PairRunner, LimitsExceededWithABrokenEvaluationIsEvaluatedAgain) {
  launcher.steps = {Writes("LimitsExceeded", false)};
  launcher.eval_steps = {[](const fs::path&) { return Exited(0); },  // no eval.json
                         FakeLauncher::EvaluatesWhatTheRunLeft()};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(launcher.agent_runs, 1);
  EXPECT_EQ(launcher.eval_runs, 2);
  EXPECT_EQ(Record().at("reason"), "limits_exceeded");
  EXPECT_EQ(Record().at("attempts").at(1).at("reason"), "missing_eval");
}

TEST_F(PairRunner, EvaluationTroubleThatLastsIsRecordedWithoutReRunningTheAgents) {
  config.eval_retries = 1;
  launcher.steps = {Writes("Submitted", true)};
  launcher.eval_steps = {[](const fs::path&) { return Exited(0); }};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(launcher.agent_runs, 1);
  EXPECT_EQ(launcher.eval_runs, 2);
  EXPECT_EQ(Record().at("tag"), "infra_error");
  EXPECT_EQ(Record().at("reason"), "missing_eval");
}

TEST_F(PairRunner, TimedOutAgentAttemptsHaveUnknownCostNeverZero) {
  launcher.steps = {[](const fs::path&) { return TimedOut(4); }};
  cbtest::RunPairQuietly(job, config, launcher, services);
  boost::json::value rec = Record();
  EXPECT_EQ(rec.at("reason"), "timeout");
  ASSERT_EQ(rec.at("attempts").as_array().size(), 3u);
  for (const auto& a : rec.at("attempts").as_array()) EXPECT_TRUE(a.at("cost_usd").is_null());
  EXPECT_EQ(rec.at("cost_unknown_attempts"), 3);
}

TEST_F(PairRunner, AnAttemptBeforeAFatalStopIsInTheNextRecord) {
  launcher.steps = {[](const fs::path& dir) {
    fs::create_directories(dir);
    cbtest::WriteText(dir / "result.json",
                      R"({"total_cost": 0.3, "total_steps": 4, "agent":{"status":"Error",)"
                      R"("error":"litellm.AuthenticationError: invalid api key"}})");
    return Exited(0);
  }};
  ASSERT_EQ(cbtest::RunPairQuietly(job, config, launcher, services).status, PairStatus::kFatal);
  // The key is fixed; the next ninja runs the pair again.
  launcher.steps = {Writes("Submitted", true, 0.25)};
  launcher.agent_runs = 0;
  cbtest::RunPairQuietly(job, config, launcher, services);
  boost::json::value rec = Record();
  EXPECT_EQ(rec.at("attempts").at(0).at("reason"), "auth_failed");
  EXPECT_DOUBLE_EQ(rec.at("cost_usd").as_double(), 0.55) << "every dollar the pair cost";
  EXPECT_EQ(rec.at("agent_attempts"), 2);
}

TEST_F(PairRunner, InterruptedDuringTheEvaluationResumesWithTheEvaluationOnly) {
  launcher.steps = {Writes("Submitted", true)};
  launcher.eval_steps = {[](const fs::path&) {
    LaunchResult r = Started();
    r.process.signal = 2;
    r.interrupt_signal = 2;
    return r;
  }};
  ASSERT_EQ(cbtest::RunPairQuietly(job, config, launcher, services).status,
            PairStatus::kInterrupted);
  launcher.eval_steps.clear();
  launcher.agent_runs = launcher.eval_runs = 0;
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(r.status, PairStatus::kRecorded) << r.message;
  EXPECT_EQ(launcher.agent_runs, 0) << "the agents are not paid again";
  EXPECT_EQ(launcher.eval_runs, 1);
  EXPECT_EQ(Record().at("tag"), "pass");
  EXPECT_EQ(Record().at("eval_attempts"), 2);
}

TEST_F(PairRunner, AReevalRequestEvaluatesTheKeptAgentsAgain) {
  launcher.steps = {Writes("Submitted", false, 0.5)};
  cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(Record().at("tag"), "fail");
  // What `cbgen reeval` does: the record goes, the request stays.
  fs::remove(job.record);
  fs::remove(RecordCopyPath(PairLogDir(job.out_dir, job.run_name, job.pair)));
  ASSERT_TRUE(WriteReevalRequest(PairLogDir(job.out_dir, job.run_name, job.pair), 1).ok());
  launcher.agent_runs = launcher.eval_runs = 0;
  launcher.eval_steps = {[](const fs::path& dir) {
    cbtest::WriteText(dir / "eval.json", R"({"both_passed": true, "error": null})");
    return Exited(0);
  }};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  ASSERT_EQ(r.status, PairStatus::kRecorded) << r.message;
  EXPECT_EQ(launcher.agent_runs, 0);
  EXPECT_EQ(launcher.eval_runs, 1);
  EXPECT_EQ(Record().at("tag"), "pass");
  EXPECT_DOUBLE_EQ(Record().at("cost_usd").as_double(), 0.5) << "the agents' cost, once";
  EXPECT_FALSE(fs::exists(PairLogDir(job.out_dir, job.run_name, job.pair) / kReevalFileName));
}

TEST_F(PairRunner, AnAgentThatSubmittedNothingIsNoSubmission) {
  launcher.steps = {[](const fs::path& dir) {
    Writes("Submitted", false)(dir);
    cbtest::WriteText(dir / "solo.patch", "");
    return Exited(0);
  }};
  cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(Record().at("tag"), "fail");
  EXPECT_EQ(Record().at("reason"), "no_submission");
}

TEST_F(PairRunner, WaitingForAnotherRunnersLockEndsOnCtrlC) {
  absl::StatusOr<FileLock> held = FileLock::Acquire(
      PairLogDir(job.out_dir, job.run_name, job.pair) / ".lock", FileLock::Wait::kBlock);
  ASSERT_TRUE(held.ok());
  launcher.interrupt_during_sleep = 2;
  launcher.steps = {Writes("Submitted", true)};
  PairResult r = cbtest::RunPairQuietly(job, config, launcher, services);
  EXPECT_EQ(r.status, PairStatus::kInterrupted);
  EXPECT_EQ(r.exit_code, 130);
  EXPECT_TRUE(launcher.runs.empty());
}

}  // namespace
}  // namespace cb
