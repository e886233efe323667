// Helpers shared by the tests: temp folders, running commands, the real
// binaries' paths, Docker availability and tiny test images.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace cbtest {

namespace fs = std::filesystem;

std::string Cbgen();            // the built cbgen
std::string Cbrun();            // the built cbrun
std::string FakeCooperbench();  // tests/fake_cooperbench/cooperbench
fs::path DatasetDir();          // the test dataset, BUILD/tests/dataset (tests/data/make_dataset)
fs::path SourceDir();

// A fresh folder under $TMPDIR, removed at the end unless CBTEST_KEEP is set.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& p) const { return path_ / p; }

 private:
  fs::path path_;
};

struct CommandResult {
  int exit_code = -1;  // 128+N for death by signal N
  std::string output;  // stdout and stderr together
};
// Runs `command` with /bin/sh -c in `cwd` (empty: current), stdin from /dev/null.
CommandResult Run(const std::string& command, const fs::path& cwd = {});

// Quotes for /bin/sh.
std::string Sh(const std::string& arg);

// Empty when a Docker daemon answers; else why not. Use CBTEST_REQUIRE_DOCKER().
std::string DockerUnavailableReason();

// Tests talk only to loopback or to addresses inside network namespaces they make: a test
// about a remote address (e.g. redis://192.0.2.1) runs its command through InOwnNetwork, in a
// new network namespace of its own (`unshare --net`: no interface up, so nothing leaves it).
// Unix sockets (Docker's) still work there. Needs root; the reason it cannot, or "".
std::string OwnNetworkUnavailableReason();
std::string InOwnNetwork(const std::string& command);
// True when the environment variable CI is set and not empty (.ci/run sets
// it): then whatever a test needs must be there (CBTEST_REQUIRE fails).
bool InCi();

// Makes the tiny test image (busybox with /workspace/repo) and tags it with
// every name in `images`. Returns an error text, empty on success.
std::string TagTestImages(const std::vector<std::string>& images);
// Canonical image names of every task in DATASET/subsets/NAME.json.
std::vector<std::string> SubsetImages(const std::string& subset);

// The subset of the bulk end-to-end runs: lite (26 images, 100 pairs a setting) in a plain
// build; under the sanitizers (scripts/hardening), where every process is several times
// slower, flash (20 images, 50 pairs a setting): the same paths in a third of the time.
struct BulkSize {
  std::string subset;
  size_t images;
  size_t pairs_per_setting;
};
bool Sanitized();
BulkSize Bulk();
// Removes these image tags (not the underlying test image).
void RemoveImages(const std::vector<std::string>& images);

// True while `pid` exists and is not a zombie.
bool ProcessAlive(int pid);

// Lines of a JSON-lines file (the double's call log); empty if missing.
std::vector<boost::json::value> ReadJsonLines(const fs::path& path);
boost::json::value ReadJson(const fs::path& path);
void WriteText(const fs::path& path, const std::string& text);
std::string ReadText(const fs::path& path);

// Gives `file` a modification time after `reference`'s that is not in the
// future: waits until the clock has passed `reference`'s time, then touches.
// (A future time would make Ninja regenerate build.ninja until the clock
// catches up, and give up after 100 tries.)
void TouchNewerThan(const fs::path& file, const fs::path& reference);

// Every record (*.json under OUT/<run-name>/), sorted.
std::vector<fs::path> FindRecords(const fs::path& out);

// An experiment folder: dataset link, the double, a call log and a plan.
struct Experiment {
  TempDir dir;
  fs::path calls() const { return dir / "calls.jsonl"; }            // `run` calls
  fs::path eval_calls() const { return dir / "eval-calls.jsonl"; }  // `eval` calls
  fs::path plan() const { return dir / "plan.json"; }
  fs::path out() const { return dir / "out"; }
  // Environment prefix for commands: FAKE_CB_CALLS, FAKE_CB_EVAL_CALLS, FAKE_CB_STATE,
  // FAKE_CB_PLAN.
  std::string Env() const;
  // cbgen SUBSET with the double and quick retries, plus `extra` options.
  CommandResult Generate(const std::string& subset, const std::string& extra = "") const;
  CommandResult Ninja(const std::string& args = "") const;
  // The double's `cooperbench run` calls: agents started (and paid for).
  size_t Calls() const { return ReadJsonLines(calls()).size(); }
  // Its `cooperbench eval` calls: evaluations (no model cost).
  size_t EvalCalls() const { return ReadJsonLines(eval_calls()).size(); }
};

}  // namespace cbtest

// For something a test needs from the machine (a Docker daemon, root, a
// program): `why_not` empty means it is there. Otherwise the test fails in CI
// (CI set, see InCi) and skips elsewhere, printing `what` and the reason.
#define CBTEST_REQUIRE(why_not, what)                                                 \
  do {                                                                                \
    const std::string cbtest_why = (why_not);                                         \
    if (!cbtest_why.empty()) {                                                        \
      if (::cbtest::InCi()) FAIL() << (what) << " is required in CI: " << cbtest_why; \
      GTEST_SKIP() << "skipped: needs " << (what) << " (" << cbtest_why << ")";       \
    }                                                                                 \
  } while (0)

// Skips outside CI when the test cannot make a network namespace; fails in CI.
#define CBTEST_REQUIRE_OWN_NETWORK() \
  CBTEST_REQUIRE(::cbtest::OwnNetworkUnavailableReason(), "a network namespace of its own (root)")

// Skips outside CI when no Docker daemon answers; fails in CI.
#define CBTEST_REQUIRE_DOCKER() \
  CBTEST_REQUIRE(::cbtest::DockerUnavailableReason(), "a Docker daemon")
