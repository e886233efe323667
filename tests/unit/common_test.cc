// The shared pieces: names, atomic files, locks, the config cbrun reads, Redis URLs.
#include <gtest/gtest.h>

#include "core/naming.h"
#include "core/run_config.h"
#include "test_util.h"
#include "util/atomic_file.h"
#include "util/file_lock.h"
#include "util/json_read.h"
#include "util/process.h"
#include "util/redis_url.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

// A message quotes the first line that says something (issue 24 item 1: `docker version`
// without a daemon prints an empty line before its error).
TEST(FirstLine, SkipsBlankLinesAndTrailingBlanks) {
  EXPECT_EQ(FirstLine("one\ntwo\n"), "one");
  EXPECT_EQ(FirstLine("\n  \t\r\nCannot connect  \r\nmore"), "Cannot connect");
  EXPECT_EQ(FirstLine("  indented stays\n"), "  indented stays");
  EXPECT_EQ(FirstLine("\n\n"), "");
  EXPECT_EQ(FirstLine(""), "");
  EXPECT_EQ(FirstLine("no newline"), "no newline");
}

TEST(Naming, ImagesFollowTheContract) {
  EXPECT_EQ(CanonicalImageName("dspy_task", 8394), "akhatua/cooperbench-dspy:task8394");
  EXPECT_EQ(CanonicalImageName("react_hook_form_task", 85),
            "akhatua/cooperbench-react-hook-form:task85");
  EXPECT_EQ(CanonicalImageName("samuelcolvin_dirty_equals_task", 43),
            "akhatua/cooperbench-samuelcolvin-dirty-equals:task43");
  EXPECT_EQ(CanonicalImageName("openai_tiktoken_task", 0),
            "akhatua/cooperbench-openai-tiktoken:task0");
  EXPECT_EQ(ImageName("127.0.0.1:5000/akhatua", "dspy_task", 1),
            "127.0.0.1:5000/akhatua/cooperbench-dspy:task1");
}

TEST(Naming, PathsOfRecordsLogsAndUpstreamFiles) {
  PairId p{"pallets_click_task", 2068, 7, 10};
  EXPECT_EQ(RecordPath("out", "command-a-solo", p),
            "out/command-a-solo/pallets_click_task/task2068/f7_f10.json");
  EXPECT_EQ(PairLogDir("out", "r", p), "out/logs/r/pallets_click_task/task2068/f7_f10");
  EXPECT_EQ(UpstreamPairDir("L", "r", "coop", p), "L/r/coop/pallets_click_task/2068/f7_f10");
  EXPECT_EQ(ImageStampPath("out", "dspy_task", 1), "out/images/dspy_task-task1.stamp");
}

TEST(Naming, FolderNamesReadBackOnlyAsWritten) {
  // The one reader of task, pair and feature folder names (status, history,
  // the dataset): the inverse of TaskFolder, PairFolder and FeatureFolder,
  // strict about leading zeros and signs.
  EXPECT_EQ(ParseTaskFolder(TaskFolder(8394)), 8394);
  EXPECT_EQ(ParseTaskFolder("task0"), 0);
  for (const char* bad : {"task08394", "task+1", "task-1", "task 1", "task", "Task1", "task1x"})
    EXPECT_EQ(ParseTaskFolder(bad), std::nullopt) << bad;
  EXPECT_EQ(ParsePairFolder(PairFolder(3, 4)), std::make_pair(3, 4));
  EXPECT_EQ(ParsePairFolder("f1_f12"), std::make_pair(1, 12));
  for (const char* bad : {"f03_f4", "f3_f04", "f+3_f4", "f4_f3", "f3_f3", "f3f4", "f3_f", "3_4",
                          "f3_f4.json", "f3_f4_f5", "f-1_f2"})
    EXPECT_EQ(ParsePairFolder(bad), std::nullopt) << bad;
  // And the dataset's feature folders.
  EXPECT_EQ(ParseFeatureFolder(FeatureFolder(12)), 12);
  for (const char* bad : {"feature03", "feature+3", "feature-3", "feature", "feature3x", "f3"})
    EXPECT_EQ(ParseFeatureFolder(bad), std::nullopt) << bad;
}

TEST(Naming, RepoAndRunNameChecks) {
  EXPECT_TRUE(CheckRepoName("samuelcolvin_dirty_equals_task").ok());
  for (const char* bad :
       {"", "Upper", "a b", "a$b", "a:b", "a#b", "a;b", "a'b", "a\"b", "a\nb", "-x", "../x"})
    EXPECT_FALSE(CheckRepoName(bad).ok()) << bad;
  EXPECT_TRUE(CheckRunName("command-a-solo").ok());
  EXPECT_FALSE(CheckRunName("a/b").ok());
  EXPECT_FALSE(CheckRunName("-x").ok());
}

TEST(AtomicFile, WritesReplacesAndNeverOverwritesWhenAsked) {
  cbtest::TempDir dir;
  const fs::path f = dir / "a/b/c.json";
  ASSERT_TRUE(WriteFileAtomically(f, "one").ok());
  EXPECT_EQ(*ReadFile(f), "one");
  ASSERT_TRUE(WriteFileAtomically(f, "two").ok());
  EXPECT_EQ(*ReadFile(f), "two");
  absl::Status s = WriteFileAtomically(f, "three", Overwrite::kNever);
  EXPECT_TRUE(absl::IsAlreadyExists(s)) << s;
  EXPECT_EQ(*ReadFile(f), "two");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir / "a/b")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1) << "no temporary file left behind";
}

TEST(AtomicFile, AFolderThatCannotBeMadeIsAClearError) {
  cbtest::TempDir dir;
  cbtest::WriteText(dir / "file", "x");
  absl::Status s = WriteFileAtomically(dir / "file/sub/x.json", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("cannot create folder"), std::string::npos) << s;
  EXPECT_NE(std::string(s.message()).find((dir / "file/sub").string()), std::string::npos) << s;
}

TEST(FileLock, HeldSeesAnotherHolderAndLeavesTheLockFree) {
  cbtest::TempDir dir;
  const fs::path lock = dir / "logs/.lock";
  EXPECT_FALSE(FileLock::Held(lock)) << "a missing file is not held";
  EXPECT_FALSE(fs::exists(lock)) << "the probe creates nothing";
  {
    absl::StatusOr<FileLock> held = FileLock::Acquire(lock, FileLock::Wait::kTry);
    ASSERT_TRUE(held.ok());
    EXPECT_TRUE(FileLock::Held(lock));
  }
  EXPECT_FALSE(FileLock::Held(lock));
  // The probe released what it took: a runner can lock at once.
  EXPECT_TRUE(FileLock::Acquire(lock, FileLock::Wait::kTry).ok());
}

TEST(FileLock, SecondHolderIsRefusedUntilTheFirstLetsGo) {
  cbtest::TempDir dir;
  auto first = FileLock::Acquire(dir / "l/.lock", FileLock::Wait::kTry);
  ASSERT_TRUE(first.ok());
  // flock locks belong to open file descriptions: a second open conflicts, even in one process.
  EXPECT_TRUE(
      absl::IsUnavailable(FileLock::Acquire(dir / "l/.lock", FileLock::Wait::kTry).status()));
  { FileLock released = std::move(*first); }
  EXPECT_TRUE(FileLock::Acquire(dir / "l/.lock", FileLock::Wait::kTry).ok());
}

TEST(RunConfig, RoundTripsAndKeepsDefaultsForMissingKeys) {
  RunConfig c;
  c.timeout_s = 5;
  c.budget_warn_usd = 12.5;
  c.redis_url = "redis://127.0.0.1:6391";
  auto back = RunConfig::FromJson(c.ToJson(), "config.json");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->timeout_s, 5);
  EXPECT_EQ(back->budget_warn_usd, 12.5);
  EXPECT_EQ(back->redis_url, "redis://127.0.0.1:6391");
  auto partial = RunConfig::FromJson(boost::json::parse(R"({"retries": 0})"), "c.json");
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->retries, 0);
  EXPECT_EQ(partial->timeout_s, 600);
}

TEST(RunConfig, WrongTypesNameTheKeyAndTheFile) {
  auto bad = RunConfig::FromJson(boost::json::parse(R"({"timeout_s": "10"})"), "out/config.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()),
            "out/config.json: \"timeout_s\" must be a whole number >= 0; regenerate it with cbgen");
  cbtest::TempDir dir;
  auto missing = RunConfig::Load(dir / "out/config.json");
  EXPECT_NE(std::string(missing.status().message()).find("run cbgen again"), std::string::npos);
}

TEST(RedisUrl, ParsesAndKnowsLoopback) {
  auto r = ParseRedisUrl("redis://127.0.0.1:6391");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->host, "127.0.0.1");
  EXPECT_EQ(r->port, 6391);
  EXPECT_TRUE(r->IsLoopback());
  EXPECT_TRUE(ParseRedisUrl("redis://localhost")->IsLoopback());
  EXPECT_EQ(ParseRedisUrl("redis://localhost")->port, 6379);
  EXPECT_TRUE(ParseRedisUrl("redis://[::1]:7000/0")->IsLoopback());
  EXPECT_FALSE(ParseRedisUrl("redis://user:pw@redis.example.com:6380/2")->IsLoopback());
  EXPECT_EQ(ParseRedisUrl("redis://user:pw@redis.example.com:6380/2")->host, "redis.example.com");
  EXPECT_FALSE(ParseRedisUrl("http://x").ok());
  EXPECT_FALSE(ParseRedisUrl("redis://x:99999").ok());
  EXPECT_FALSE(ParseRedisUrl("redis://:1").ok());
}

TEST(ParseJson, ErrorsNameFileLineAndColumn) {
  auto v = ParseJson("{\n  \"a\": tru\n}", "x.json");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(std::string(v.status().message()).substr(0, 12), "x.json:2:8: ");
  EXPECT_FALSE(ParseJson("{} {}", "y.json").ok());
  EXPECT_TRUE(ParseJson("{}\n", "z.json").ok());
}

TEST(PrettyJson, ShortestDoublesAndStableLayout) {
  EXPECT_EQ(PrettyJson(boost::json::parse(R"({"a":10.0,"b":0.12,"c":[1,2],"d":{}})")),
            "{\n  \"a\": 10.0,\n  \"b\": 0.12,\n  \"c\": [1,2],\n  \"d\": {}\n}\n");
}

TEST(PrettyJson, NonFiniteNumbersBecomeNullSoTheTextStaysJson) {
  boost::json::value v = boost::json::parse(R"({"huge":1E999})");  // parses as infinity
  const std::string text = PrettyJson(v);
  EXPECT_EQ(text, "{\n  \"huge\": null\n}\n");
  EXPECT_TRUE(boost::json::parse(text).at("huge").is_null());
  EXPECT_EQ(PrettyJson(boost::json::parse(R"({"a":[1E999,2,0.5]})")),
            "{\n  \"a\": [null,2,0.5]\n}\n");
}

}  // namespace
}  // namespace cb
