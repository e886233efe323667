// Whether a Redis answers for coop with messaging: asking it for PING (RESP
// over TCP), and whether cbrun may start one when nothing answers. Shared by
// the checks (cbgen doctor, cbrun's preflight) and by cbrun's start of Redis
// (runner/redis_service.h).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "util/redis_url.h"

namespace cb {

// OK when something at HOST:PORT answers PING like a Redis (+PONG, or an
// error reply such as -NOAUTH: a Redis is there). Unavailable otherwise.
absl::Status PingRedis(const RedisUrl& url, double timeout_s);

// How long to wait for PING when asking whether a Redis is there: one on this
// machine answers within a millisecond, one on the LAN within tens; 2 s allows
// a loaded machine and still reports a dead URL quickly.
inline constexpr double kRedisPingTimeoutS = 2;

// Pure: what cbrun would do about a Redis that does not answer: an error for
// a non-loopback URL, OK for a loopback one.
absl::Status CanStartRedis(const std::string& redis_url_text, const RedisUrl& url);

}  // namespace cb
