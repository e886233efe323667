// Micro-benchmarks of the generator's in-process work: planning and writing
// build.ninja for synthetic `all` datasets (10 features per task, every
// 2-combination, 3 settings), longest-first planning with history, escaping.
// bench/run runs this binary and quotes it; it can also be run by hand:
//   build-bench/bin/cbgen_microbench --benchmark_filter=PlanAndWrite
#include <sstream>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "generator/ninja_escape.h"
#include "generator/ninja_writer.h"
#include "generator/plan.h"

namespace {

constexpr int kFeatures = 10;  // 45 pairs a task, 135 run targets

std::vector<cb::TaskSpec> Tasks(int n) {
  std::vector<cb::TaskSpec> tasks;
  for (int i = 0; i < n; ++i) {
    cb::TaskSpec t;
    t.repo = absl::StrCat("synth", i % 10, "_task");
    t.task_id = 1000 + i;
    for (int f = 1; f <= kFeatures; ++f) t.features.push_back(f);
    for (int a = 1; a <= kFeatures; ++a)
      for (int b = a + 1; b <= kFeatures; ++b) t.pairs.emplace_back(a, b);
    tasks.push_back(std::move(t));
  }
  return tasks;
}

cb::ExperimentOptions Options() {
  cb::ExperimentOptions o;
  o.settings = {cb::Setting::kSolo, cb::Setting::kCoopComm, cb::Setting::kCoopNocomm};
  o.backend = "docker";
  o.run_prefix = "command-a";
  o.out = "out";
  return o;
}

cb::BuildFileInfo Info() {
  cb::BuildFileInfo info;
  info.cbgen = "/usr/local/bin/cbgen";
  info.cbrun = "/usr/local/bin/cbrun";
  info.config = "out/config.json";
  info.regen_args = {"all", "--dataset-dir", "/data/dataset"};
  info.regen_inputs = {"/data/dataset", "/usr/local/bin/cbgen"};
  return info;
}

// History for every `stride`-th pair (1: all pairs known; 2: half of them, so
// the other half falls back to the task mean or the median).
cb::DurationHistory History(const std::vector<cb::TaskSpec>& tasks, int stride) {
  cb::DurationHistory h;
  int i = 0;
  for (const cb::TaskSpec& t : tasks)
    for (auto [a, b] : t.pairs)
      if (i++ % stride == 0) h[cb::PairId{t.repo, t.task_id, a, b}] = 60.0 + (i * 37) % 540;
  return h;
}

// Planning + rendering the whole file, as `cbgen all` does between reading the
// dataset and the write (here into a sink that only counts). Arg: tasks
// (x135 run targets).
void BM_PlanAndWrite(benchmark::State& state) {
  const auto tasks = Tasks(static_cast<int>(state.range(0)));
  const auto opts = Options();
  const auto info = Info();
  size_t bytes = 0, targets = 0;
  for (auto _ : state) {
    auto plan = cb::MakePlan(tasks, opts, {});
    bytes = 0;
    absl::Status s = cb::WriteBuildNinja(*plan, opts, info, [&](absl::string_view piece) {
      bytes += piece.size();
      return absl::OkStatus();
    });
    if (!s.ok()) state.SkipWithError("write failed");
    targets = plan->runs.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["run_targets"] = static_cast<double>(targets);
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["targets_per_s"] = benchmark::Counter(
      static_cast<double>(targets), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PlanAndWrite)->Arg(2)->Arg(74)->Arg(333)->Arg(1000)->Unit(benchmark::kMillisecond);

// Planning alone, without history: the longest-first sort degenerates to name order.
void BM_Plan(benchmark::State& state) {
  const auto tasks = Tasks(static_cast<int>(state.range(0)));
  const auto opts = Options();
  for (auto _ : state) benchmark::DoNotOptimize(cb::MakePlan(tasks, opts, {}));
}
BENCHMARK(BM_Plan)->Arg(2)->Arg(1000)->Unit(benchmark::kMillisecond);

// Planning with history of every pair (a regenerate after a finished run).
void BM_PlanWithFullHistory(benchmark::State& state) {
  const auto tasks = Tasks(static_cast<int>(state.range(0)));
  const auto opts = Options();
  const auto history = History(tasks, 1);
  for (auto _ : state) benchmark::DoNotOptimize(cb::MakePlan(tasks, opts, history));
}
BENCHMARK(BM_PlanWithFullHistory)->Arg(2)->Arg(1000)->Unit(benchmark::kMillisecond);

// Planning with history of half the pairs (a regenerate mid-run): the other
// half need their task's mean or the median of all history.
void BM_PlanWithHalfHistory(benchmark::State& state) {
  const auto tasks = Tasks(static_cast<int>(state.range(0)));
  const auto opts = Options();
  const auto history = History(tasks, 2);
  for (auto _ : state) benchmark::DoNotOptimize(cb::MakePlan(tasks, opts, history));
}
BENCHMARK(BM_PlanWithHalfHistory)
    ->Arg(2)
    ->Arg(20)
    ->Arg(74)
    ->Arg(333)
    ->Unit(benchmark::kMillisecond);

// Escaping one record path (every run edge needs one) and one shell argument.
void BM_EscapePath(benchmark::State& state) {
  const std::string path =
      "out/command-a-coop-nocomm/samuelcolvin_dirty_equals_task/task43/f3_f9.json";
  for (auto _ : state) benchmark::DoNotOptimize(cb::EscapePath(path));
}
BENCHMARK(BM_EscapePath);

void BM_EscapeShellArg(benchmark::State& state) {
  const std::string arg = "it's a model/name with spaces";
  for (auto _ : state) benchmark::DoNotOptimize(cb::EscapeShellArg(arg));
}
BENCHMARK(BM_EscapeShellArg);

}  // namespace

BENCHMARK_MAIN();
