// Issue 4, preflight: without the API key, ninja fails before cooperbench
// runs even once; the checks run once per ninja invocation however many
// cbruns start; a finished build stays a no-op.
// (Reading /proc stat lines and the key check alone: unit/preflight_checks_test.cc.)
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "runner/preflight.h"
#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

// A Python string literal (a JSON string is one).
std::string PyString(const std::string& text) {
  return boost::json::serialize(boost::json::string(text));
}

// A cooperbench that logs each `run --help` (the preflight's probe of what
// `run` accepts), then runs the double. Its release is the double's, read from
// the metadata beside it as for a pip install.
fs::path CountingCooperbench(const Experiment& x) {
  const fs::path p = x.dir / "cooperbench";
  fs::create_directories(x.dir / "cooperbench-0.0.19.dist-info");
  cbtest::WriteText(x.dir / "cooperbench-0.0.19.dist-info" / "METADATA",
                    "Metadata-Version: 2.1\nName: cooperbench\nVersion: 0.0.19\n");
  cbtest::WriteText(p,
                    "#!/usr/bin/python3\nimport os, sys\nif sys.argv[1:] == ['run', '--help']:\n"
                    "    open(" +
                        PyString((x.dir / "versions").string()) +
                        ", 'a').write('v\\n')\nos.execv(" + PyString(cbtest::FakeCooperbench()) +
                        ", sys.argv)\n");
  fs::permissions(p, fs::perms::owner_all);
  return p;
}

// The double's `cooperbench run` calls (the agents; an evaluation run apart
// is an `eval` call).
size_t AgentRuns(const Experiment& x) {
  size_t n = 0;
  for (const boost::json::value& call : cbtest::ReadJsonLines(x.calls())) {
    const boost::json::array& argv = call.at("argv").as_array();
    if (!argv.empty() && argv[0] == "run") ++n;
  }
  return n;
}

size_t Lines(const fs::path& p) {
  std::string t = cbtest::ReadText(p);
  return static_cast<size_t>(std::count(t.begin(), t.end(), '\n'));
}

TEST(Preflight, MissingKeyStopsNinjaBeforeAnyRunAndChecksOncePerNinja) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 6);
  const fs::path cooperbench = CountingCooperbench(x);
  cbtest::CommandResult gen = cbtest::Run(
      cbtest::Sh(cbtest::Cbgen()) + " " + cbtest::Sh(subset.string()) + " --dataset-dir " +
          cbtest::Sh(cbtest::DatasetDir().string()) + " --cooperbench " +
          cbtest::Sh(cooperbench.string()) + " --settings solo,coop-nocomm --backoff 0.05",
      x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  EXPECT_NE(
      gen.output.find("cbgen: agent mini_swe_agent_v2: the mini-SWE-agent of cooperbench 0.0.19"),
      std::string::npos)
      << gen.output;
  fs::remove(x.dir / "versions");  // cbgen asked once to choose the agent

  cbtest::CommandResult run =
      cbtest::Run("env -u COHERE_API_KEY " + x.Env() + "ninja -j4", x.dir.path());
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("COHERE_API_KEY is not set"), std::string::npos) << run.output;
  EXPECT_EQ(x.Calls(), 0u) << "cooperbench ran without a key";
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
  EXPECT_EQ(Lines(x.dir / "versions"), 1u) << "checked once for the whole ninja run";

  // With the key: everything runs, still one check for this ninja invocation.
  fs::remove(x.dir / "versions");
  run = cbtest::NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 12u);
  EXPECT_EQ(AgentRuns(x), 12u);
  EXPECT_EQ(Lines(x.dir / "versions"), 1u);

  // A finished build stays a no-op, with or without the key.
  run = cbtest::Run("env -u COHERE_API_KEY " + x.Env() + "ninja -j4", x.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("ninja: no work to do."), std::string::npos) << run.output;
}

TEST(Preflight, OtherKeyVariableWithApiKeyEnv) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 1);
  ASSERT_EQ(
      x.Generate(cbtest::Sh(subset.string()), "--settings solo --api-key-env CBTEST_OTHER_KEY")
          .exit_code,
      0);
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "");  // COHERE_API_KEY alone is not enough
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("CBTEST_OTHER_KEY is not set"), std::string::npos) << run.output;
  EXPECT_EQ(x.Calls(), 0u);
  run = cbtest::Run("CBTEST_OTHER_KEY=k " + x.Env() + "ninja", x.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(AgentRuns(x), 1u);
}

}  // namespace
