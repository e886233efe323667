// Issue 4, Redis for coop-comm: PING over RESP, and end to end: a coop-comm
// build with no Redis running starts one (once, bound to the URL's loopback
// address only), cooperbench gets --redis, and a finished build stays a no-op
// with Redis up or stopped. (The redis-server command line and the URL checks:
// unit/redis_service_test.cc.)
#include <gtest/gtest.h>

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "runner/redis_service.h"
#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Experiment;

TEST(PingRedis, NothingListeningIsUnavailable) {
  cb::RedisUrl url{"127.0.0.1", cbtest::FreePort()};
  absl::Status s = cb::PingRedis(url, 2);
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
}

TEST(EnsureRedis, NeverStartsOneForANonLoopbackUrl) {
  CBTEST_REQUIRE_OWN_NETWORK();
  cbtest::TempDir dir;
  // EnsureRedis pings the remote address first: in a child (a death test's process) that
  // entered a network namespace of its own, so nothing leaves this machine.
  EXPECT_EXIT(
      {
        if (::unshare(CLONE_NEWNET) != 0) std::_Exit(3);
        cb::RunConfig config;
        config.redis_url = "redis://192.0.2.1:6379";  // TEST-NET-1: nothing answers there
        config.redis_server = "/bin/false";
        absl::Status s = cb::EnsureRedis(config, dir.path() / "services");
        if (s.ok()) std::_Exit(1);
        std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
        std::_Exit(s.message().find("only for a loopback") == std::string::npos ? 2 : 0);
      },
      testing::ExitedWithCode(0), "only for a loopback");
  EXPECT_FALSE(fs::exists(dir.path() / "services")) << "nothing prepared for a server";
}

TEST(RedisEndToEnd, CoopCommStartsOneLoopbackRedisOnceAndFinishedBuildStaysNoOp) {
  CBTEST_REQUIRE_DOCKER();
  const int port = cbtest::FreePort();  // a copy of the suite may run beside this one
  const std::string url = "redis://127.0.0.1:" + std::to_string(port);
  ASSERT_FALSE(cb::PingRedis({"127.0.0.1", port}, 1).ok())
      << "something already answers at " << url << "; stop it first";
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 4);
  cbtest::CommandResult gen =
      x.Generate(cbtest::Sh(subset.string()), "--settings coop-comm --redis " + url);
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  const fs::path redis_dir = x.out() / "services" / ("redis-" + std::to_string(port));
  cbtest::KillPidFileAtExit stop_redis{redis_dir / "redis.pid"};

  // FAKE_CB_CHECK_REDIS=1: the double fails unless Redis answers at its --redis.
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "-j4", "FAKE_CB_CHECK_REDIS=1");
  ASSERT_EQ(run.exit_code, 0) << cbtest::Tail(run.output);
  const auto records = cbtest::FindRecords(x.out());
  ASSERT_EQ(records.size(), 4u);
  for (const auto& r : records) EXPECT_EQ(cbtest::ReadJson(r).at("tag"), "pass") << r;

  // Started once, although 4 runners needed it at the same moment.
  size_t started = 0;
  for (size_t p = run.output.find("started redis-server"); p != std::string::npos;
       p = run.output.find("started redis-server", p + 1))
    ++started;
  EXPECT_EQ(started, 1u) << run.output;

  // cooperbench got --redis URL every time.
  const auto calls = cbtest::ReadJsonLines(x.calls());
  ASSERT_EQ(calls.size(), 4u);
  for (const auto& c : calls) {
    const auto& argv = c.at("argv").as_array();
    auto it = std::find(argv.begin(), argv.end(), boost::json::value("--redis"));
    ASSERT_NE(it, argv.end());
    EXPECT_EQ(std::string((it + 1)->as_string()), url);
  }

  // Its files are under OUT/services/, and it listens on 127.0.0.1:PORT only.
  ASSERT_TRUE(fs::exists(redis_dir / "redis.pid"));
  EXPECT_TRUE(fs::exists(redis_dir / "redis.log"));
  const std::string pid = cbtest::ReadText(redis_dir / "redis.pid");
  cbtest::CommandResult bind =
      cbtest::Run("redis-cli -h 127.0.0.1 -p " + std::to_string(port) + " CONFIG GET bind");
  EXPECT_EQ(bind.output, "bind\n127.0.0.1\n");
  cbtest::CommandResult ss = cbtest::Run("ss -Hltnp");
  std::vector<std::string> listening;
  std::stringstream lines(ss.output);
  for (std::string line; std::getline(lines, line);)
    if (line.find("pid=" + std::to_string(std::stoi(pid)) + ",") != std::string::npos)
      listening.push_back(line);
  ASSERT_EQ(listening.size(), 1u) << ss.output;
  EXPECT_NE(listening[0].find(" 127.0.0.1:" + std::to_string(port) + " "), std::string::npos)
      << listening[0];

  // A finished build stays a no-op, with Redis up...
  cbtest::CommandResult again = cbtest::NinjaWithKey(x, "-j4");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("ninja: no work to do."), std::string::npos) << again.output;
  // ... and with Redis stopped.
  cbtest::Run("redis-cli -p " + std::to_string(port) + " shutdown nosave");
  // A guard only: the verdict is that Redis stopped.
  ASSERT_TRUE(cbtest::WaitFor([&] { return !cbtest::ProcessAlive(std::stoi(pid)); }, 120));
  again = cbtest::NinjaWithKey(x, "-j4");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("ninja: no work to do."), std::string::npos) << again.output;
  EXPECT_EQ(x.Calls(), 4u);
}

TEST(RedisEndToEnd, UnreachableRemoteRedisStopsTheBuildBeforeAnyRun) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 2);
  ASSERT_EQ(x.Generate(cbtest::Sh(subset.string()),
                       "--settings solo,coop-comm --redis redis://192.0.2.1:6379")
                .exit_code,
            0);
  // The remote Redis is pinged in a network namespace of the test's own (Docker's socket is a
  // file: it still answers there).
  CBTEST_REQUIRE_OWN_NETWORK();
  cbtest::CommandResult run =
      cbtest::Run(cbtest::InOwnNetwork("COHERE_API_KEY=cbtest-dummy-key " + x.Env() + "ninja -j2"),
                  x.dir.path());
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("redis://192.0.2.1:6379"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("only for a loopback"), std::string::npos) << run.output;
  EXPECT_EQ(x.Calls(), 0u) << "not even the solo pairs ran";
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
}

}  // namespace
