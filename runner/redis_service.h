// Redis for coop with messaging: starting Debian's redis-server for a
// loopback URL when nothing answers PING (core/redis_ping.h), requiring
// the URL's password if it has one, once even when several cbruns ask at the
// same moment.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/redis_ping.h"
#include "util/redis_url.h"
#include "core/run_config.h"

namespace cb {

// The folder under OUT/services/ for a Redis cbrun starts on this port.
std::filesystem::path RedisDir(const std::filesystem::path& services_dir, const RedisUrl& url);

// Pure: redis-server's command line, bound to the URL's loopback address and
// port only, daemonized, with its data dir, pid file and log in `dir`.
// With a password in the URL, "-" follows the executable: the password comes
// from RedisServerStdin(), so it stays off the command line (and `ps`).
std::vector<std::string> RedisServerArgs(const std::string& redis_server, const RedisUrl& url,
                                         const std::filesystem::path& dir);

// Pure: what redis-server reads on its stdin: `requirepass "PASSWORD"`, or
// empty for a URL without a password.
std::string RedisServerStdin(const RedisUrl& url);

// Makes Redis answer at config.redis_url: OK if it already does; starts one
// (under a lock in `services_dir`) for a loopback URL; an error naming the URL
// and the fix otherwise. `started` (optional) tells whether this call started it.
absl::Status EnsureRedis(const RunConfig& config, const std::filesystem::path& services_dir,
                         bool* started = nullptr);

}  // namespace cb
