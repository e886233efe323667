// Issue 4, registry and pulls, against real things: Debian's docker-registry
// on 127.0.0.1 seeded with `docker import`ed images, and a private dockerd
// (so the shared daemon's canonical tags stay untouched). `cbgen flash
// --registry 127.0.0.1:PORT/akhatua` then `ninja` leaves all 20 flash images
// under their canonical names, with at most --pull-jobs pulls at a time; a
// missing image fails its target after the retries with the registry's message.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;

using cbtest::Sh;

bool Listening(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

int StartBackground(const std::string& command, const fs::path& cwd) {
  cbtest::CommandResult r = cbtest::Run(command + " & echo $!", cwd);
  return r.exit_code == 0 ? std::stoi(r.output) : -1;
}

void Stop(int pid) {
  if (pid <= 1) return;
  ::kill(pid, SIGTERM);
  if (!cbtest::WaitFor([&] { return !cbtest::ProcessAlive(pid); }, 20)) ::kill(pid, SIGKILL);
}

// The registry, the private dockerd and the repo name mapping, shared by the tests.
class Registry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!cbtest::DockerUnavailableReason().empty()) return;
    dir_ = new cbtest::TempDir();
    port_ = cbtest::FreePort();
    prefix_ = "127.0.0.1:" + std::to_string(port_) + "/akhatua";
    const fs::path d = dir_->path();
    cbtest::WriteText(d / "registry.yml",
                      "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                      "    rootdirectory: " +
                          (d / "registry").string() +
                          "\nhttp:\n  addr: 127.0.0.1:" + std::to_string(port_) + "\n");
    registry_pid_ =
        StartBackground("exec docker-registry serve registry.yml >registry.log 2>&1", d);
    if (!cbtest::WaitFor([] { return Listening(port_); }, 120)) {  // a hang guard
      setup_error_ = "docker-registry did not listen: " + cbtest::ReadText(d / "registry.log");
      return;
    }
    // Seed: the imported test image under every flash task's name in the registry.
    if (std::string e = cbtest::TagTestImages({}); !e.empty()) {
      setup_error_ = e;
      return;
    }
    std::string seed;
    for (const std::string& canonical : cbtest::SubsetImages("flash")) {
      const std::string remote = "127.0.0.1:" + std::to_string(port_) + "/" + canonical;
      seed += "docker tag cbtest/busybox:latest " + remote + " && docker push -q " + remote +
              " >/dev/null && docker rmi " + remote + " >/dev/null && ";
    }
    cbtest::CommandResult r = cbtest::Run(seed + "true");
    if (r.exit_code != 0) {
      setup_error_ = "seeding the registry failed: " + r.output;
      return;
    }
    // A private dockerd: pulls and tags there leave the shared daemon alone.
    docker_host_ = "unix://" + (d / "docker.sock").string();
    dockerd_pid_ = StartBackground("exec dockerd --data-root " + (d / "data").string() +
                                       " --exec-root " + (d / "exec").string() + " --pidfile " +
                                       (d / "dockerd.pid").string() + " --host " + docker_host_ +
                                       " --iptables=false --bridge=none >dockerd.log 2>&1",
                                   d);
    if (!cbtest::WaitFor(
            [] {
              return cbtest::Run("DOCKER_HOST=" + docker_host_ + " docker version").exit_code == 0;
            },
            120))  // a hang guard
      setup_error_ = "the private dockerd did not answer: " +
                     cbtest::Tail(cbtest::ReadText(d / "dockerd.log"), 1500);
  }

  static void TearDownTestSuite() {
    Stop(dockerd_pid_);
    Stop(registry_pid_);
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    CBTEST_REQUIRE_DOCKER();
    ASSERT_EQ(setup_error_, "");
  }

  static std::string Private(const std::string& cmd) {
    return "DOCKER_HOST=" + docker_host_ + " " + cmd;
  }

  // A docker that logs the start and end of every pull, then runs the real one.
  static fs::path LoggingDocker(const fs::path& dir) {
    const fs::path p = dir / "docker";
    const std::string log = Sh((dir / "pulls.log").string());
    cbtest::WriteText(p,
                      "#!/bin/sh\n"
                      "if [ \"$1\" = pull ]; then\n"
                      "  echo \"start $$\" >>" +
                          log +
                          "\n"
                          "  docker \"$@\"; rc=$?\n"
                          "  echo \"end $$\" >>" +
                          log +
                          "\n"
                          "  exit $rc\n"
                          "fi\n"
                          "exec docker \"$@\"\n");
    fs::permissions(p, fs::perms::owner_all);
    return p;
  }

  static inline cbtest::TempDir* dir_ = nullptr;
  static inline int port_ = 0, registry_pid_ = -1, dockerd_pid_ = -1;
  static inline std::string prefix_, docker_host_, setup_error_;
};

TEST_F(Registry, FlashFromALocalRegistryEndsUnderCanonicalNamesAtMostPullJobsAtATime) {
  const std::vector<std::string> images = cbtest::SubsetImages("flash");
  ASSERT_EQ(images.size(), 20u);
  for (const std::string& img : images)
    ASSERT_NE(cbtest::Run(Private("docker image inspect " + img)).exit_code, 0)
        << img << " already there";

  cbtest::Experiment x;
  const fs::path docker = LoggingDocker(x.dir.path());
  cbtest::CommandResult gen =
      x.Generate("flash", "--settings solo --registry " + prefix_ + " --pull-jobs 2 --docker " +
                              Sh(docker.string()) + " --min-free-gb 0.001");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "-j8", "DOCKER_HOST=" + docker_host_);
  ASSERT_EQ(run.exit_code, 0) << cbtest::Tail(run.output);

  for (const std::string& img : images)
    EXPECT_EQ(cbtest::Run(Private("docker image inspect --format '{{.Id}}' " + img)).exit_code, 0)
        << img << " is not under its canonical name";
  size_t stamps = 0;
  for (const auto& s : fs::directory_iterator(x.out() / "images")) {
    ++stamps;
    const std::string from(cbtest::ReadJson(s.path()).at("pulled_from").as_string());
    EXPECT_EQ(from.rfind(prefix_ + "/cooperbench-", 0), 0u) << from;
  }
  EXPECT_EQ(stamps, 20u);
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 50u);

  // Replay the pull log: never more than --pull-jobs at once.
  std::stringstream log(cbtest::ReadText(x.dir / "pulls.log"));
  int running = 0, most = 0, starts = 0;
  for (std::string word, pid; log >> word >> pid;) {
    if (word == "start")
      ++starts, most = std::max(most, ++running);
    else
      --running;
  }
  EXPECT_EQ(starts, 20);
  EXPECT_EQ(running, 0);
  EXPECT_LE(most, 2) << "more pulls at once than --pull-jobs";
  EXPECT_GE(most, 1);

  // The shared daemon was not touched: its canonical tags are still there.
  for (const std::string& img : images)
    EXPECT_EQ(cbtest::Run("docker image inspect " + img + " >/dev/null 2>&1").exit_code, 0) << img;
}

TEST_F(Registry, MissingImageFailsItsTargetAfterRetriesWithTheRegistrysMessage) {
  cbtest::Experiment x;
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 1);
  // A registry prefix under which nothing was pushed.
  cbtest::CommandResult gen = x.Generate(
      Sh(subset.string()), "--settings solo --registry 127.0.0.1:" + std::to_string(port_) +
                               "/nobody --pull-retries 1 --min-free-gb 0.001");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  // Not in the private daemon under its canonical name either.
  cbtest::Run(Private("docker rmi akhatua/cooperbench-dspy:task8394 >/dev/null 2>&1"));
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "", "DOCKER_HOST=" + docker_host_);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("pull 127.0.0.1:" + std::to_string(port_) +
                            "/nobody/cooperbench-dspy:task8394 failed after 2 tries"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("not found"), std::string::npos)
      << "the registry's words: " << run.output;
  EXPECT_EQ(x.Calls(), 0u);
  EXPECT_FALSE(fs::exists(x.out() / "images" / "dspy_task-task8394.stamp"));
}

}  // namespace
