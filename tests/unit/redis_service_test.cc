// Issue 4, Redis for coop-comm, the pure pieces: the redis-server command line
// (bound to the URL's loopback address only, a password on stdin), errors
// that show a URL's password as stars, and starting one only for a loopback
// URL. (PING and end to end: integration/redis_test.cc.)
#include <gtest/gtest.h>

#include <algorithm>

#include "runner/redis_service.h"

namespace {

TEST(RedisServerArgs, BindsTheLoopbackAddressAndPortOnly) {
  auto url = cb::ParseRedisUrl("redis://127.0.0.1:6391");
  ASSERT_TRUE(url.ok());
  std::vector<std::string> a = cb::RedisServerArgs("redis-server", *url, "/o/services/redis-6391");
  auto after = [&](const std::string& flag) {
    auto it = std::find(a.begin(), a.end(), flag);
    return it == a.end() || it + 1 == a.end() ? std::string("<none>") : *(it + 1);
  };
  EXPECT_EQ(a[0], "redis-server");
  EXPECT_EQ(after("--bind"), "127.0.0.1");
  EXPECT_EQ(after("--port"), "6391");
  EXPECT_EQ(after("--daemonize"), "yes");
  EXPECT_EQ(after("--dir"), "/o/services/redis-6391");
  EXPECT_EQ(after("--pidfile"), "/o/services/redis-6391/redis.pid");
  EXPECT_EQ(after("--logfile"), "/o/services/redis-6391/redis.log");

  auto localhost = cb::ParseRedisUrl("redis://localhost");
  a = cb::RedisServerArgs("redis-server", *localhost, "/d");
  auto bind = std::find(a.begin(), a.end(), "--bind");
  ASSERT_NE(bind, a.end());
  EXPECT_EQ(*(bind + 1), "127.0.0.1");
  EXPECT_EQ(*(bind + 2), "-::1");  // optional IPv6 loopback
  EXPECT_EQ(after("--port"), "6379");
}

// Issue 16, item 6: a password in the URL is required by the Redis cbrun
// starts, and reaches redis-server on its stdin, never its command line.
TEST(RedisServerArgs, APasswordGoesToStdinNotTheCommandLine) {
  auto url = cb::ParseRedisUrl("redis://:pa%22ss%5Cw%40rd@127.0.0.1:6391/0");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->password, "pa\"ss\\w@rd");
  EXPECT_EQ(url->host, "127.0.0.1");
  const std::vector<std::string> a = cb::RedisServerArgs("redis-server", *url, "/d");
  ASSERT_GE(a.size(), 2u);
  EXPECT_EQ(a[1], "-") << "the rest of the configuration from stdin";
  for (const std::string& arg : a) EXPECT_EQ(arg.find("rd"), std::string::npos) << arg;
  EXPECT_EQ(cb::RedisServerStdin(*url), "requirepass \"pa\\\"ss\\\\w@rd\"\n");

  auto plain = cb::ParseRedisUrl("redis://127.0.0.1:6391");
  EXPECT_EQ(plain->password, "");
  EXPECT_EQ(cb::RedisServerStdin(*plain), "");
  EXPECT_EQ(cb::RedisServerArgs("redis-server", *plain, "/d")[1], "--port");
}

TEST(ParseRedisUrl, ErrorsShowThePasswordAsStars) {
  auto bad = cb::ParseRedisUrl("redis://:hunter2-long@host:99999");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()).find("hunter2"), std::string::npos) << bad.status();
  EXPECT_NE(std::string(bad.status().message()).find("redis://:***@host:99999"), std::string::npos)
      << bad.status();
}

TEST(CanStartRedis, OnlyForLoopback) {
  EXPECT_TRUE(
      cb::CanStartRedis("redis://localhost:6379", *cb::ParseRedisUrl("redis://localhost:6379"))
          .ok());
  EXPECT_TRUE(
      cb::CanStartRedis("redis://[::1]:7000", *cb::ParseRedisUrl("redis://[::1]:7000")).ok());
  absl::Status s = cb::CanStartRedis("redis://redis.example.com:6380",
                                     *cb::ParseRedisUrl("redis://redis.example.com:6380"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("redis://redis.example.com:6380"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("loopback"), std::string::npos) << s.message();
}

}  // namespace
