// The one reader of a record (Record::FromJson, ReadRecordFile) and of an
// attempt (ParseAttempt): what cbrun writes reads back as it was, older and
// odd records read as the reports always read them, and errors name the file
// and the field.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/attempt_file.h"
#include "util/json_read.h"
#include "core/record.h"
#include "results/report_data.h"
#include "test_util.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

AttemptRecord Agent(int n, std::optional<double> cost, std::optional<long long> in,
                    std::optional<long long> out) {
  AttemptRecord a;
  a.n = n;
  a.started_at = "2026-01-01T00:00:00Z";
  a.duration_s = 10.5 * n;
  a.tag = Tag::kFail;
  a.reason = Reason::kTestsFailed;
  a.detail = "feature 2 failed";
  a.cost_usd = cost;
  a.input_tokens = in;
  a.output_tokens = out;
  a.log_dir = "logs/attempt-" + std::to_string(n);
  a.cooperbench_release = "0.0.19";
  return a;
}

// Every field set, an agent attempt of unknown cost and tokens, a timed-out
// one killed by a signal, and an evaluation.
Record FullRecord() {
  Record r;
  r.tag = Tag::kPass;
  r.reason = Reason::kTestsPassed;
  r.detail = "both passed";
  r.setting = Setting::kCoopComm;
  r.run_name = "command-a-coop-comm";
  r.pair = PairId{"dspy_task", 8394, 3, 4};
  r.model = "command-a-03-2025";
  r.agent = "mini_swe_agent_v2";
  r.backend = "docker";
  AttemptRecord first = Agent(1, std::nullopt, std::nullopt, std::nullopt);
  first.timed_out = true;
  first.signal = 9;
  first.reason = Reason::kTimeout;
  AttemptRecord second = Agent(2, 0.25, 1000, 70);
  second.exit_code = 0;
  second.messages_sent = 3;
  AttemptRecord eval = Agent(1, 0, 0, 0);
  eval.phase = Phase::kEval;
  eval.evaluates = 2;
  eval.tag = Tag::kPass;
  r.attempts = {first, second, eval};
  r.started_at = "2026-01-01T00:00:00Z";
  r.finished_at = "2026-01-01T00:09:00Z";
  r.duration_s = 540.25;
  r.feature1_passed = true;
  r.feature2_passed = false;
  r.merge_status = "conflicts";
  r.merge_strategy = "solo-agent1";
  r.cooperbench_release = "0.0.19";
  return r;
}

void ExpectSameAttempt(const AttemptRecord& x, const AttemptRecord& y) {
  EXPECT_EQ(AttemptToJson(x), AttemptToJson(y));
  EXPECT_EQ(x.n, y.n);
  EXPECT_EQ(x.phase, y.phase);
  EXPECT_EQ(x.cost_usd, y.cost_usd);
  EXPECT_EQ(x.input_tokens, y.input_tokens);
  EXPECT_EQ(x.signal, y.signal);
  EXPECT_EQ(x.messages_sent, y.messages_sent);
}

TEST(RecordRead, WhatCbrunWritesReadsBackAsItWas) {
  const Record written = FullRecord();
  const boost::json::value j = written.ToJson();
  absl::StatusOr<Record> read = Record::FromJson(j, "r.json");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->ToJson(), j) << "the round trip loses nothing";
  EXPECT_EQ(read->tag, written.tag);
  EXPECT_EQ(read->reason, written.reason);
  EXPECT_EQ(read->setting, written.setting);
  EXPECT_EQ(read->pair, written.pair);
  EXPECT_EQ(read->model, written.model);
  EXPECT_EQ(read->duration_s, written.duration_s);
  EXPECT_EQ(read->merge_strategy, written.merge_strategy);
  EXPECT_EQ(read->feature2_passed, false);
  ASSERT_EQ(read->attempts.size(), written.attempts.size());
  for (size_t i = 0; i < written.attempts.size(); ++i)
    ExpectSameAttempt(read->attempts[i], written.attempts[i]);
  // The totals as stated are the sums cbrun made.
  const RecordTotals t = read->totals();
  EXPECT_EQ(t.listed_attempts, 3);
  EXPECT_EQ(t.agent_attempts, 2);
  EXPECT_EQ(t.eval_attempts, 1);
  EXPECT_DOUBLE_EQ(t.cost_usd, 0.25);
  EXPECT_EQ(t.cost_unknown_attempts, 1);
  EXPECT_EQ(t.input_tokens, 1000);
  EXPECT_EQ(t.tokens_unknown_attempts, 1);
  EXPECT_EQ(t.messages_sent, 3);
}

TEST(RecordRead, FileRoundTripAndErrorsNameTheFile) {
  cbtest::TempDir dir;
  const fs::path path = dir / "f3_f4.json";
  ASSERT_TRUE(WriteRecord(path, FullRecord()).ok());
  absl::StatusOr<Record> read = ReadRecordFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->ToJson(), FullRecord().ToJson());
  EXPECT_FALSE(ReadRecordFile(dir / "missing.json").ok());
  cbtest::WriteText(dir / "torn.json", "{ torn");
  absl::StatusOr<Record> torn = ReadRecordFile(dir / "torn.json");
  ASSERT_FALSE(torn.ok());
  EXPECT_NE(torn.status().message().find((dir / "torn.json").string()), std::string::npos);
}

TEST(RecordRead, TheFirstMissingFieldIsNamed) {
  auto error = [](const std::string& text) {
    return std::string(Record::FromJson(boost::json::parse(text), "x.json").status().message());
  };
  auto expected = [&](const std::string& field) {
    return "x.json: not a cbrun record: \"" + field +
           "\" is missing or of the wrong type (move the file aside, or delete it to re-run the "
           "pair)";
  };
  EXPECT_EQ(error("{}"), expected("tag"));
  EXPECT_EQ(error(R"({"tag":"pass"})"), expected("setting"));
  EXPECT_EQ(error(R"({"tag":"pass","setting":"solo","task_id":1})"), expected("repo"));
  EXPECT_EQ(error(R"({"tag":"pass","setting":"solo","repo":"r"})"), expected("task_id"));
  EXPECT_EQ(error(R"({"tag":"pass","setting":"solo","repo":"r","task_id":1,"features":[1]})"),
            expected("features"));
  EXPECT_EQ(error(R"({"tag":"pass","setting":"solo","repo":"r","task_id":1,"features":[1,2]})"),
            expected("cost_usd"));
  EXPECT_EQ(error(R"({"tag":"ok"})"),
            "x.json: not a cbrun record: \"tag\" is \"ok\", not pass, fail or infra_error (move "
            "the file aside, or delete it to re-run the pair)");
}

// A record from before most fields: the totals are the file's, not the sums.
TEST(RecordRead, OlderRecordsKeepTheirStatedTotals) {
  absl::StatusOr<Record> r = Record::FromJson(
      boost::json::parse(R"({"tag":"fail","setting":"solo","repo":"r","task_id":1,
          "features":[2,1],"cost_usd":0.42,"duration_s":12,
          "attempts":[{"n":1,"tag":"fail","duration_s":12}]})"),
      "old.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->pair, (PairId{"r", 1, 1, 2})) << "features in either order";
  const RecordTotals t = r->totals();
  EXPECT_DOUBLE_EQ(t.cost_usd, 0.42) << "the attempt says no cost; the record does";
  EXPECT_EQ(t.cost_unknown_attempts, 0);
  EXPECT_EQ(t.input_tokens, 0) << "no \"tokens\": 0, as it always read";
  EXPECT_EQ(t.output_tokens, 0);
  EXPECT_EQ(t.agent_attempts, 1);
  EXPECT_EQ(t.eval_attempts, 0);
  EXPECT_FALSE(t.messages_sent.has_value());
  EXPECT_FALSE(r->attempts[0].cost_usd.has_value());
  EXPECT_EQ(r->ToJson().at("cost_usd"), 0.42) << "written again as read";
  // Null token counts: unknown.
  r = Record::FromJson(boost::json::parse(R"({"tag":"fail","setting":"solo","repo":"r",
          "task_id":1,"features":[1,2],"cost_usd":0,"tokens":{"input":null,"output":5}})"),
                       "x.json");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->input_tokens().has_value());
  EXPECT_EQ(r->output_tokens(), 5);
}

// A record's attempts are never refused: what ParseAttempt refuses in an
// attempt file reads as the reports always read it.
TEST(RecordRead, OddAttemptsReadLenientlyWhereAttemptFilesAreRefused) {
  const std::string odd = R"({"phase":"later","tag":"maybe","cost_usd":"much",
                              "tokens":{"input":-1,"output":2},"evaluates":-4})";
  absl::StatusOr<Record> r = Record::FromJson(
      boost::json::parse(R"({"tag":"fail","setting":"solo","repo":"r","task_id":1,
          "features":[1,2],"cost_usd":0,"attempts":[7, )" + odd + R"(, {"n":2,"phase":"eval",
          "tag":"pass","cost_usd":-2}]})"),
      "x.json");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->attempts.size(), 2u) << "the 7 is left out";
  const AttemptRecord& a = r->attempts[0];
  EXPECT_EQ(a.n, 0);
  EXPECT_EQ(a.phase, Phase::kAgent);
  EXPECT_EQ(a.tag, Tag::kInfraError);
  EXPECT_EQ(a.cost_usd, 0.0);
  EXPECT_FALSE(a.input_tokens.has_value());
  EXPECT_EQ(a.output_tokens, 2) << "only the bad count is unknown";
  EXPECT_EQ(a.evaluates, 0);
  EXPECT_EQ(r->attempts[1].cost_usd, 0.0);
  const RecordTotals t = r->totals();
  EXPECT_EQ(t.listed_attempts, 3);
  EXPECT_EQ(t.eval_attempts, 1);
  EXPECT_EQ(t.agent_attempts, 2) << "listed minus evaluations, the 7 included";
  const RecordRow row = RowFromRecord(*r);
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.attempt_list.size(), 2u);
  // The same attempt in an attempt file: refused, naming the file and field.
  absl::StatusOr<AttemptRecord> strict = ParseAttempt(boost::json::parse(odd), "attempt.json");
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().message(),
            "attempt.json: not an attempt of cbrun's: field \"n\" missing or wrong");
  strict = ParseAttempt(boost::json::parse(R"({"n":1,"tag":"pass","tokens":{"input":-1}})"),
                        "attempt.json");
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("\"tokens\""), std::string::npos);
}

TEST(AttemptFileRead, RoundTripsWithTheEndedFlag) {
  cbtest::TempDir dir;
  const AttemptRecord a = FullRecord().attempts[1];
  ASSERT_TRUE(WriteAttemptFile(dir.path(), AttemptFile{a, true}).ok());
  absl::StatusOr<std::optional<AttemptFile>> read = ReadAttemptFile(dir.path());
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_TRUE((*read)->ended);
  ExpectSameAttempt((*read)->attempt, a);
}

// What budget warnings still count of a record the reports cannot read.
TEST(RecordRead, StatedCostOfAnUnreadableRecord) {
  RecordTotals t = StatedCostOfUnreadableRecord(
      boost::json::parse(R"({"tag":"pass","cost_usd":1.5,"cost_unknown_attempts":2})"));
  EXPECT_DOUBLE_EQ(t.cost_usd, 1.5);
  EXPECT_EQ(t.cost_unknown_attempts, 2);
  t = StatedCostOfUnreadableRecord(boost::json::parse(R"({"cost_unknown_attempts":-3})"));
  EXPECT_DOUBLE_EQ(t.cost_usd, 0);
  EXPECT_EQ(t.cost_unknown_attempts, 0);
}

}  // namespace
}  // namespace cb
