// The real-upstream suite (issue 11): cbgen + ninja + cbrun driving upstream's
// actual cooperbench code, release by release (../shared/upstream), under
// Debian's python3 with the fill-ins of tests/upstream/ (a scripted model in
// place of litellm). Real dockerd, real agent and evaluation containers, real
// Redis between two coop agents. The tasks are synthetic (tests/upstream/make-task):
// each feature pair plays one outcome.
//
// Needs ../shared/upstream (or CBTEST_UPSTREAM_ROOT): required in CI (which
// always has ../shared beside the clone), reported as not run in a clone that
// has none. CBTEST_COOPERBENCH=PATH runs the same tests against a
// cooperbench you installed (its litellm is replaced by the scripted model
// through PYTHONPATH, only for the test's processes).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>

#include "core/cooperbench_release.h"
#include "interrupt_util.h"
#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::CommandResult;
using cbtest::Sh;

// The synthetic task's repository folder and scenarios (features), as
// tests/upstream/make-task writes them.
constexpr char kRepo[] = "cbtest_synth_task";
struct Scenario {
  const char* name;
  int a, b;
};
constexpr Scenario kPass{"pass", 1, 2}, kTestFail{"testfail", 3, 4}, kLimits{"limits", 5, 6},
    kConflict{"conflict", 7, 8}, kApplyFail{"applyfail", 9, 10}, kRateLimit{"ratelimit", 11, 12},
    kTimeout{"timeout", 13, 14}, kAuth{"auth", 15, 16}, kLeadWins{"leadwins", 17, 18},
    kModDelete{"moddelete", 19, 20}, kSlowAgent{"slowagent", 23, 24}, kSlowEval{"sloweval", 25, 26},
    kUnpriced{"unpriced", 27, 28};

// The label cbrun's Docker proxy puts on every container of an attempt.
constexpr char kAttemptLabel[] = "cbrun.attempt";

fs::path UpstreamRoot() {
  if (const char* root = std::getenv("CBTEST_UPSTREAM_ROOT"); root && *root) return root;
  return (cbtest::SourceDir() / ".." / "shared" / "upstream").lexically_normal();
}

const char* UserCooperbench() {
  const char* path = std::getenv("CBTEST_COOPERBENCH");
  return path && *path ? path : nullptr;
}

fs::path HarnessDir() {
  return cbtest::SourceDir() / "tests" / "upstream";
}

// The release family a version behaves like: 0.0.11 (no --log-dir, v1 agent),
// 0.0.14 (union merge), 0.0.19 (no union merge).
std::string Family(const std::string& version) {
  std::optional<cb::ReleaseVersion> v = cb::ParseReleaseVersion(version);
  if (!v || *v < *cb::ParseReleaseVersion("0.0.12")) return "0.0.11";
  if (*v < *cb::ParseReleaseVersion("0.0.16")) return "0.0.14";
  return "0.0.19";
}

// Why the suite cannot run this release here, or "".
std::string UpstreamUnavailable(const std::string& release) {
  if (const char* user = UserCooperbench()) {
    absl::StatusOr<cb::CooperbenchRelease> r = cb::ProbeCooperbench(user);
    if (!r.ok()) return std::string(r.status().message());
    if (Family(r->version) != release)
      return "CBTEST_COOPERBENCH is release " + r->version + ", tested under " + Family(r->version);
    return "";
  }
  const fs::path src = UpstreamRoot() / ("cooperbench-" + release) / "src" / "cooperbench";
  if (!fs::exists(src / "cli.py"))
    return "upstream's source " + src.string() +
           " is not here (the suite runs ../shared/upstream's releases; not run)";
  return "";
}

// A clone with no upstream sources at all beside it (a newcomer's) reports the
// suite as not run; in CI (which always has ../shared) that fails, as does a
// missing release or Docker, like every other requirement.
bool NoUpstreamHere() {
  return !UserCooperbench() && !fs::exists(UpstreamRoot());
}

#define CBTEST_REQUIRE_UPSTREAM(release)                                                          \
  do {                                                                                            \
    if (NoUpstreamHere() && ::cbtest::InCi())                                                     \
      FAIL() << "upstream cooperbench's releases are required in CI: " << UpstreamRoot().string() \
             << " is missing (put ../shared/upstream beside the repository or set "               \
                "CBTEST_UPSTREAM_ROOT)";                                                          \
    if (NoUpstreamHere())                                                                         \
      GTEST_SKIP() << "not run: " << UpstreamRoot().string()                                      \
                   << " is not beside the repository (upstream cooperbench's releases; "          \
                      "CI has it, or set CBTEST_UPSTREAM_ROOT / CBTEST_COOPERBENCH)";             \
    CBTEST_REQUIRE(UpstreamUnavailable(release), "upstream cooperbench " + (release));            \
    CBTEST_REQUIRE_DOCKER();                                                                      \
  } while (0)

// One release's install, its synthetic task and image, and builds against them.
class Upstream : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    CBTEST_REQUIRE_UPSTREAM(GetParam());
    release_ = GetParam();
    // One image per release, so tests of different releases never share one.
    task_id_ = std::stoi(release_.substr(release_.rfind('.') + 1));
    if (const char* user = UserCooperbench()) {
      cooperbench_ = user;
      env_ = "PYTHONPATH=" + Sh((HarnessDir() / "fillins").string()) + " ";
    } else {
      CommandResult made = cbtest::Run("CBTEST_UPSTREAM_ROOT=" + Sh(UpstreamRoot().string()) + " " +
                                       Sh((HarnessDir() / "make-install").string()) + " " +
                                       release_ + " " + Sh((dir_ / "install").string()));
      ASSERT_EQ(made.exit_code, 0) << made.output;
      cooperbench_ = (dir_ / "install" / "bin" / "cooperbench").string();
    }
    CommandResult task = cbtest::Run(Sh((HarnessDir() / "make-task").string()) + " --task " +
                                     std::to_string(task_id_) + " " + Sh(dataset().string()));
    ASSERT_EQ(task.exit_code, 0) << task.output;
    fs::create_directories(dir_ / "mswea");
    // The agent's own config dir (it reads ~/.config/mini-swe-agent/.env otherwise).
    env_ += "MSWEA_GLOBAL_CONFIG_DIR=" + Sh((dir_ / "mswea").string()) + " ";
    prefix_ = "up" + std::to_string(task_id_) + "-" + std::to_string(::getpid());
  }

  fs::path dataset() const { return dir_ / "dataset"; }
  std::string image() const {
    return "akhatua/cooperbench-cbtest-synth:task" + std::to_string(task_id_);
  }
  std::string Family() const { return ::Family(release_); }
  std::string DefaultAgent() const {
    return Family() == "0.0.11" ? "mini_swe_agent" : "mini_swe_agent_v2";
  }

  // A subset file of `pairs` of this task under `tasks` ids (default: ours).
  fs::path Subset(const std::string& name, const std::vector<Scenario>& pairs,
                  std::vector<int> tasks = {}) const {
    if (tasks.empty()) tasks = {task_id_};
    boost::json::array list;
    for (int t : tasks) {
      boost::json::array ps;
      for (const Scenario& s : pairs) ps.push_back({s.a, s.b});
      list.push_back({{"repo", kRepo}, {"task_id", t}, {"pairs", ps}});
    }
    const fs::path p = dir_ / (name + ".json");
    cbtest::WriteText(p,
                      boost::json::serialize(boost::json::object{{"name", name}, {"tasks", list}}));
    return p;
  }

  // cbgen in its own build folder `name`.
  CommandResult Generate(const std::string& name, const fs::path& subset,
                         const std::string& settings, const std::string& extra = "") {
    fs::create_directories(dir_ / name);
    return cbtest::Run(
        env_ + Sh(cbtest::Cbgen()) + " " + Sh(subset.string()) + " --dataset-dir " +
            Sh(dataset().string()) + " --cooperbench " + Sh(cooperbench_) + " --settings " +
            settings + " --run-prefix " + prefix_ + " --backoff 0.2" +
            (extra.find("--timeout") == std::string::npos ? " --timeout 300 " : " ") + extra,
        dir_ / name);
  }
  std::string NinjaCommand(const std::string& args,
                           const std::string& key = "cbtest-key-not-a-secret") const {
    return env_ + "COHERE_API_KEY=" + Sh(key) + " ninja " + args;
  }
  CommandResult Ninja(const std::string& name, const std::string& args) const {
    return cbtest::Run(NinjaCommand(args), dir_ / name);
  }

  // The records of a build: "setting fA_fB" (task id appended when not ours).
  std::map<std::string, boost::json::value> Records(const std::string& name) const {
    std::map<std::string, boost::json::value> by_pair;
    for (const fs::path& p : cbtest::FindRecords(dir_ / name / "out")) {
      boost::json::value r = cbtest::ReadJson(p);
      const auto& f = r.at("features").as_array();
      std::string key = std::string(r.at("setting").as_string()) + " f" +
                        std::to_string(f[0].to_number<int>()) + "_f" +
                        std::to_string(f[1].to_number<int>());
      if (r.at("task_id").to_number<int>() != task_id_)
        key += " task" + std::to_string(r.at("task_id").to_number<int>());
      by_pair[key] = std::move(r);
    }
    return by_pair;
  }

  // Attempt folders cbrun made under a build's OUT/logs (each one cooperbench run).
  size_t Attempts(const std::string& name) const {
    size_t n = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir_ / name / "out" / "logs", ec), end; it != end;
         it.increment(ec)) {
      if (it->is_directory() && it->path().filename().string().rfind("attempt-", 0) == 0) {
        ++n;
        it.disable_recursion_pending();
      }
    }
    return n;
  }

  // Containers, anyone's, that carry an attempt label of this test's builds.
  std::vector<std::string> OurContainers() const {
    CommandResult ps = cbtest::Run("docker ps -a --filter label=" + std::string(kAttemptLabel) +
                                   " --format '{{.ID}} {{.Label \"" + kAttemptLabel + "\"}}'");
    std::vector<std::string> ours;
    std::istringstream lines(ps.output);
    for (std::string line; std::getline(lines, line);)
      if (line.find(" " + prefix_ + "-") != std::string::npos) ours.push_back(line);
    return ours;
  }

  // Somebody else's container, which no cleanup may touch.
  std::string StartCanary() {
    const std::string name = "cbtest-canary-" + prefix_;
    CommandResult c =
        cbtest::Run("docker run -d --name " + name + " --entrypoint sleep " + image() + " 600");
    EXPECT_EQ(c.exit_code, 0) << c.output;
    canaries_.push_back(name);
    return name;
  }
  bool Running(const std::string& container) const {
    return cbtest::Run("docker inspect -f '{{.State.Running}}' " + container).output == "true\n";
  }

  void TearDown() override {
    for (const std::string& c : canaries_) cbtest::Run("docker rm -f " + c + " >/dev/null 2>&1");
    for (const std::string& line : OurContainers())
      cbtest::Run("docker rm -f " + line.substr(0, line.find(' ')) + " >/dev/null 2>&1");
    for (int port : redis_ports_)
      cbtest::Run("redis-cli -h 127.0.0.1 -p " + std::to_string(port) + " shutdown nosave");
  }

  cbtest::TempDir dir_;
  std::string release_, cooperbench_, env_, prefix_;
  int task_id_ = 0;
  std::vector<std::string> canaries_;
  std::vector<int> redis_ports_;
};

// What upstream's own result.json files say an attempt cost.
double UpstreamCost(const fs::path& attempt_dir) {
  double cost = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(attempt_dir, ec), end; it != end; it.increment(ec))
    if (it->path().filename() == "result.json") {
      const boost::json::value* c =
          cbtest::ReadJson(it->path()).as_object().if_contains("total_cost");
      if (c && c->is_number()) cost += c->to_number<double>();
    }
  return cost;
}

struct Expected {
  const char* tag;
  const char* reason;
  int attempts;
};

// An attempt's log folder as the record names it (relative to the build folder).
fs::path AttemptDir(const fs::path& build_dir, const boost::json::value& attempt) {
  const fs::path p(std::string(attempt.at("log_dir").as_string()));
  return p.is_absolute() ? p : build_dir / p;
}

void ExpectRecord(const fs::path& build_dir,
                  const std::map<std::string, boost::json::value>& records, const std::string& key,
                  const Expected& want, const std::string& agent) {
  SCOPED_TRACE(key);
  auto it = records.find(key);
  ASSERT_NE(it, records.end()) << "no record";
  const boost::json::value& r = it->second;
  EXPECT_EQ(r.at("tag").as_string(), want.tag) << boost::json::serialize(r);
  EXPECT_EQ(r.at("reason").as_string(), want.reason) << boost::json::serialize(r);
  const auto& attempts = r.at("attempts").as_array();
  // `attempts`: agent runs (`cooperbench run --no-auto-eval`), each paid for;
  // a pair whose agents finished was evaluated apart (`cooperbench eval`).
  EXPECT_EQ(r.at("agent_attempts"), want.attempts) << boost::json::serialize(r);
  if (std::string(want.tag) != "infra_error") {
    EXPECT_GE(r.at("eval_attempts").to_number<int>(), 1) << boost::json::serialize(r);
  }
  EXPECT_EQ(attempts.size(), static_cast<size_t>(r.at("agent_attempts").to_number<int>() +
                                                 r.at("eval_attempts").to_number<int>()));
  EXPECT_EQ(r.at("agent").as_string(), agent) << "the record names the agent that ran";
  // Cost: upstream's total_cost, attempt by attempt, and their sum.
  double sum = 0;
  for (const auto& a : attempts) {
    const double upstream = UpstreamCost(AttemptDir(build_dir, a));
    ASSERT_TRUE(a.at("cost_usd").is_number()) << boost::json::serialize(a);
    EXPECT_NEAR(a.at("cost_usd").to_number<double>(), upstream, 1e-9) << boost::json::serialize(a);
    sum += upstream;
  }
  EXPECT_NEAR(r.at("cost_usd").to_number<double>(), sum, 1e-9);
  // mini-SWE-agents fill no token counts: unknown, never 0.
  EXPECT_TRUE(r.at("tokens").at("input").is_null()) << boost::json::serialize(r);
}

// Every outcome through cbgen + ninja -j4, solo and coop without messaging.
TEST_P(Upstream, EveryOutcomeGetsItsTagReasonAndUpstreamsCost) {
  const std::string canary = StartCanary();
  const fs::path subset = Subset("outcomes", {kPass, kTestFail, kLimits, kConflict, kApplyFail,
                                              kRateLimit, kTimeout, kLeadWins, kModDelete});
  CommandResult gen = Generate("outcomes", subset, "solo,coop-nocomm");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  EXPECT_NE(
      gen.output.find("cbgen: agent " + DefaultAgent() + ": the mini-SWE-agent of cooperbench"),
      std::string::npos)
      << gen.output;
  CommandResult run = Ninja("outcomes", "-j4");
  ASSERT_EQ(run.exit_code, 0) << cbtest::Tail(run.output, 6000);
  EXPECT_TRUE(OurContainers().empty()) << "left: " << OurContainers().front();
  EXPECT_TRUE(Running(canary)) << "someone else's container was touched";

  const auto records = Records("outcomes");
  const fs::path build = dir_ / "outcomes";
  EXPECT_EQ(records.size(), 18u);
  const std::string agent = DefaultAgent();
  const bool union_merge = Family() != "0.0.19";
  for (const char* setting : {"solo", "coop-nocomm"}) {
    auto key = [&](const Scenario& s) {
      return std::string(setting) + " f" + std::to_string(s.a) + "_f" + std::to_string(s.b);
    };
    const bool coop = std::string(setting) != "solo";
    ExpectRecord(build, records, key(kPass), {"pass", "tests_passed", 1}, agent);
    ExpectRecord(build, records, key(kTestFail), {"fail", "tests_failed", 1}, agent);
    ExpectRecord(build, records, key(kLimits), {"fail", "limits_exceeded", 1}, agent);
    ExpectRecord(build, records, key(kRateLimit), {"infra_error", "rate_limited", 3}, agent);
    ExpectRecord(build, records, key(kTimeout), {"infra_error", "api_timeout", 3}, agent);
    ExpectRecord(build, records, key(kLeadWins), {"pass", "tests_passed", 1}, agent);
    if (!coop) {
      ExpectRecord(build, records, key(kConflict), {"fail", "tests_failed", 1}, agent);
      ExpectRecord(build, records, key(kApplyFail), {"fail", "patch_not_applied", 1}, agent);
      ExpectRecord(build, records, key(kModDelete), {"fail", "tests_failed", 1}, agent);
      continue;
    }
    // 0.0.14 and earlier resolve a same-line conflict by a union merge that
    // here passes both suites: upstream scores it a pass, and so do we.
    ExpectRecord(
        build, records, key(kConflict),
        union_merge ? Expected{"pass", "tests_passed", 1} : Expected{"fail", "merge_conflict", 1},
        agent);
    EXPECT_EQ(records.at(key(kConflict)).at("merge_status"), "conflicts");
    // 0.0.11 does not say that a patch did not apply (merge "clean").
    ExpectRecord(build, records, key(kApplyFail),
                 Family() == "0.0.11" ? Expected{"fail", "tests_failed", 1}
                                      : Expected{"fail", "patch_not_applied", 1},
                 agent);
    ExpectRecord(build, records, key(kModDelete), {"fail", "merge_conflict", 1}, agent);
    EXPECT_EQ(records.at(key(kLeadWins)).at("merge_strategy"),
              union_merge ? "union" : "solo-agent1");
  }

  // `cbgen report` counts the pass through agent 1's patch alone apart.
  CommandResult report = cbtest::Run(Sh(cbtest::Cbgen()) + " report --json", dir_ / "outcomes");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  boost::json::value summary = boost::json::parse(report.output);
  EXPECT_EQ(summary.at("settings").at("coop-nocomm").at("pass_agent1_alone"), union_merge ? 0 : 1)
      << report.output;
}

// Two real coop agents talking through a Redis that cbrun starts on loopback.
TEST_P(Upstream, CoopWithMessagingThroughRedis) {
  const int port = cbtest::FreePort();
  redis_ports_.push_back(port);
  CommandResult gen = Generate("comm", Subset("comm", {kPass}), "coop-comm",
                               "--redis redis://127.0.0.1:" + std::to_string(port));
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  CommandResult run = Ninja("comm", "-j2");
  ASSERT_EQ(run.exit_code, 0) << cbtest::Tail(run.output, 6000);
  const auto records = Records("comm");
  const fs::path build = dir_ / "comm";
  ExpectRecord(build, records, "coop-comm f1_f2", {"pass", "tests_passed", 1}, DefaultAgent());
  // The agents did message each other (upstream counts them in result.json).
  const fs::path attempt = AttemptDir(build, records.at("coop-comm f1_f2").at("attempts").at(0));
  std::optional<int> sent;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(attempt, ec), end; it != end; it.increment(ec))
    if (it->path().filename() == "result.json")
      sent = cbtest::ReadJson(it->path()).at("messages_sent").to_number<int>();
  EXPECT_EQ(sent, 2);
  EXPECT_TRUE(OurContainers().empty());
}

// A rejected key fails every pair alike: the build stops, no record, and no
// more cooperbench runs than ninja had slots.
TEST_P(Upstream, RejectedKeyStopsTheBuildWithoutARecord) {
  // Three tasks (one image each) so there are more targets than slots.
  const std::vector<int> tasks = {task_id_, task_id_ + 100, task_id_ + 200};
  CommandResult more =
      cbtest::Run(Sh((HarnessDir() / "make-task").string()) + " --task " +
                  std::to_string(tasks[0]) + " --task " + std::to_string(tasks[1]) + " --task " +
                  std::to_string(tasks[2]) + " " + Sh(dataset().string()));
  ASSERT_EQ(more.exit_code, 0) << more.output;
  CommandResult gen = Generate("auth", Subset("auth", {kAuth}, tasks), "solo,coop-nocomm");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  CommandResult run = Ninja("auth", "-j2");
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("auth_failed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("(check COHERE_API_KEY)"), std::string::npos) << run.output;
  EXPECT_TRUE(Records("auth").empty());
  EXPECT_LE(Attempts("auth"), 2u) << "at most -j runs";
  EXPECT_GE(Attempts("auth"), 1u);
  EXPECT_TRUE(OurContainers().empty());
}

// An agent the release does not have: the build stops at once with upstream's
// own list of agents.
TEST_P(Upstream, UnknownAgentStopsTheBuildNamingTheReleasesAgents) {
  CommandResult gen =
      Generate("agent", Subset("agent", {kPass, kTestFail}), "solo", "--agent no_such_agent");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  CommandResult run = Ninja("agent", "-j1");
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("unknown_agent: Unknown agent: 'no_such_agent'. Available: "),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find(DefaultAgent()), std::string::npos) << run.output;
  EXPECT_TRUE(Records("agent").empty());
  EXPECT_EQ(Attempts("agent"), 1u) << "the second pair never started";
}

// doctor names the release and what it supports; the price check asks
// cooperbench's own litellm.
TEST_P(Upstream, DoctorNamesTheReleaseAndAsksItsLitellmForThePrice) {
  const std::string doctor = env_ + "COHERE_API_KEY=k " + Sh(cbtest::Cbgen()) +
                             " doctor --settings solo --dataset-dir " + Sh(dataset().string()) +
                             " --cooperbench " + Sh(cooperbench_);
  CommandResult r = cbtest::Run(doctor, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // A user's install newer than the tested releases runs with a warning.
  const bool newer = r.output.find("warn  cooperbench: ") != std::string::npos;
  EXPECT_TRUE(newer || r.output.find("ok    cooperbench: ") != std::string::npos) << r.output;
  EXPECT_NE(r.output.find((newer ? "(newer than the tested 0.0.11 to 0.0.19: untested)"
                                 : "(supported: 0.0.11 to 0.0.19)") +
                          std::string("; mini-SWE-agent ") + DefaultAgent()),
            std::string::npos)
      << r.output;
  if (!UserCooperbench()) {
    EXPECT_NE(r.output.find("release " + release_ + " "), std::string::npos) << r.output;
  }
  EXPECT_NE(r.output.find(Family() == "0.0.11" ? "no --log-dir: each attempt runs in its own folder"
                                               : "attempts log to --log-dir"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("warn  price: cooperbench's litellm has no price for command-a-03-2025"),
            std::string::npos)
      << r.output;
  // With a registered price (as upstream's agent registers it).
  cbtest::WriteText(dir_ / "prices.json",
                    R"({"command-a-03-2025": {"input_cost_per_token": 2.5e-06,)"
                    R"( "output_cost_per_token": 1e-05, "litellm_provider": "cohere_chat"}})");
  r = cbtest::Run(
      "LITELLM_MODEL_REGISTRY_PATH=" + Sh((dir_ / "prices.json").string()) + " " + doctor,
      dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(
      r.output.find("ok    price: cooperbench's litellm prices command-a-03-2025: USD 2.5e-06 "
                    "per input token"),
      std::string::npos)
      << r.output;
}

// A model litellm cannot price: upstream reports $0 (0.0.12+, ignore_errors),
// which the record keeps as unknown; 0.0.11's agents stop instead.
TEST_P(Upstream, UnpricedModelCostIsUnknownNotZero) {
  CommandResult gen = Generate("unpriced", Subset("unpriced", {kUnpriced}), "solo");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  CommandResult run = Ninja("unpriced", "-j1");
  if (Family() == "0.0.11") {
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE(run.output.find("model_unpriced: Error calculating cost for model"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("LITELLM_MODEL_REGISTRY_PATH"), std::string::npos) << run.output;
    EXPECT_TRUE(Records("unpriced").empty());
    return;
  }
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto records = Records("unpriced");
  ASSERT_EQ(records.count("solo f27_f28"), 1u);
  const boost::json::value& r = records.at("solo f27_f28");
  EXPECT_EQ(r.at("tag"), "pass");
  EXPECT_TRUE(r.at("attempts").at(0).at("cost_usd").is_null()) << boost::json::serialize(r);
  EXPECT_EQ(r.at("cost_unknown_attempts"), 1);
}

// No container of an attempt outlives it: at the timeout during the agent
// run and during the evaluation (upstream's SDK containers, which no PATH
// shim sees), and none of anyone else's is touched.
TEST_P(Upstream, TimeoutDuringAgentRunOrEvaluationLeavesNoContainer) {
  const std::string canary = StartCanary();
  CommandResult gen = Generate("timeout", Subset("timeout", {kSlowAgent, kSlowEval}), "solo",
                               "--timeout 40 --eval-timeout 40 --retries 0 --grace 2");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  CommandResult run = Ninja("timeout", "-j2");
  ASSERT_EQ(run.exit_code, 0) << cbtest::Tail(run.output, 6000);
  const auto records = Records("timeout");
  ASSERT_EQ(records.count("solo f23_f24"), 1u);
  ASSERT_EQ(records.count("solo f25_f26"), 1u);
  // The agents at --timeout: infrastructure, their cost unknown (upstream
  // reported nothing). Tests that hang past --eval-timeout: the patch's doing.
  EXPECT_EQ(records.at("solo f23_f24").at("reason"), "timeout");
  EXPECT_TRUE(records.at("solo f23_f24").at("attempts").at(0).at("cost_usd").is_null());
  EXPECT_EQ(records.at("solo f25_f26").at("tag"), "fail");
  EXPECT_EQ(records.at("solo f25_f26").at("reason"), "tests_timeout");
  EXPECT_EQ(records.at("solo f25_f26").at("agent_attempts"), 1);
  // The evaluation had begun when the slow-eval attempt was stopped.
  bool evaluated = false;
  std::error_code ec;
  const fs::path attempt =
      AttemptDir(dir_ / "timeout", records.at("solo f25_f26").at("attempts").at(0));
  for (fs::recursive_directory_iterator it(attempt, ec), end; it != end; it.increment(ec))
    evaluated = evaluated || it->path().filename() == "result.json";
  EXPECT_TRUE(evaluated) << "the agent part finished before the timeout";
  EXPECT_TRUE(OurContainers().empty()) << "left: " << OurContainers().front();
  EXPECT_TRUE(Running(canary));
}

// The split evaluation: upstream's own eval sandbox cannot be made once (the
// Docker SDK raises as a daemon in trouble does, tests/upstream/fillins/
// cbtest_faults.py); only the evaluation runs again, the agents once.
TEST_P(Upstream, AnEvalSandboxThatFailsOnceReRunsOnlyTheEvaluation) {
  env_ += "CBTEST_EVAL_SANDBOX_FAILS_ONCE=" + Sh((dir_ / "faults").string()) + " ";
  CommandResult gen = Generate("sandbox", Subset("sandbox", {kPass}), "solo,coop-nocomm");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  CommandResult run = Ninja("sandbox", "-j2");
  ASSERT_EQ(run.exit_code, 0) << cbtest::Tail(run.output, 6000);
  EXPECT_NE(run.output.find("evaluating again"), std::string::npos) << cbtest::Tail(run.output, 6000);
  const auto records = Records("sandbox");
  const fs::path build = dir_ / "sandbox";
  for (const char* key : {"solo f1_f2", "coop-nocomm f1_f2"}) {
    SCOPED_TRACE(key);
    ExpectRecord(build, records, key, {"pass", "tests_passed", 1}, DefaultAgent());
    const boost::json::value& r = records.at(key);
    EXPECT_EQ(r.at("eval_attempts"), 2) << boost::json::serialize(r);
    EXPECT_EQ(r.at("attempts").at(1).at("phase"), "eval");
    EXPECT_EQ(r.at("attempts").at(1).at("reason"), "docker_error") << boost::json::serialize(r);
    EXPECT_EQ(r.at("cooperbench_release"), UserCooperbench() ? r.at("cooperbench_release")
                                                              : boost::json::value(release_));
  }
  EXPECT_TRUE(OurContainers().empty()) << "left: " << OurContainers().front();
}

// Ctrl-C while one pair's agent runs and another's evaluation runs.
TEST_P(Upstream, CtrlCDuringAgentRunAndEvaluationLeavesNoContainerAndNoRecord) {
  const std::string canary = StartCanary();
  CommandResult gen = Generate("ctrlc", Subset("ctrlc", {kSlowAgent, kSlowEval}), "solo");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::fault::Job ninja(NinjaCommand("-j2"), dir_ / "ctrlc", dir_ / "ctrlc.log");
  // Both phases under way: the slow-eval pair's agents are done (result.json)
  // and the slow agent's container is up, plus the eval container.
  auto result_json_written = [&] {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir_ / "ctrlc" / "out" / "logs", ec), end; it != end;
         it.increment(ec))
      if (it->path().filename() == "result.json") return true;
    return false;
  };
  ASSERT_TRUE(cbtest::fault::WaitUntil(result_json_written, 120))
      << cbtest::ReadText(dir_ / "ctrlc.log");
  ASSERT_TRUE(cbtest::fault::WaitUntil([&] { return OurContainers().size() >= 2; }, 120))
      << cbtest::ReadText(dir_ / "ctrlc.log");
  ninja.SignalGroup(SIGINT);
  std::optional<int> code = ninja.Wait(120);
  ASSERT_TRUE(code.has_value()) << "ninja did not stop";
  EXPECT_NE(*code, 0);
  EXPECT_TRUE(Records("ctrlc").empty());
  EXPECT_TRUE(OurContainers().empty()) << "left: " << OurContainers().front();
  EXPECT_TRUE(Running(canary));
}

INSTANTIATE_TEST_SUITE_P(Releases, Upstream, ::testing::Values("0.0.11", "0.0.14", "0.0.19"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = "v" + info.param;
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

}  // namespace
