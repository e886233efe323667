// Issue 5, item 5: every bad input makes cbgen exit non-zero with a message
// naming the culprit, and leaves the existing build.ninja (and OUT/config.json)
// byte-identical with the same mtime. Names special to Ninja or the shell are
// either carried correctly end to end (paths, model names) or refused (repo and
// run names, line breaks, '|').
#include <gtest/gtest.h>

#include <thread>

#include "interrupt_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

std::string Dataset() {
  return cbtest::Sh(cbtest::DatasetDir().string());
}

struct BadInput : testing::Test {
  Experiment x;
  fs::path ninja_file, config;
  std::string ninja_before, config_before;
  fs::file_time_type mtime_before;

  void SetUp() override {
    const fs::path subset = WriteMiniSubset(x, {{1, 2}});
    cbtest::CommandResult gen = GenerateCloud(x, subset, "solo");
    ASSERT_EQ(gen.exit_code, 0) << gen.output;
    ninja_file = x.dir / "build.ninja";
    config = x.out() / "config.json";
    ninja_before = cbtest::ReadText(ninja_file);
    config_before = cbtest::ReadText(config);
    mtime_before = fs::last_write_time(ninja_file);
    // A rewrite, even of the same bytes, would show in the mtime.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // cbgen ARGS fails, says every one of `culprits`, and changes nothing.
  void ExpectRefused(const std::string& args, const std::vector<std::string>& culprits) {
    cbtest::CommandResult r = RunCbgen(x, args);
    EXPECT_NE(r.exit_code, 0) << args << "\n" << r.output;
    for (const std::string& c : culprits)
      EXPECT_NE(r.output.find(c), std::string::npos) << "no \"" << c << "\" in: " << r.output;
    EXPECT_EQ(cbtest::ReadText(ninja_file), ninja_before) << args;
    EXPECT_EQ(fs::last_write_time(ninja_file), mtime_before) << args;
    EXPECT_EQ(cbtest::ReadText(config), config_before) << args;
    EXPECT_TRUE(Leftovers(x.dir.path()).empty()) << args;
  }

  // A subset file with `text`, refused with `culprits` (plus the file's name).
  void ExpectSubsetRefused(const std::string& text, std::vector<std::string> culprits) {
    const fs::path bad = x.dir / "bad.json";
    cbtest::WriteText(bad, text);
    culprits.push_back(bad.string());
    ExpectRefused(cbtest::Sh(bad.string()) + " --dataset-dir " + Dataset() +
                      " --backend modal --settings solo",
                  culprits);
  }
};

TEST_F(BadInput, MalformedSubsetJsonNamesFileLineAndColumn) {
  ExpectSubsetRefused("{\"tasks\": [\n  {\"repo\": \"dspy_task\",, \"task_id\": 8394}\n]}",
                      {"bad.json:2:24", "invalid JSON"});
  ExpectSubsetRefused("{\"tasks\": [\n", {"bad.json:2:1"});
  ExpectSubsetRefused("", {"bad.json:1:1"});
  ExpectSubsetRefused("[1, 2]", {"\"tasks\""});
}

TEST_F(BadInput, UnknownSubsetListsTheOnesThatExist) {
  ExpectRefused("nosuchsubset --dataset-dir " + Dataset(),
                {"unknown subset \"nosuchsubset\"", "flash", "lite", "all"});
}

TEST_F(BadInput, MissingDatasetFolder) {
  ExpectRefused("lite --dataset-dir " + cbtest::Sh((x.dir / "no-dataset").string()),
                {(x.dir / "no-dataset").string(), "does not exist", "--dataset-dir"});
}

TEST_F(BadInput, MissingTaskAndMissingFeature) {
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,99]]}]})",
                      {"dspy_task/8394", "[3,99]", "feature99"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":1,"pairs":[[1,2]]}]})",
                      {"dspy_task/1", "task1"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"no_such_task","task_id":8394}]})",
                      {"no_such_task/8394"});
}

TEST_F(BadInput, UnknownSettingAndBackend) {
  const std::string subset = cbtest::Sh((x.dir / "mini.json").string());
  ExpectRefused(subset + " --dataset-dir " + Dataset() + " --settings solo,coop-telepathy",
                {"coop-telepathy", "solo, coop-comm, coop-nocomm"});
  ExpectRefused(subset + " --dataset-dir " + Dataset() + " --settings solo --backend kubernetes",
                {"kubernetes", "docker, modal or gcp"});
  // Issue 24 item 4: an empty item of a list is refused, for --models as for --settings.
  ExpectRefused(subset + " --dataset-dir " + Dataset() + " --models 'gpt-4o,,claude-3-5-sonnet'",
                {"--models", "an empty item in the comma-separated list"});
  ExpectRefused(subset + " --dataset-dir " + Dataset() + " --settings solo,",
                {"--settings", "an empty item in the comma-separated list"});
}

// Issue 24 item 4: blanks around a list's items are trimmed, and --setting is --settings.
TEST_F(BadInput, ListsReadTheSameEverywhere) {
  const std::string subset = cbtest::Sh((x.dir / "mini.json").string());
  for (const std::string& settings :
       {std::string("--settings 'solo, coop-nocomm'"), std::string("--setting solo,coop-nocomm")}) {
    cbtest::CommandResult r =
        RunCbgen(x, subset + " --dataset-dir " + Dataset() + " --cooperbench " +
                        cbtest::Sh(cbtest::FakeCooperbench()) + " --backend modal " + settings);
    ASSERT_EQ(r.exit_code, 0) << settings << "\n" << r.output;
    const std::string ninja = cbtest::ReadText(ninja_file);
    EXPECT_NE(ninja.find("setting = coop-nocomm"), std::string::npos) << settings;
    EXPECT_NE(ninja.find("setting = solo"), std::string::npos) << settings;
  }
}

// With coop-comm among the settings (the default) an unknown backend is named
// as such, not reported as a cloud that cannot reach a loopback Redis.
TEST_F(BadInput, UnknownBackendIsNamedBeforeRedisIsChecked) {
  ExpectRefused(cbtest::Sh((x.dir / "mini.json").string()) + " --dataset-dir " + Dataset() +
                    " --backend kubernetes",
                {"unknown backend \"kubernetes\"", "docker, modal or gcp"});
}

// Issue 24 item 5: what to run comes first. A mistyped subset on a cloud backend (whose
// default loopback --redis its sandboxes cannot reach) is named, not the Redis URL.
TEST_F(BadInput, AnUnknownSubsetIsNamedBeforeAnOptionsTrouble) {
  ExpectRefused("lyte --dataset-dir " + Dataset() + " --backend modal",
                {"unknown subset \"lyte\"", "lite"});
  cbtest::CommandResult r = RunCbgen(x, "lyte --dataset-dir " + Dataset() + " --backend modal");
  EXPECT_EQ(r.output.find("loopback"), std::string::npos) << r.output;
}

TEST_F(BadInput, NonIntegerIds) {
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":"8394"}]})",
                      {"task_id", "\"8394\""});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394.5}]})",
                      {"task_id", "whole number"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":-1}]})", {"task_id", "-1"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[1,"2"]]}]})",
                      {"[1,\"2\"]"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[1.5,2]]}]})",
                      {"[1.5E0,2]"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[0,2]]}]})",
                      {"[0,2]"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[1,2,3]]}]})",
                      {"[1,2,3]"});
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":99999999999999999999999}]})",
                      {"task_id"});
}

TEST_F(BadInput, DuplicatePairsAndTasks) {
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[1,2],[2,1]]}]})",
                      {"dspy_task/8394", "[2,1]", "listed twice"});
  ExpectSubsetRefused(
      R"({"tasks":[{"repo":"dspy_task","task_id":8394},{"repo":"dspy_task","task_id":8394}]})",
      {"tasks[1]", "dspy_task/8394", "listed twice"});
}

TEST_F(BadInput, FeaturePairedWithItself) {
  ExpectSubsetRefused(R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[3,3]]}]})",
                      {"dspy_task/8394", "[3,3]", "with itself"});
}

// Repo names become folder names, Docker image names and command-line words:
// anything special is refused, naming the character.
TEST_F(BadInput, SpecialCharactersInRepoNamesAreRefused) {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"dspy$task", "'$'"},           {"dspy:task", "':'"},     {"dspy task", "' '"},
      {"dspy#task", "'#'"},           {"dspy\\ntask", "'\\n'"}, {"dspy\\\"task", "'\\\"'"},
      {"dspy'task", "'\\''"},         {"dspy;task", "';'"},     {"dspy|task", "'|'"},
      {"../dspy_task", "must start"}, {"dspy/task", "'/'"},     {"Dspy_task", "lowercase"}};
  for (const auto& [name, shown] : names) {
    SCOPED_TRACE(name);
    ExpectSubsetRefused(R"({"tasks":[{"repo":")" + name + R"(","task_id":8394}]})",
                        {"repository name", shown});
  }
}

TEST_F(BadInput, SpecialCharactersInRunPrefixAreRefused) {
  const std::string subset = cbtest::Sh((x.dir / "mini.json").string());
  for (const std::string prefix :
       {"a b", "a$b", "a;b", "a:b", "a#b", "a'b", "a\nb", "-ab", ".ab"}) {
    SCOPED_TRACE(prefix);
    ExpectRefused(subset + " --dataset-dir " + Dataset() + " --backend modal --settings solo" +
                      " --run-prefix=" + cbtest::Sh(prefix),
                  {"--run-prefix", "run name"});
  }
}

// NaN slips through a plain range check and a config.json cannot hold it: cbgen
// refuses non-finite and negative numbers rather than write a config that every
// cbrun would reject.
TEST_F(BadInput, NonFiniteOrNegativeNumbersAreRefused) {
  const std::string base = cbtest::Sh((x.dir / "mini.json").string()) + " --dataset-dir " +
                           Dataset() + " --backend modal --settings solo";
  for (const std::string opt : {"--backoff nan", "--grace nan", "--min-free-gb nan",
                                "--budget-warn nan", "--budget-warn 1e999", "--budget-warn -5"}) {
    SCOPED_TRACE(opt);
    ExpectRefused(base + " " + opt, {opt.substr(0, opt.find(' '))});
  }
}

// What cannot be written to build.ninja at all: a line break, or '|' in a path.
TEST_F(BadInput, LineBreaksAndPipesInPathsAreRefused) {
  const std::string subset = cbtest::Sh((x.dir / "mini.json").string());
  // --agent given: these are refused while the Ninja text is written, after
  // cbgen would otherwise ask cooperbench for its mini-SWE-agent.
  const std::string base = subset + " --dataset-dir " + Dataset() +
                           " --backend modal --settings solo --agent mini_swe_agent_v2";
  ExpectRefused(base + " --out " + cbtest::Sh("out\nx"), {"line break", "out\\nx"});
  ExpectRefused(base + " --out " + cbtest::Sh("out|x"), {"'|'", "out|x"});
  ExpectRefused(base + " --model " + cbtest::Sh("model\nx"), {"line break", "model\\nx"});
  ExpectRefused(base + " --cooperbench " + cbtest::Sh("/opt/cb\nx"), {"line break"});
}

// Paths and values with spaces, $, :, #, ;, quotes: written escaped for Ninja
// and for the shell, they work end to end, and the next ninja has no work.
TEST(SpecialCharacters, PathsAndModelNamesWorkEndToEndThroughNinjaAndTheShell) {
  Experiment x;
  const std::string weird = "we ird $HOME:a#b;c'd\"e";
  const fs::path build_dir = x.dir / ("exp " + weird);
  fs::create_directories(build_dir);
  // The dataset and the subset file under weird names too.
  const fs::path dataset = x.dir / ("data " + weird);
  fs::create_directory_symlink(cbtest::DatasetDir(), dataset);
  const fs::path subset = build_dir / ("sub set;$x#.json");
  cbtest::WriteText(subset,
                    R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[[1,2],[2,3]]}]})");
  const std::string out = "out " + weird;
  const std::string ninja_name = "my build$:#.ninja";
  const std::string model = "org/mod el$X;'q\"#:1";

  cbtest::CommandResult gen = cbtest::Run(
      x.Env() + cbtest::Sh(cbtest::Cbgen()) + " " + cbtest::Sh(subset.string()) +
          " --dataset-dir " + cbtest::Sh(dataset.string()) + " --cooperbench " +
          cbtest::Sh(cbtest::FakeCooperbench()) + " --backend modal --settings solo,coop-nocomm" +
          " -o " + cbtest::Sh(ninja_name) + " --out " + cbtest::Sh(out) + " --model " +
          cbtest::Sh(model),
      build_dir);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  ASSERT_TRUE(fs::exists(build_dir / ninja_name));

  cbtest::CommandResult run =
      cbtest::Run(x.Env() + KeyEnv() + "ninja -f " + cbtest::Sh(ninja_name), build_dir);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 4u);
  EXPECT_EQ(cbtest::FindRecords(build_dir / out).size(), 4u);
  for (const fs::path& r : cbtest::FindRecords(build_dir / out))
    EXPECT_EQ(cbtest::ReadJson(r).at("model"), model.c_str()) << r;
  for (const auto& call : cbtest::ReadJsonLines(x.calls())) {
    const auto& argv = call.at("argv").as_array();
    bool saw_model = false;
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      saw_model = saw_model || (argv[i] == "-m" && argv[i + 1] == model.c_str());
    EXPECT_TRUE(saw_model) << boost::json::serialize(call);
  }
  EXPECT_NE(
      cbtest::Run("ninja -f " + cbtest::Sh(ninja_name), build_dir).output.find("no work to do"),
      std::string::npos);

  // The regeneration edge quotes its arguments too: a touched subset
  // regenerates, and the same targets are still done.
  cbtest::TouchNewerThan(subset, build_dir / ninja_name);
  cbtest::CommandResult again =
      cbtest::Run(x.Env() + KeyEnv() + "ninja -f " + cbtest::Sh(ninja_name), build_dir);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("regenerating"), std::string::npos) << again.output;
  EXPECT_EQ(x.Calls(), 4u) << again.output;
  EXPECT_NE(
      cbtest::Run("ninja -f " + cbtest::Sh(ninja_name), build_dir).output.find("no work to do"),
      std::string::npos);
}

}  // namespace
