// Issue 17's report "done when", end to end: a scripted two-model build (real
// cbgen, ninja, cbrun, Docker and Redis, the cooperbench double with a plan of
// outcomes per model and pair), then `cbgen report --json` checked against the
// records themselves (counts, costs, the paired tables of the gaps and of the
// comparison), and the HTML index with its forest plot and pair pages, which
// render in headless Chromium with no console messages and show the patches
// and the agents' messages.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "chromium_util.h"
#include "test_util.h"

namespace {

using cbtest::Experiment;
namespace fs = std::filesystem;
namespace json = boost::json;

const std::map<std::string, std::string> kPrefixOf = {{"command-a-03-2025", "command-a"},
                                                      {"gpt-4o", "gpt-4o"}};

// The first tasks of flash, as a subset file; fills `keys` with "REPO/TASK/fA_fB".
fs::path SmallSubset(const Experiment& x, std::vector<std::string>* keys) {
  json::value flash = cbtest::ReadJson(cbtest::DatasetDir() / "subsets" / "flash.json");
  json::array& list = flash.as_object()["tasks"].as_array();
  list.resize(3);
  flash.as_object().erase("stats");
  for (const json::value& t : list)
    for (const json::value& p : t.at("pairs").as_array())
      keys->push_back(std::string(t.at("repo").as_string()) + "/" +
                      std::to_string(t.at("task_id").to_number<long long>()) + "/f" +
                      std::to_string(p.as_array()[0].to_number<int>()) + "_f" +
                      std::to_string(p.as_array()[1].to_number<int>()));
  const fs::path file = x.dir / "small.json";
  cbtest::WriteText(file, json::serialize(flash));
  return file;
}

// A fixed mix of outcomes per (run, pair), so the models and settings differ.
bool Passes(const std::string& run, size_t i) {
  if (run == "command-a-solo") return i % 3 != 0;
  if (run == "command-a-coop-comm") return i % 2 == 0;
  if (run == "gpt-4o-solo") return i % 4 != 1;
  return i % 3 == 1;  // gpt-4o-coop-comm
}

std::string OutcomePlan(const std::vector<std::string>& keys) {
  json::object pairs;
  for (const auto& [model, prefix] : kPrefixOf)
    for (const char* setting : {"solo", "coop-comm"}) {
      const std::string run = prefix + "-" + setting;
      for (size_t i = 0; i < keys.size(); ++i)
        pairs[run + ":" + keys[i]] = json::array{Passes(run, i) ? "pass@0.25" : "fail@0.125"};
    }
  return json::serialize(json::object{{"default", json::array{"pass"}}, {"pairs", pairs}});
}

struct RunRecords {
  long long pass = 0, fail = 0;
  double cost = 0;
  std::map<std::string, bool> passed;  // by "REPO/TASK/fA_fB"
};

std::map<std::string, RunRecords> ReadRecords(const fs::path& out) {
  std::map<std::string, RunRecords> runs;
  for (const fs::path& file : cbtest::FindRecords(out)) {
    const json::value r = cbtest::ReadJson(file);
    RunRecords& run = runs[std::string(r.at("run_name").as_string())];
    const bool pass = r.at("tag") == "pass";
    ++(pass ? run.pass : run.fail);
    run.cost += r.at("cost_usd").to_number<double>();
    const json::array& f = r.at("features").as_array();
    run.passed[std::string(r.at("repo").as_string()) + "/" +
               std::to_string(r.at("task_id").to_number<long long>()) + "/f" +
               std::to_string(f[0].to_number<int>()) + "_f" + std::to_string(f[1].to_number<int>())] =
        pass;
  }
  return runs;
}

// {both, x only, y only, neither} of two runs on their common pairs.
std::vector<long long> PairedTable(const RunRecords& x, const RunRecords& y) {
  std::vector<long long> t(4, 0);
  for (const auto& [key, xp] : x.passed) {
    auto it = y.passed.find(key);
    if (it == y.passed.end()) continue;
    ++t[xp && it->second ? 0 : xp ? 1 : it->second ? 2 : 3];
  }
  return t;
}

void ExpectTable(const json::value& table, const std::vector<long long>& t,
                 const std::vector<std::string>& names) {
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(table.at(names[i]), t[i]) << names[i] << " " << table;
}

TEST(ModelReport, TwoModelsAgreeWithTheRecordsAndThePagesRender) {
  CBTEST_REQUIRE_DOCKER();
  REQUIRE_CHROMIUM();
  ASSERT_EQ(cbtest::TagTestImages(cbtest::SubsetImages("flash")), "");
  Experiment x;
  std::vector<std::string> keys;
  const fs::path subset = SmallSubset(x, &keys);
  cbtest::WriteText(x.plan(), OutcomePlan(keys));
  cbtest::CommandResult gen = x.Generate(
      subset.string(), "--models command-a-03-2025,gpt-4o --settings solo,coop-comm");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult run =
      cbtest::Run("OPENAI_API_KEY=cbtest-openai-key " + x.Env() + "ninja -j4", x.dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output.substr(run.output.size() > 3000 ? run.output.size() - 3000 : 0);
  const std::map<std::string, RunRecords> runs = ReadRecords(x.out());
  ASSERT_EQ(runs.size(), 4u);

  cbtest::CommandResult rep = cbtest::Run(
      cbtest::Sh(cbtest::Cbgen()) + " report --json --html html/index.html", x.dir.path());
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  const json::value report = json::parse(rep.output);
  const json::object& models = report.at("models").as_object();
  ASSERT_EQ(models.size(), 2u) << report;
  EXPECT_FALSE(report.as_object().contains("settings")) << "never pooled across models";
  for (const auto& [model, prefix] : kPrefixOf) {
    const json::value& m = models.at(model);
    for (const char* setting : {"solo", "coop-comm"}) {
      const RunRecords& rec = runs.at(prefix + "-" + setting);
      const json::value& s = m.at("settings").at(setting);
      EXPECT_EQ(s.at("pass"), rec.pass) << model << " " << setting;
      EXPECT_EQ(s.at("fail"), rec.fail) << model << " " << setting;
      EXPECT_EQ(s.at("pairs"), static_cast<long long>(keys.size()));
      EXPECT_NEAR(s.at("cost_usd").to_number<double>(), rec.cost, 1e-9) << model << " " << setting;
    }
    EXPECT_FALSE(m.at("settings").as_object().contains("coop-nocomm")) << "not built";
    ExpectTable(m.at("gap").at("coop-comm").at("table"),
                PairedTable(runs.at(prefix + "-solo"), runs.at(prefix + "-coop-comm")),
                {"both_pass", "solo_only", "coop_only", "neither"});
  }
  const json::array& comparisons = report.at("comparisons").as_array();
  ASSERT_EQ(comparisons.size(), 1u);
  const json::value& c = comparisons[0];
  const std::string a = std::string(c.at("a").as_string()), b = std::string(c.at("b").as_string());
  ASSERT_EQ((std::set<std::string>{a, b}), (std::set<std::string>{"command-a-03-2025", "gpt-4o"}));
  for (const char* setting : {"solo", "coop-comm"})
    ExpectTable(c.at("pass_rate").at(setting).at("table"),
                PairedTable(runs.at(kPrefixOf.at(a) + "-" + setting),
                            runs.at(kPrefixOf.at(b) + "-" + setting)),
                {"both_pass", "a_only", "b_only", "neither"});
  EXPECT_EQ(c.at("gap").at("coop-comm").at("pairs"), static_cast<long long>(keys.size()));

  // The index: the forest plot, and a link to every pair's page.
  const fs::path index = x.dir / "html" / "index.html";
  const std::string html = cbtest::ReadText(index);
  EXPECT_NE(html.find("Coordination gap per model and coop setting"), std::string::npos)
      << "the forest plot of the gaps";
  size_t pages = 0;
  for (const auto& page : fs::directory_iterator(x.dir / "html" / "pairs")) {
    ++pages;
    EXPECT_NE(html.find("href=\"pairs/" + page.path().filename().string() + "\""),
              std::string::npos);
  }
  EXPECT_EQ(pages, keys.size());
  std::string console, dom;
  ASSERT_EQ(cbtest::RunChromium(x.dir.path(), "--dump-dom", index, &console, &dom), 0);
  EXPECT_EQ(console, "");
  const fs::path page = *fs::directory_iterator(x.dir / "html" / "pairs");
  ASSERT_EQ(cbtest::RunChromium(x.dir.path(), "--dump-dom", page, &console, &dom), 0);
  EXPECT_EQ(console, "");
  for (const char* model : {"command-a-03-2025", "gpt-4o"})
    EXPECT_NE(dom.find(model), std::string::npos) << "the pair across models";
  EXPECT_NE(dom.find("class=\"add\""), std::string::npos) << "a patch, as a diff";
  EXPECT_NE(dom.find("I am editing"), std::string::npos) << "the agents' messages";
}

}  // namespace
