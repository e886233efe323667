// Helpers of the HTML report's tests (pair_page_test, report_html_test):
// records whose attempt folders hold what upstream (or the test double) left,
// and the report written from them as `cbgen report --html` writes it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "core/attempt_file.h"
#include "core/record.h"
#include "results/pair_page_files.h"
#include "results/report_summary.h"
#include "test_util.h"

namespace cbtest {

inline size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// A record of `pair` in `setting` with one agent attempt (cost `cost`) and its
// evaluation; returns the agent attempt's folder (the --log-dir upstream wrote into).
inline std::filesystem::path WriteRecordWithAttempt(const std::filesystem::path& out,
                                                    cb::Setting setting, const cb::PairId& pair,
                                                    cb::Tag tag, std::optional<double> cost,
                                                    const std::string& prefix = "command-a") {
  cb::Record r;
  r.setting = setting;
  r.run_name = prefix + "-" + std::string(cb::SettingName(setting));
  r.model = prefix;
  r.pair = pair;
  r.tag = tag;
  r.reason = tag == cb::Tag::kPass ? cb::Reason::kTestsPassed : cb::Reason::kTestsFailed;
  const std::filesystem::path dir = cb::AgentAttemptDir(cb::PairLogDir(out, r.run_name, pair), 1);
  cb::AttemptRecord agent;
  agent.n = 1;
  agent.tag = tag;
  agent.reason = cb::Reason::kAgentsFinished;
  agent.cost_usd = cost;
  agent.log_dir = dir.string();
  if (setting != cb::Setting::kSolo)
    agent.messages_sent = setting == cb::Setting::kCoopComm ? 2 : 0;
  cb::AttemptRecord eval = agent;
  eval.phase = cb::Phase::kEval;
  eval.evaluates = 1;
  eval.cost_usd = 0;
  eval.reason = r.reason;
  eval.log_dir = cb::EvalAttemptDir(dir, 1).string();
  r.attempts = {agent, eval};
  if (setting != cb::Setting::kSolo) r.merge_status = tag == cb::Tag::kPass ? "clean" : "conflicts";
  EXPECT_TRUE(cb::WriteRecord(cb::RecordPath(out, r.run_name, pair), r).ok());
  std::filesystem::create_directories(dir);
  return dir;
}

// Upstream's folder of the pair inside an attempt's --log-dir.
inline std::filesystem::path UpstreamDir(const std::filesystem::path& attempt, cb::Setting setting,
                                         const cb::PairId& pair,
                                         const std::string& prefix = "command-a") {
  return cb::UpstreamPairDir(attempt, prefix + "-" + std::string(cb::SettingName(setting)),
                             cb::UpstreamSetting(setting), pair);
}

// The test double's agents and evaluation, as cbrun runs them, into `attempt`.
inline void RunDouble(const std::filesystem::path& attempt, cb::Setting setting,
                      const cb::PairId& pair) {
  const std::string common = " -n " + std::string("command-a-") +
                             std::string(cb::SettingName(setting)) + " -r " + pair.repo + " -t " +
                             std::to_string(pair.task_id) + " -f " +
                             std::to_string(pair.feature_a) + "," + std::to_string(pair.feature_b) +
                             " --backend modal -c 1 --log-dir " + cbtest::Sh(attempt.string());
  std::string run = cbtest::Sh(cbtest::FakeCooperbench()) + " run" + common + " --setting " +
                    std::string(cb::UpstreamSetting(setting)) +
                    " -m command-a -a mini_swe_agent_v2 --no-auto-eval";
  if (setting == cb::Setting::kCoopNocomm) run += " --no-messaging";
  ASSERT_EQ(cbtest::Run(run).exit_code, 0) << run;
  ASSERT_EQ(
      cbtest::Run(cbtest::Sh(cbtest::FakeCooperbench()) + " eval" + common + " --force").exit_code,
      0);
}

// What `cbgen report --html PATH` writes, from the records under `out`.
inline void WriteReport(const std::filesystem::path& out, const std::filesystem::path& path) {
  const cb::RecordSet records = cb::LoadRecords(out);
  ASSERT_TRUE(records.problems.empty()) << records.problems.front();
  const cb::Summary summary = cb::Summarize(records.rows, std::nullopt);
  ASSERT_TRUE(cb::WriteHtmlReport(path, summary, records.rows, out, "out/").ok());
}

}  // namespace cbtest
