// Issue 4, no leaked containers: the attempt's Docker proxy labels what the
// attempt creates (docker CLI or Python SDK), and cbrun removes exactly those
// containers after the attempt, after its timeout and after Ctrl-C on ninja.
// Against the real dockerd. (The proxy itself: docker_proxy_test.cc; the label
// value alone: unit/container_tracker_test.cc.)
#include <gtest/gtest.h>

#include <signal.h>

#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

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
  ASSERT_EQ(x.Generate(subset_, "--settings solo --timeout 20 --retries 0").exit_code, 0);
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto records = cbtest::FindRecords(x.out());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(cbtest::ReadJson(records[0]).at("reason"), "timeout");
  const std::vector<std::string> started = StartedContainers(x.out());
  ASSERT_EQ(started.size(), 1u) << "the double did not get to start its container within the 20 s timeout: "
                                << run.output;
  EXPECT_FALSE(ContainerExists(started[0])) << started[0] << " outlived its attempt";
  EXPECT_NE(run.output.find("removed 1 container left by attempt"), std::string::npos)
      << run.output;
  EXPECT_TRUE(ContainerExists(keep.other)) << "another attempt's container was removed";
  EXPECT_TRUE(ContainerExists(keep.user)) << "the user's container was removed";
}

// The double's `docker run` replaced by the Docker Python SDK (what upstream's
// evaluation and agent v1 use, which no PATH shim could see): a `docker` on
// PATH for the double only (cbrun gets the real one with --docker). It also
// notes the DOCKER_HOST the attempt got.
TEST_F(Containers, NoneLeftOfAnSdkContainerAfterTheAttemptTimesOut) {
  Bystanders keep;
  const fs::path bin = x.dir / "bin";
  fs::create_directories(bin);
  cbtest::WriteText(bin / "docker", R"(#!/usr/bin/python3
import os, sys, docker
with open(os.path.join(os.path.dirname(sys.argv[0]), "docker_host"), "w") as f:
    f.write(os.environ.get("DOCKER_HOST", ""))
a = sys.argv[1:]
assert a[:2] == ["run", "-d"], a
i = a.index("--name")
docker.from_env().containers.run(a[i + 2], a[i + 3:], name=a[i + 1], entrypoint="",
                                 detach=True, remove=False)
)");
  fs::permissions(bin / "docker", fs::perms::owner_all);
  const std::string real_docker = cbtest::Run("command -v docker").output;
  ASSERT_FALSE(real_docker.empty());
  ASSERT_EQ(x.Generate(subset_, "--settings solo --timeout 20 --retries 0 --docker " +
                                    cbtest::Sh(real_docker.substr(0, real_docker.find('\n'))))
                .exit_code,
            0);
  cbtest::CommandResult run =
      cbtest::NinjaWithKey(x, "", "PATH=" + cbtest::Sh(bin.string()) + ":\"$PATH\"");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::vector<std::string> started = StartedContainers(x.out());
  ASSERT_EQ(started.size(), 1u) << run.output;
  EXPECT_FALSE(ContainerExists(started[0])) << started[0] << " outlived its attempt";
  EXPECT_NE(run.output.find("removed 1 container left by attempt"), std::string::npos)
      << run.output;
  EXPECT_TRUE(ContainerExists(keep.other)) << "another attempt's container was removed";
  EXPECT_TRUE(ContainerExists(keep.user)) << "the user's container was removed";
  // The attempt talked to cbrun's proxy, whose socket is gone with the attempt.
  const std::string host = cbtest::ReadText(bin / "docker_host");
  ASSERT_EQ(host.rfind("unix:///", 0), 0u) << host;
  EXPECT_NE(host.find("/cbrun-"), std::string::npos) << host;
  EXPECT_FALSE(fs::exists(host.substr(7))) << host;
  EXPECT_FALSE(fs::exists(fs::path(host.substr(7)).parent_path())) << host;
}

TEST_F(Containers, NoneLeftAfterCtrlCOnNinja) {
  Bystanders keep;
  ASSERT_EQ(x.Generate(subset_, "--settings solo --timeout 600").exit_code, 0);
  // ninja in a session of its own, so its process group can get the terminal's SIGINT.
  cbtest::CommandResult bg = cbtest::Run(
      "COHERE_API_KEY=cbtest-dummy-key " + x.Env() + " setsid ninja >ninja.log 2>&1 & echo $!",
      x.dir.path());
  const int pgid = std::stoi(bg.output);
  ASSERT_TRUE(cbtest::WaitFor([&] { return !StartedContainers(x.out()).empty(); }, 120))
      << cbtest::ReadText(x.dir / "ninja.log");
  const std::string name = StartedContainers(x.out())[0];
  ASSERT_TRUE(ContainerExists(name));
  ASSERT_EQ(::kill(-pgid, SIGINT), 0);
  ASSERT_TRUE(cbtest::WaitFor([&] { return !cbtest::ProcessAlive(pgid); }, 120))
      << "ninja did not stop";
  const std::string log = cbtest::ReadText(x.dir / "ninja.log");
  EXPECT_FALSE(ContainerExists(name)) << name << " outlived Ctrl-C: " << log;
  EXPECT_NE(log.find("interrupted"), std::string::npos) << log;
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty()) << "an interrupted pair has no record";
  EXPECT_TRUE(ContainerExists(keep.other));
  EXPECT_TRUE(ContainerExists(keep.user));
}

}  // namespace
