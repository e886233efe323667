// The generator's data model: what a subset names and what a build contains.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/naming.h"
#include "core/setting.h"

namespace cb {

// One task of a subset after reading the dataset: its features and the
// (sorted, distinct, existing) pairs to run.
struct TaskSpec {
  std::string repo;  // dataset folder, e.g. "dspy_task"
  long long task_id = 0;
  std::vector<int> features;               // feature numbers present on disk, ascending
  std::vector<std::pair<int, int>> pairs;  // first < second
};

// One model of a build and the names its runs go by.
struct ModelRun {
  std::string model;       // passed to cooperbench -m
  std::string run_prefix;  // its run names are <prefix>-<setting>
  std::string provider;    // litellm's (core/provider.h): its runs share a pool
  auto operator<=>(const ModelRun&) const = default;
};

// What decides the experiment's identity (and so appears on edges' command lines).
struct ExperimentOptions {
  std::vector<Setting> settings;  // in priority order
  // A one-model build (cbgen --model) sets `model` and `run_prefix` and leaves
  // `models` empty; a matrix (cbgen --models A,B) lists every model in
  // `models`, `model` and `run_prefix` being the first's.
  std::string model = "command-a-03-2025";
  std::string agent = "mini_swe_agent";
  std::string backend = "docker";     // docker | modal | gcp
  std::string run_prefix;             // run names are <prefix>-<setting>
  std::filesystem::path out = "out";  // as seen from build.ninja's folder
  std::vector<ModelRun> models;
  // Runs at a time per provider (a Ninja pool each); 0: no pool per provider.
  int max_runs_per_provider = 0;

  // `models`, or the one model of `model` and `run_prefix`.
  std::vector<ModelRun> Models() const;
  bool IsMatrix() const { return models.size() > 1; }
};

struct ImageTarget {
  std::string repo;
  long long task_id = 0;
  std::string image;            // canonical name cooperbench uses
  std::filesystem::path stamp;  // OUT/images/REPO-taskID.stamp
};

// A task as the plan names it, computed once and shared by its run targets.
struct PlannedTask {
  std::string repo;  // dataset folder, e.g. "dspy_task"
  long long task_id = 0;
  std::string short_name;  // "dspy/8394", in descriptions
};

// One (setting, pair): light on purpose (no strings), since the full dataset
// makes 135,000 of them. Its names come from the Plan that holds it.
struct RunTarget {
  Setting setting = Setting::kSolo;
  uint16_t model = 0;  // index into Plan::models
  uint32_t task = 0;   // index into Plan::tasks
  int feature_a = 0, feature_b = 0;
  double expected_duration_s = 0;  // for longest-first ordering
};

struct Plan {
  std::string out = "out";  // as seen from build.ninja's folder
  std::string run_prefix;   // run names are <prefix>-<setting suffix> (the first model's)
  std::vector<ModelRun> models;  // at least one; a matrix has several
  std::vector<PlannedTask> tasks;
  std::vector<ImageTarget> images;  // empty for cloud backends
  std::vector<RunTarget> runs;      // in scheduling priority order
  // Records already under OUT that no run target names (a narrower subset,
  // other settings or another run prefix left their pairs out), as build.ninja
  // names them (OUT/RUN_NAME/REPO/taskID/fA_fB.json), sorted. The writer keeps
  // them known to Ninja so that `ninja -t cleandead` never deletes them.
  std::vector<std::string> kept_records;

  PairId Pair(const RunTarget& run) const;
  std::string RunName(const RunTarget& run) const;      // "command-a-solo"
  std::string RecordPath(const RunTarget& run) const;   // OUT/RUN_NAME/REPO/taskID/fA_fB.json
  std::string Description(const RunTarget& run) const;  // "solo dspy/8394 [3,4]"
};

// Mean duration in seconds of earlier finished attempts, by pair (any setting).
using DurationHistory = std::map<PairId, double>;

// A record file found under OUT, known by its path alone:
// OUT/<run_name>/<pair.repo>/task<pair.task_id>/f<a>_f<b>.json.
struct RecordedPair {
  std::string run_name;
  PairId pair;
};

// Who made the records of one run name: the model and agent they name.
struct RunMaker {
  std::string model, agent;
  std::string example;  // one record that says so (its path)
  auto operator<=>(const RunMaker&) const = default;
};

// What cbgen learns from OUT's records before planning, in one walk.
struct OutHistory {
  DurationHistory durations;          // records of this build's run names only
  std::vector<RecordedPair> records;  // every record, any run prefix
  // For this build's run names: the (model, agent)s their records name.
  std::map<std::string, std::vector<RunMaker>> makers;
};

}  // namespace cb
