// Issue 4, no leaked containers: the docker shim labels what an attempt
// starts, and cbrun removes exactly those containers after the attempt,
// after its timeout and after Ctrl-C on ninja. Against the real dockerd.
#include <gtest/gtest.h>

#include <signal.h>

#include "runner/container_tracker.h"
#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;
using V = std::vector<std::string>;

TEST(LabelDockerArgs, LabelsRunAndCreateOnly) {
  const V label = {"--label", "cbrun.attempt=A.1"};
  EXPECT_EQ(cb::LabelDockerArgs({"run", "-d", "img", "sleep", "1"}, "A.1"),
            (V{"run", "--label", "cbrun.attempt=A.1", "-d", "img", "sleep", "1"}));
  EXPECT_EQ(cb::LabelDockerArgs({"create", "img"}, "A.1"),
            (V{"create", "--label", "cbrun.attempt=A.1", "img"}));
  EXPECT_EQ(cb::LabelDockerArgs({"container", "run", "--rm", "img"}, "A.1"),
            (V{"container", "run", "--label", "cbrun.attempt=A.1", "--rm", "img"}));
  EXPECT_EQ(cb::LabelDockerArgs({"container", "create", "img"}, "A.1"),
            (V{"container", "create", "--label", "cbrun.attempt=A.1", "img"}));
  // Global options before the command, with and without values.
  EXPECT_EQ(cb::LabelDockerArgs({"-H", "unix:///x.sock", "--debug", "run", "img"}, "A.1"),
            (V{"-H", "unix:///x.sock", "--debug", "run", "--label", "cbrun.attempt=A.1", "img"}));
  EXPECT_EQ(cb::LabelDockerArgs({"--context=ctx", "run", "img"}, "A.1"),
            (V{"--context=ctx", "run", "--label", "cbrun.attempt=A.1", "img"}));
  // Everything else untouched, including `run` further along.
  for (const V& same : {V{"ps", "-a"}, V{"exec", "c", "run"}, V{"image", "inspect", "run"},
                        V{"container", "ls"}, V{}, V{"--version"}, V{"-H", "run"}})
    EXPECT_EQ(cb::LabelDockerArgs(same, "A.1"), same);
}

TEST(DockerShim, CbrunCalledAsDockerLabelsAndExecsTheRealDocker) {
  cbtest::TempDir dir;
  fs::create_symlink(cbtest::Cbrun(), dir / "docker");
  cbtest::CommandResult r = cbtest::Run(
      "CBRUN_REAL_DOCKER=/bin/echo CBRUN_CONTAINER_LABEL=run.repo.1.f1_f2.3 " +
      cbtest::Sh((dir / "docker").string()) + " run -d --name x img sleep 9");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "run --label cbrun.attempt=run.repo.1.f1_f2.3 -d --name x img sleep 9\n");
  r = cbtest::Run(cbtest::Sh((dir / "docker").string()) + " ps");
  EXPECT_NE(r.exit_code, 0) << "outside an attempt it refuses, naming the variable";
  EXPECT_NE(r.output.find("CBRUN_REAL_DOCKER"), std::string::npos) << r.output;
}

TEST(NewLabelValue, UniquePerAttemptEvenForTheSameAttemptId) {
  const std::string a = cb::NewLabelValue("command-a-solo.dspy_task.8394.f1_f2.1");
  const std::string b = cb::NewLabelValue("command-a-solo.dspy_task.8394.f1_f2.1");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("command-a-solo.dspy_task.8394.f1_f2.1.", 0), 0u) << a;
}

bool ContainerExists(const std::string& name) {
  cbtest::CommandResult r =
      cbtest::Run("docker ps -aq --filter " + cbtest::Sh("name=^/" + name + "$"));
  return r.exit_code == 0 && !r.output.empty();
}

// Names the double wrote after `docker run` returned, across all attempts.
std::vector<std::string> StartedContainers(const fs::path& out) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& f : fs::recursive_directory_iterator(out / "logs", ec)) {
    if (f.path().filename() != "containers") continue;
    std::stringstream ss(cbtest::ReadText(f.path()));
    for (std::string line; std::getline(ss, line);)
      if (!line.empty()) names.push_back(line);
  }
  return names;
}

// Containers not started by the attempt: one of "another attempt" and one of the user.
struct Bystanders {
  std::string other = "cbtest-other-attempt-" + std::to_string(::getpid());
  std::string user = "cbtest-user-" + std::to_string(::getpid());
  Bystanders() {
    cbtest::Run("docker run -d --name " + other +
                " --label cbrun.attempt=someone-else.1 cbtest/busybox:latest sleep 600");
    cbtest::Run("docker run -d --name " + user + " cbtest/busybox:latest sleep 600");
  }
  ~Bystanders() { cbtest::Run("docker rm -f " + other + " " + user + " >/dev/null 2>&1"); }
};

class Containers : public ::testing::Test {
 protected:
  void SetUp() override {
    CBTEST_REQUIRE_DOCKER();
    ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
    const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 1);
    cbtest::WriteText(x.plan(), R"({"default": ["container_hang"]})");
    subset_ = cbtest::Sh(subset.string());
  }
  Experiment x;
  std::string subset_;
};

TEST_F(Containers, NoneLeftAfterTheAttemptTimesOut) {
  Bystanders keep;
  ASSERT_TRUE(ContainerExists(keep.other) && ContainerExists(keep.user));
  ASSERT_EQ(x.Generate(subset_, "--settings solo --timeout 8 --retries 0").exit_code, 0);
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto records = cbtest::FindRecords(x.out());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(cbtest::ReadJson(records[0]).at("reason"), "timeout");
  const std::vector<std::string> started = StartedContainers(x.out());
  ASSERT_EQ(started.size(), 1u) << "the double did not get to start its container within 8s: "
                                << run.output;
  EXPECT_FALSE(ContainerExists(started[0])) << started[0] << " outlived its attempt";
  EXPECT_NE(run.output.find("removed 1 container left by attempt"), std::string::npos)
      << run.output;
  EXPECT_TRUE(ContainerExists(keep.other)) << "another attempt's container was removed";
  EXPECT_TRUE(ContainerExists(keep.user)) << "the user's container was removed";
}

TEST_F(Containers, NoneLeftAfterCtrlCOnNinja) {
  Bystanders keep;
  ASSERT_EQ(x.Generate(subset_, "--settings solo --timeout 600").exit_code, 0);
  // ninja in a session of its own, so its process group can get the terminal's SIGINT.
  cbtest::CommandResult bg = cbtest::Run(
      "COHERE_API_KEY=cbtest-dummy-key " + x.Env() + " setsid ninja >ninja.log 2>&1 & echo $!",
      x.dir.path());
  const int pgid = std::stoi(bg.output);
  ASSERT_TRUE(cbtest::WaitFor([&] { return !StartedContainers(x.out()).empty(); }, 60))
      << cbtest::ReadText(x.dir / "ninja.log");
  const std::string name = StartedContainers(x.out())[0];
  ASSERT_TRUE(ContainerExists(name));
  ASSERT_EQ(::kill(-pgid, SIGINT), 0);
  ASSERT_TRUE(cbtest::WaitFor([&] { return !cbtest::ProcessAlive(pgid); }, 60))
      << "ninja did not stop";
  const std::string log = cbtest::ReadText(x.dir / "ninja.log");
  EXPECT_FALSE(ContainerExists(name)) << name << " outlived Ctrl-C: " << log;
  EXPECT_NE(log.find("interrupted"), std::string::npos) << log;
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty()) << "an interrupted pair has no record";
  EXPECT_TRUE(ContainerExists(keep.other));
  EXPECT_TRUE(ContainerExists(keep.user));
}

}  // namespace
