// Redis for coop with messaging: asking it for PING (RESP over TCP), and
// starting Debian's redis-server for a loopback URL when nothing answers,
// once even when several cbruns ask at the same moment.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/redis_url.h"
#include "common/run_config.h"

namespace cb {

// OK when something at HOST:PORT answers PING like a Redis (+PONG, or an
// error reply such as -NOAUTH: a Redis is there). Unavailable otherwise.
absl::Status PingRedis(const RedisUrl& url, double timeout_s);

// The folder under OUT/services/ for a Redis cbrun starts on this port.
std::filesystem::path RedisDir(const std::filesystem::path& services_dir, const RedisUrl& url);

// Pure: redis-server's command line, bound to the URL's loopback address and
// port only, daemonized, with its data dir, pid file and log in `dir`.
std::vector<std::string> RedisServerArgs(const std::string& redis_server, const RedisUrl& url,
                                         const std::filesystem::path& dir);

// Pure: what cbrun would do about a Redis that does not answer: an error for
// a non-loopback URL, OK for a loopback one.
absl::Status CanStartRedis(const std::string& redis_url_text, const RedisUrl& url);

// Makes Redis answer at config.redis_url: OK if it already does; starts one
// (under a lock in `services_dir`) for a loopback URL; an error naming the URL
// and the fix otherwise. `started` (optional) tells whether this call started it.
absl::Status EnsureRedis(const RunConfig& config, const std::filesystem::path& services_dir,
                         bool* started = nullptr);

}  // namespace cb
