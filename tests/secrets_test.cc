// Issue 5, item 6: the API keys reach cooperbench through its environment and
// nowhere else: not build.ninja, .ninja_log, records, config, logs, nor what
// cbgen, cbrun and ninja print, after a run with passes, failures, retries and
// a fatal authentication error.
#include <gtest/gtest.h>

#include "interrupt_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

// Distinctive values that cannot occur by accident.
const std::string kCohere = "cbtest-cohere-SECRET-7f3a9c1e5b";
const std::string kOpenai = "cbtest-openai-SECRET-2d8e4b6a0f";

std::string Keys() {
  return "COHERE_API_KEY=" + cbtest::Sh(kCohere) + " OPENAI_API_KEY=" + cbtest::Sh(kOpenai) +
         " ANTHROPIC_API_KEY=" + cbtest::Sh(kOpenai + "-b") + " ";
}

// Files under `root` (not the double's call log or plan) holding `secret`.
std::vector<std::string> FilesHolding(const fs::path& root, const std::string& secret,
                                      const std::set<fs::path>& skip) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || skip.count(it->path())) continue;
    if (cbtest::ReadText(it->path()).find(secret) != std::string::npos)
      found.push_back(it->path().string());
  }
  return found;
}

TEST(Secrets, NoKeyValueInAnythingTheProjectWrites) {
  Experiment x;
  const fs::path subset = WriteMiniSubset(x, {{1, 2}, {1, 3}, {2, 3}, {3, 4}});
  cbtest::WriteText(x.plan(), R"({"default":["pass"],"pairs":{
      "dspy_task/8394/f1_f3": ["fail"],
      "dspy_task/8394/f2_f3": ["crash", "rate_limit", "pass"],
      "dspy_task/8394/f3_f4": ["hang", "agent_error", "api_timeout"]}})");
  std::string output;

  // cbgen with the keys in its environment (and --api-key-env naming one).
  cbtest::CommandResult gen = cbtest::Run(
      x.Env() + Keys() + cbtest::Sh(cbtest::Cbgen()) + " " + cbtest::Sh(subset.string()) +
          " --dataset-dir " + cbtest::Sh(cbtest::DatasetDir().string()) + " --cooperbench " +
          cbtest::Sh(cbtest::FakeCooperbench()) +
          " --backend modal --settings solo,coop-nocomm --backoff 0.05 --grace 1 --timeout 3" +
          " --api-key-env COHERE_API_KEY",
      x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  output += gen.output;

  cbtest::CommandResult run = cbtest::Run(x.Env() + Keys() + "ninja -v -j4", x.dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  output += run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 8u);
  // One pair directly, with cbrun's own output.
  fs::remove(x.out() / "command-a-solo/dspy_task/task8394/f2_f3.json");
  cbtest::CommandResult cmd = cbtest::Run(
      "ninja -t commands out/command-a-solo/dspy_task/task8394/f2_f3.json", x.dir.path());
  cbtest::CommandResult direct = cbtest::Run(x.Env() + Keys() + cmd.output, x.dir.path());
  EXPECT_EQ(direct.exit_code, 0) << direct.output;
  output += direct.output;

  // A key cooperbench rejects: a fatal error, reported without the key.
  cbtest::WriteText(x.plan(), R"({"default":["auth"]})");
  fs::remove(x.out() / "command-a-solo/dspy_task/task8394/f1_f2.json");
  cbtest::CommandResult auth = cbtest::Run(x.Env() + Keys() + "ninja -v", x.dir.path());
  EXPECT_NE(auth.exit_code, 0) << auth.output;
  EXPECT_NE(auth.output.find("COHERE_API_KEY"), std::string::npos)
      << "names the variable: " << auth.output;
  output += auth.output;

  // The project's reports and checks, which read everything above.
  for (const std::string sub : {"status", "report", "doctor"}) {
    cbtest::CommandResult r =
        cbtest::Run(x.Env() + Keys() + cbtest::Sh(cbtest::Cbgen()) + " " + sub, x.dir.path());
    output += r.output;
  }

  // cooperbench did get the key, through its environment.
  const auto calls = cbtest::ReadJsonLines(x.calls());
  ASSERT_GE(calls.size(), 12u);
  for (const auto& call : calls)
    EXPECT_EQ(call.at("has_api_key"), true) << boost::json::serialize(call);

  const std::set<fs::path> skip = {x.calls(), x.plan()};
  for (const std::string& secret : {kCohere, kOpenai}) {
    EXPECT_EQ(output.find(secret), std::string::npos) << "printed";
    EXPECT_EQ(FilesHolding(x.dir.path(), secret, skip), std::vector<std::string>{});
    // The call log holds argv: the key was not on cooperbench's command line either.
    EXPECT_EQ(cbtest::ReadText(x.calls()).find(secret), std::string::npos);
  }
  ASSERT_TRUE(fs::exists(x.dir / ".ninja_log"));
  ASSERT_TRUE(fs::exists(x.dir / "build.ninja"));
  ASSERT_TRUE(fs::exists(x.out() / "config.json"));
}

}  // namespace
