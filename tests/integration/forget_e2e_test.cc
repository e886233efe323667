// cbgen forget, with the real cbgen: a word not in its list moves nothing, and
// issue 6's "done when": `cbgen forget --tag infra_error` moves exactly the
// infra_error records aside (kept, not deleted) and the next `ninja` runs
// exactly those pairs again. (The filter and its words: unit/forget_test.cc.)
#include <gtest/gtest.h>

#include <set>

#include "core/record.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

// An infra_error record of `reason` under dir/out.
void WriteInfraRecord(const fs::path& out, cb::Reason reason) {
  cb::Record r;
  r.setting = cb::Setting::kSolo;
  r.run_name = "command-a-solo";
  r.pair = cb::PairId{"dspy_task", 8394, 1, 2};
  r.tag = cb::Tag::kInfraError;
  r.reason = reason;
  ASSERT_TRUE(cb::WriteRecord(cb::RecordPath(out, r.run_name, r.pair), r).ok());
}

TEST(Forget, BadWordsAreRefusedAndNothingMoves) {
  cbtest::TempDir dir;
  fs::create_directories(dir / "out");
  cbtest::CommandResult r = cbtest::Run(
      cbtest::Sh(cbtest::Cbgen()) + " forget --tag infra_error --setting coop", dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("--settings \"coop\": use solo, coop-comm or coop-nocomm"),
            std::string::npos)
      << r.output;
  // Issue 24 item 4: lists read the same everywhere: --settings or --setting, blanks around an
  // item trimmed, an empty item refused (never dropped in silence).
  r = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " forget --tag fail --settings 'solo, coop-comm'",
                  dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " reeval --tag fail --setting solo,,coop-comm",
                  dir.path());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("an empty item in the comma-separated list"), std::string::npos)
      << r.output;
  r = cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + " forget --tag infra_error", dir.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("no record matches; nothing moved"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "out" / "forgotten"));
}

TEST(Forget, ATagOrReasonNotInTheListMovesNothing) {
  cbtest::TempDir dir;
  WriteInfraRecord(dir / "out", cb::Reason::kRateLimited);
  const std::vector<fs::path> records = cbtest::FindRecords(dir / "out");
  ASSERT_EQ(records.size(), 1u);
  const std::string forget = cbtest::Sh(cbtest::Cbgen()) + " forget";

  cbtest::CommandResult r = cbtest::Run(forget + " --tag infra", dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(
                "cbgen forget: error: --tag \"infra\": use pass, fail, infra_error or any"),
            std::string::npos)
      << r.output;

  // "rate_limit" is what the test double's plans say; the record's word is "rate_limited".
  r = cbtest::Run(forget + " --tag infra_error --reason rate_limit", dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("cbgen forget: error: --reason \"rate_limit\": use one of "
                          "tests_passed, tests_failed,"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(", rate_limited, "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("forget out/"), std::string::npos) << r.output;

  EXPECT_EQ(cbtest::FindRecords(dir / "out"), records);
  EXPECT_FALSE(fs::exists(dir / "out" / "forgotten"));

  // The right word moves it.
  r = cbtest::Run(forget + " --tag infra_error --reason rate_limited", dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("moved 1 record to out/forgotten/"), std::string::npos) << r.output;
  EXPECT_TRUE(cbtest::FindRecords(dir / "out").empty());
}

std::set<std::string> CalledPairs(const Experiment& x) {
  std::set<std::string> pairs;
  for (const auto& call : cbtest::ReadJsonLines(x.calls())) {
    const auto& argv = call.at("argv").as_array();
    std::string name, features;
    for (size_t i = 0; i + 1 < argv.size(); ++i) {
      if (argv[i] == "-n") name = std::string(argv[i + 1].as_string());
      if (argv[i] == "-f") features = std::string(argv[i + 1].as_string());
    }
    const size_t comma = features.find(',');
    pairs.insert(name + "/dspy_task/task8394/f" + features.substr(0, comma) + "_f" +
                 features.substr(comma + 1) + ".json");
  }
  return pairs;
}

TEST(ForgetEndToEnd, InfraErrorsMoveAsideAndRunAgain) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  cbtest::WriteText(x.dir / "mini.json",
                    R"({"name":"mini","tasks":[{"repo":"dspy_task","task_id":8394,
                        "pairs":[[1,2],[1,3],[2,3],[3,4],[3,5]]}]})");
  // Infra errors the first time, a pass when run again.
  cbtest::WriteText(x.plan(), R"({"default":["pass"],"pairs":{
      "command-a-solo:dspy_task/8394/f1_f2": ["crash", "pass"],
      "command-a-solo:dspy_task/8394/f3_f4": ["rate_limit", "pass"],
      "command-a-coop-nocomm:dspy_task/8394/f1_f3": ["docker_error", "pass"],
      "command-a-coop-nocomm:dspy_task/8394/f2_f3": ["fail"]}})");
  ASSERT_EQ(x.Generate((x.dir / "mini.json").string(), "--settings solo,coop-nocomm --retries 0")
                .exit_code,
            0);
  cbtest::CommandResult run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(cbtest::FindRecords(x.out()).size(), 10u);
  const std::set<std::string> infra = {"command-a-solo/dspy_task/task8394/f1_f2.json",
                                       "command-a-solo/dspy_task/task8394/f3_f4.json",
                                       "command-a-coop-nocomm/dspy_task/task8394/f1_f3.json"};
  std::map<std::string, std::string> before;
  for (const fs::path& p : cbtest::FindRecords(x.out()))
    before[p.lexically_relative(x.out()).string()] = cbtest::ReadText(p);
  for (const std::string& rel : infra)
    ASSERT_NE(before[rel].find("\"infra_error\""), std::string::npos) << rel;

  const std::string forget = cbtest::Sh(cbtest::Cbgen()) + " forget --tag infra_error";
  // --dry-run lists them and moves nothing.
  cbtest::CommandResult dry = cbtest::Run(forget + " --dry-run", x.dir.path());
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("3 records match (dry run: nothing moved)"), std::string::npos)
      << dry.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 10u);
  EXPECT_FALSE(fs::exists(x.out() / "forgotten"));

  cbtest::CommandResult moved = cbtest::Run(forget, x.dir.path());
  ASSERT_EQ(moved.exit_code, 0) << moved.output;
  EXPECT_NE(moved.output.find("moved 3 records to out/forgotten/"), std::string::npos)
      << moved.output;
  for (const std::string& rel : infra)
    EXPECT_NE(moved.output.find("out/" + rel), std::string::npos) << rel;

  // Exactly those left OUT, and they are kept byte for byte under forgotten/<timestamp>/.
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 7u);
  std::vector<fs::path> stamps;
  for (const auto& e : fs::directory_iterator(x.out() / "forgotten")) stamps.push_back(e.path());
  ASSERT_EQ(stamps.size(), 1u);
  for (const auto& [rel, text] : before) {
    EXPECT_EQ(fs::exists(x.out() / rel), infra.count(rel) == 0) << rel;
    if (infra.count(rel)) {
      EXPECT_EQ(cbtest::ReadText(stamps[0] / rel), text) << rel;
    }
  }

  // The next ninja runs exactly those pairs, once each.
  fs::remove(x.calls());
  run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 3u);
  EXPECT_EQ(CalledPairs(x), infra);
  for (const std::string& rel : infra)
    EXPECT_EQ(cbtest::ReadJson(x.out() / rel).at("tag"), "pass") << rel;
  // The fail record was never touched; the forgotten ones are still kept.
  EXPECT_EQ(cbtest::ReadText(x.out() / "command-a-coop-nocomm/dspy_task/task8394/f2_f3.json"),
            before["command-a-coop-nocomm/dspy_task/task8394/f2_f3.json"]);
  for (const std::string& rel : infra) EXPECT_TRUE(fs::exists(stamps[0] / rel));
  EXPECT_NE(x.Ninja("-n").output.find("no work to do"), std::string::npos);
}

}  // namespace
