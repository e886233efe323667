// Several models in one build, end to end (issue 17's "done when"): real
// cbgen, ninja, cbrun and the cooperbench double. Records per model and
// setting, `ninja MODEL-SETTING` running only that model's pairs, a pool per
// provider, a missing or rejected key stopping only its provider's runs, and
// another agent's records never taken as this build's.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "test_util.h"

namespace {

using cbtest::Experiment;
namespace fs = std::filesystem;
namespace json = boost::json;

constexpr char kModels[] = "--models command-a-03-2025,gpt-4o";
constexpr char kOpenaiKey[] = "OPENAI_API_KEY=cbtest-openai-key ";

// The model each `cooperbench run` call was started with.
std::map<std::string, size_t> CallsByModel(const Experiment& x) {
  std::map<std::string, size_t> calls;
  for (const json::value& call : cbtest::ReadJsonLines(x.calls())) {
    const json::array& argv = call.at("argv").as_array();
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      if (argv[i] == "-m") ++calls[std::string(argv[i + 1].as_string())];
  }
  return calls;
}

std::map<std::string, size_t> RecordsByRun(const fs::path& out) {
  std::map<std::string, size_t> runs;
  for (const fs::path& r : cbtest::FindRecords(out))
    ++runs[r.lexically_relative(out).begin()->string()];
  return runs;
}

// The first `tasks` tasks of the test dataset's flash subset, as a subset file.
fs::path SmallSubset(const Experiment& x, size_t tasks) {
  json::value flash = cbtest::ReadJson(cbtest::DatasetDir() / "subsets" / "flash.json");
  json::array& list = flash.as_object()["tasks"].as_array();
  list.resize(std::min(tasks, list.size()));
  flash.as_object().erase("stats");
  const fs::path file = x.dir / "small.json";
  cbtest::WriteText(file, json::serialize(flash));
  return file;
}

size_t PairsIn(const fs::path& subset) {
  size_t n = 0;
  const json::value doc = cbtest::ReadJson(subset);
  for (const json::value& t : doc.at("tasks").as_array())
    n += t.at("pairs").as_array().size();
  return n;
}

std::string Tail(const std::string& text) {
  return text.substr(text.size() > 3000 ? text.size() - 3000 : 0);
}

TEST(ModelMatrix, FourRunsOfLiteAndOneModelsTargetRunsOnlyIt) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages(cbtest::SubsetImages("lite")), "");
  Experiment x;
  cbtest::CommandResult gen =
      x.Generate("lite", std::string(kModels) + " --settings solo,coop-nocomm");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  EXPECT_NE(gen.output.find("400 run targets"), std::string::npos) << gen.output;

  cbtest::CommandResult one = cbtest::Run(kOpenaiKey + x.Env() + "ninja -j4 command-a-solo",
                                          x.dir.path());
  ASSERT_EQ(one.exit_code, 0) << Tail(one.output);
  EXPECT_EQ(x.Calls(), 100u);
  EXPECT_EQ(CallsByModel(x), (std::map<std::string, size_t>{{"command-a-03-2025", 100}}));
  EXPECT_EQ(RecordsByRun(x.out()), (std::map<std::string, size_t>{{"command-a-solo", 100}}));

  cbtest::CommandResult all = cbtest::Run(kOpenaiKey + x.Env() + "ninja -j4", x.dir.path());
  ASSERT_EQ(all.exit_code, 0) << Tail(all.output);
  EXPECT_EQ(RecordsByRun(x.out()), (std::map<std::string, size_t>{{"command-a-coop-nocomm", 100},
                                                                   {"command-a-solo", 100},
                                                                   {"gpt-4o-coop-nocomm", 100},
                                                                   {"gpt-4o-solo", 100}}));
  EXPECT_EQ(x.Calls(), 400u) << "every (model, setting, pair) once";
  EXPECT_EQ(CallsByModel(x), (std::map<std::string, size_t>{{"command-a-03-2025", 200},
                                                             {"gpt-4o", 200}}));
  for (const fs::path& r : cbtest::FindRecords(x.out() / "gpt-4o-solo"))
    ASSERT_EQ(cbtest::ReadJson(r).at("model"), "gpt-4o") << r;
}

TEST(ModelMatrix, EachProviderHasItsOwnPool) {
  Experiment x;
  const fs::path subset = SmallSubset(x, 4);
  const size_t pairs = PairsIn(subset);
  ASSERT_GE(pairs, 5u);
  cbtest::WriteText(x.plan(), R"({"default": ["pass:1.2"]})");
  cbtest::CommandResult gen = x.Generate(
      subset.string(),
      std::string(kModels) + " --settings solo --backend modal --max-runs-per-provider 2");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const fs::path spans = x.dir / "spans.jsonl";
  cbtest::CommandResult run = cbtest::Run(
      kOpenaiKey + x.Env() + "FAKE_CB_SPANS=" + cbtest::Sh(spans.string()) + " ninja -j8",
      x.dir.path());
  ASSERT_EQ(run.exit_code, 0) << Tail(run.output);
  ASSERT_EQ(cbtest::FindRecords(x.out()).size(), 2 * pairs);

  // At each start: how many runs of each model were working.
  const std::vector<json::value> lines = cbtest::ReadJsonLines(spans);
  ASSERT_EQ(lines.size(), 2 * pairs);
  std::map<std::string, int> most;
  int both_at_once = 0;
  for (const json::value& s : lines) {
    const double t = s.at("started").to_number<double>() + 0.05;
    std::map<std::string, int> working;
    for (const json::value& o : lines)
      if (o.at("started").to_number<double>() <= t && t < o.at("ended").to_number<double>())
        ++working[std::string(o.at("model").as_string())];
    for (const auto& [model, n] : working) most[model] = std::max(most[model], n);
    if (working.size() == 2) ++both_at_once;
  }
  EXPECT_EQ(most["command-a-03-2025"], 2) << "the pool is used, and never exceeded";
  EXPECT_EQ(most["gpt-4o"], 2);
  EXPECT_GT(both_at_once, 0) << "one provider's runs go on while the other's run";
}

TEST(ModelMatrix, AMissingKeyFailsDoctorAndStopsOnlyItsProvider) {
  Experiment x;
  const fs::path subset = SmallSubset(x, 3);
  const size_t pairs = PairsIn(subset);
  cbtest::CommandResult gen =
      x.Generate(subset.string(), std::string(kModels) + " --settings solo --backend modal");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const std::string no_key = "env -u OPENAI_API_KEY FAKE_CB_REQUIRE_KEY=1 ";

  cbtest::CommandResult doctor =
      cbtest::Run(no_key + cbtest::Sh(cbtest::Cbgen()) + " doctor --out out", x.dir.path());
  EXPECT_NE(doctor.exit_code, 0);
  EXPECT_NE(doctor.output.find("OPENAI_API_KEY is not set: export OPENAI_API_KEY=<your key>"),
            std::string::npos)
      << doctor.output;
  EXPECT_NE(doctor.output.find("(for gpt-4o)"), std::string::npos) << doctor.output;
  EXPECT_NE(doctor.output.find("COHERE_API_KEY: set (value not shown) (for command-a-03-2025)"),
            std::string::npos)
      << doctor.output;

  cbtest::CommandResult run = cbtest::Run(no_key + x.Env() + "ninja -j4", x.dir.path());
  EXPECT_EQ(run.exit_code, 0) << Tail(run.output);
  EXPECT_NE(run.output.find("OPENAI_API_KEY is not set (model gpt-4o needs it); the openai runs "
                            "of this ninja are stopped (no record)"),
            std::string::npos)
      << Tail(run.output);
  EXPECT_EQ(RecordsByRun(x.out()), (std::map<std::string, size_t>{{"command-a-solo", pairs}}));
  EXPECT_EQ(CallsByModel(x), (std::map<std::string, size_t>{{"command-a-03-2025", pairs}}));

  // A key the provider rejects: the first gpt-4o runs find out, the rest never start.
  std::string plan = R"({"default": ["pass"], "pairs": {)";
  bool first = true;
  const json::value doc = cbtest::ReadJson(subset);
  for (const json::value& t : doc.at("tasks").as_array())
    for (const json::value& p : t.at("pairs").as_array()) {
      plan += (first ? "" : ", ") + std::string("\"gpt-4o-solo:") +
              std::string(t.at("repo").as_string()) + "/" +
              std::to_string(t.at("task_id").to_number<long long>()) + "/f" +
              std::to_string(p.as_array()[0].to_number<int>()) + "_f" +
              std::to_string(p.as_array()[1].to_number<int>()) + "\": [\"auth\"]";
      first = false;
    }
  cbtest::WriteText(x.plan(), plan + "}}");
  run = cbtest::Run(kOpenaiKey + x.Env() + "ninja -j2", x.dir.path());
  EXPECT_EQ(run.exit_code, 0) << Tail(run.output);
  EXPECT_NE(run.output.find("auth_failed"), std::string::npos) << Tail(run.output);
  EXPECT_NE(run.output.find("(check OPENAI_API_KEY); the openai runs of this ninja are stopped"),
            std::string::npos)
      << Tail(run.output);
  EXPECT_LE(CallsByModel(x)["gpt-4o"], 2u) << "only the runs already started when it was rejected";
  EXPECT_EQ(RecordsByRun(x.out()), (std::map<std::string, size_t>{{"command-a-solo", pairs}}));

  // The next ninja tries the provider again.
  cbtest::WriteText(x.plan(), R"({"default": ["pass"]})");
  run = cbtest::Run(kOpenaiKey + x.Env() + "ninja -j4", x.dir.path());
  EXPECT_EQ(run.exit_code, 0) << Tail(run.output);
  EXPECT_EQ(RecordsByRun(x.out()), (std::map<std::string, size_t>{{"command-a-solo", pairs},
                                                                   {"gpt-4o-solo", pairs}}));
}

TEST(ModelMatrix, AnotherAgentsRecordsAreNeverTakenAsThisBuilds) {
  Experiment x;
  const fs::path subset = SmallSubset(x, 2);
  ASSERT_EQ(x.Generate(subset.string(), "--settings solo --backend modal").exit_code, 0);
  cbtest::CommandResult run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << Tail(run.output);
  const size_t calls = x.Calls();
  const std::string ninja_before = cbtest::ReadText(x.dir / "build.ninja");

  cbtest::CommandResult codex =
      x.Generate(subset.string(), "--settings solo --backend modal --agent codex");
  EXPECT_NE(codex.exit_code, 0);
  EXPECT_NE(codex.output.find("command-a-solo holds records of model command-a-03-2025 with agent "
                              "mini_swe_agent_v2"),
            std::string::npos)
      << codex.output;
  EXPECT_NE(codex.output.find("--run-prefix command-a-codex"), std::string::npos) << codex.output;
  EXPECT_NE(codex.output.find("cbgen forget"), std::string::npos) << codex.output;
  EXPECT_EQ(cbtest::ReadText(x.dir / "build.ninja"), ninja_before) << "nothing changed";

  codex = x.Generate(subset.string(),
                     "--settings solo --backend modal --agent codex --run-prefix command-a-codex");
  ASSERT_EQ(codex.exit_code, 0) << codex.output;
  run = x.Ninja("-j4");
  ASSERT_EQ(run.exit_code, 0) << Tail(run.output);
  EXPECT_EQ(x.Calls(), 2 * calls) << "the new agent's runs, under their own names";
  for (const fs::path& r : cbtest::FindRecords(x.out() / "command-a-codex-solo"))
    EXPECT_EQ(cbtest::ReadJson(r).at("agent"), "codex") << r;
}

// Issue 24 item 2: the forget command the refusal suggests runs as printed, sets aside exactly
// that run's records (another run's stay), and the other agent may then take the run names.
TEST(ModelMatrix, TheSuggestedForgetRunsAndFreesTheRunNames) {
  Experiment x;
  const fs::path subset = SmallSubset(x, 2);
  ASSERT_EQ(x.Generate(subset.string(), "--settings solo,coop-nocomm --backend modal").exit_code,
            0);
  ASSERT_EQ(x.Ninja("-j4").exit_code, 0);
  const size_t calls = x.Calls();
  const size_t pairs = PairsIn(subset);

  cbtest::CommandResult codex =
      x.Generate(subset.string(), "--settings solo --backend modal --agent codex");
  ASSERT_NE(codex.exit_code, 0);
  const std::string head = "set those records aside first (";
  const size_t at = codex.output.find(head);
  ASSERT_NE(at, std::string::npos) << codex.output;
  const size_t from = at + head.size();
  const std::string suggested = codex.output.substr(from, codex.output.find(')', from) - from);
  EXPECT_EQ(suggested, "cbgen forget --out out --run command-a-solo --tag any");
  ASSERT_EQ(suggested.rfind("cbgen ", 0), 0u) << suggested;
  cbtest::CommandResult forget =
      cbtest::Run(cbtest::Sh(cbtest::Cbgen()) + suggested.substr(5), x.dir.path());
  ASSERT_EQ(forget.exit_code, 0) << forget.output;
  EXPECT_EQ(RecordsByRun(x.out()),
            (std::map<std::string, size_t>{{"command-a-coop-nocomm", pairs}}))
      << "only command-a-solo's records were set aside: " << forget.output;

  codex = x.Generate(subset.string(), "--settings solo --backend modal --agent codex");
  ASSERT_EQ(codex.exit_code, 0) << codex.output;
  ASSERT_EQ(x.Ninja("-j4").exit_code, 0);
  EXPECT_EQ(x.Calls(), calls + pairs) << "the solo pairs again, with codex";
  for (const fs::path& r : cbtest::FindRecords(x.out() / "command-a-solo"))
    EXPECT_EQ(cbtest::ReadJson(r).at("agent"), "codex") << r;
}

}  // namespace
