// Longest first: with records of earlier runs in OUT, cbgen orders each
// setting's run edges by expected duration (the pair's own history in any
// setting, else its task's mean, else the median of all history), keeps solo
// before coop whatever order --settings lists them in, and Ninja 1.11 starts
// ready edges in manifest order, so `ninja -j1` calls cooperbench in that order.
// Cloud backend: no Docker needed.
#include <gtest/gtest.h>

#include <sstream>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

// alpha_task/1 and beta_task/2 with features 1-3, gamma_task/3 with 1-2:
// 7 pairs under `cbgen all`.
fs::path MakeDataset(const fs::path& root) {
  const fs::path d = root / "dataset";
  for (const char* f :
       {"alpha_task/task1/feature1", "alpha_task/task1/feature2", "alpha_task/task1/feature3",
        "beta_task/task2/feature1", "beta_task/task2/feature2", "beta_task/task2/feature3",
        "gamma_task/task3/feature1", "gamma_task/task3/feature2", "subsets"})
    fs::create_directories(d / f);
  return d;
}

// A record as cbrun writes it (only what history reads matters here).
void WriteRecord(const fs::path& out, const std::string& run_name, const std::string& repo,
                 int task, int a, int b, double duration_s) {
  const std::string setting =
      run_name.substr(run_name.find('-', std::string("command-").size()) + 1);
  std::ostringstream j;
  j << R"({"schema":1,"tag":"pass","reason":"tests_passed","detail":"","setting":")" << setting
    << R"(","run_name":")" << run_name << R"(","repo":")" << repo << R"(","task_id":)" << task
    << R"(,"features":[)" << a << "," << b
    << R"(],"model":"command-a-03-2025","agent":"mini_swe_agent","backend":"modal",)"
    << R"("cost_usd":0.1,"tokens":{"input":1,"output":1},"duration_s":)" << duration_s
    << R"(,"started_at":"2026-01-01T00:00:00Z","finished_at":"2026-01-01T00:10:00Z",)"
    << R"("feature1_passed":true,"feature2_passed":true,"attempts":[]})";
  cbtest::WriteText(out / run_name / repo / ("task" + std::to_string(task)) /
                        ("f" + std::to_string(a) + "_f" + std::to_string(b) + ".json"),
                    j.str());
}

// "RUN_NAME REPO/TASK/fA_fB" of every run edge, in manifest order.
std::vector<std::string> RunEdges(const fs::path& build_ninja) {
  std::vector<std::string> edges;
  std::istringstream in(cbtest::ReadText(build_ninja));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("build out/") || line.find(": run") == std::string::npos) continue;
    fs::path rec = line.substr(std::string("build ").size(), line.find(": run") - 6);
    std::vector<std::string> p(rec.begin(), rec.end());  // out RUN REPO taskN fA_fB.json
    edges.push_back(p[1] + " " + p[2] + "/" + p[3].substr(4) + "/" + rec.stem().string());
  }
  return edges;
}

// "RUN_NAME REPO/TASK/fA_fB" of every cooperbench call, in call order.
std::vector<std::string> CallOrder(const fs::path& calls) {
  std::vector<std::string> order;
  for (const boost::json::value& c : cbtest::ReadJsonLines(calls)) {
    std::map<std::string, std::string> flag;
    const auto& argv = c.at("argv").as_array();
    for (size_t i = 0; i + 1 < argv.size(); ++i)
      flag[std::string(argv[i].as_string())] = std::string(argv[i + 1].as_string());
    std::string f = flag["-f"];
    f = "f" + f.substr(0, f.find(',')) + "_f" + f.substr(f.find(',') + 1);
    order.push_back(flag["-n"] + " " + flag["-r"] + "/" + flag["-t"] + "/" + f);
  }
  return order;
}

std::vector<std::string> Prefixed(const std::string& run_name, std::vector<std::string> pairs) {
  for (std::string& p : pairs) p = run_name + " " + p;
  return pairs;
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

cbtest::CommandResult Generate(const cbtest::Experiment& x, const fs::path& dataset,
                               const std::string& extra) {
  return cbtest::Run(x.Env() + cbtest::Sh(cbtest::Cbgen()) + " all --dataset-dir " +
                         cbtest::Sh(dataset.string()) + " --cooperbench " +
                         cbtest::Sh(cbtest::FakeCooperbench()) + " --backend modal " + extra,
                     x.dir.path());
}

// cbrun's preflight wants the API key variable set; the double never uses it.
cbtest::CommandResult Ninja(const cbtest::Experiment& x, const std::string& args) {
  return cbtest::Run(x.Env() + "COHERE_API_KEY=test-dummy ninja " + args, x.dir.path());
}

TEST(LongestFirst, WithoutHistoryRunsAreInNameOrderSoloFirst) {
  cbtest::Experiment x;
  const fs::path dataset = MakeDataset(x.dir.path());
  cbtest::CommandResult gen = Generate(x, dataset, "--settings coop-nocomm,solo");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const std::vector<std::string> names = {
      "alpha_task/1/f1_f2", "alpha_task/1/f1_f3", "alpha_task/1/f2_f3", "beta_task/2/f1_f2",
      "beta_task/2/f1_f3",  "beta_task/2/f2_f3",  "gamma_task/3/f1_f2"};
  EXPECT_EQ(RunEdges(x.dir / "build.ninja"),
            Concat(Prefixed("command-a-solo", names), Prefixed("command-a-coop-nocomm", names)));
}

TEST(LongestFirst, HistoryOrdersRunEdgesAndNinjaCallsThemInThatOrder) {
  cbtest::Experiment x;
  const fs::path dataset = MakeDataset(x.dir.path());
  // An earlier run in the same OUT left three solo records.
  WriteRecord(x.out(), "command-a-solo", "alpha_task", 1, 1, 2, 5);
  WriteRecord(x.out(), "command-a-solo", "alpha_task", 1, 2, 3, 30);
  WriteRecord(x.out(), "command-a-solo", "beta_task", 2, 1, 3, 100);
  cbtest::CommandResult gen = Generate(x, dataset, "--settings coop-nocomm,solo");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;

  // Expected seconds: beta/2 pairs 100 (own, else beta's mean), alpha f2_f3 30 (own),
  // gamma f1_f2 30 (no task history: median of 5, 30, 100), alpha f1_f3 17.5 (alpha's
  // mean), alpha f1_f2 5. Ties go by name.
  const std::vector<std::string> expected = {
      "beta_task/2/f1_f2",  "beta_task/2/f1_f3",  "beta_task/2/f2_f3", "alpha_task/1/f2_f3",
      "gamma_task/3/f1_f2", "alpha_task/1/f1_f3", "alpha_task/1/f1_f2"};
  ASSERT_EQ(RunEdges(x.dir / "build.ninja"), Concat(Prefixed("command-a-solo", expected),
                                                    Prefixed("command-a-coop-nocomm", expected)));

  cbtest::CommandResult run = Ninja(x, "-j1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // Solo pairs with a record are kept without a call; everything else runs in
  // manifest order, one at a time.
  const std::vector<std::string> solo_to_run = {"beta_task/2/f1_f2", "beta_task/2/f2_f3",
                                                "gamma_task/3/f1_f2", "alpha_task/1/f1_f3"};
  EXPECT_EQ(CallOrder(x.calls()), Concat(Prefixed("command-a-solo", solo_to_run),
                                         Prefixed("command-a-coop-nocomm", expected)));
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 14u);
}

TEST(LongestFirst, HistoryFromAnotherSettingCounts) {
  cbtest::Experiment x;
  const fs::path dataset = MakeDataset(x.dir.path());
  // Only coop-comm history; the build runs solo.
  WriteRecord(x.out(), "command-a-coop-comm", "gamma_task", 3, 1, 2, 400);
  WriteRecord(x.out(), "command-a-coop-comm", "alpha_task", 1, 1, 3, 10);
  cbtest::CommandResult gen = Generate(x, dataset, "--settings solo");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  // gamma 400; beta (no task history) median of {10, 400} = 400 (upper median);
  // alpha f1_f3 10 and the other alpha pairs alpha's mean, 10. Ties by name.
  EXPECT_EQ(
      RunEdges(x.dir / "build.ninja"),
      Prefixed("command-a-solo",
               {"beta_task/2/f1_f2", "beta_task/2/f1_f3", "beta_task/2/f2_f3", "gamma_task/3/f1_f2",
                "alpha_task/1/f1_f2", "alpha_task/1/f1_f3", "alpha_task/1/f2_f3"}));
}

}  // namespace
