// Whether a Redis answers for coop with messaging: asking it for PING (RESP
// over TCP), and whether cbrun may start one when nothing answers. Shared by
// the checks (cbgen doctor, cbrun's preflight) and by cbrun's start of Redis
// (runner/redis_service.h).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/redis_url.h"

namespace cb {

// OK when something at HOST:PORT answers PING like a Redis (+PONG, or an
// error reply such as -NOAUTH: a Redis is there). Unavailable otherwise.
absl::Status PingRedis(const RedisUrl& url, double timeout_s);

// Pure: what cbrun would do about a Redis that does not answer: an error for
// a non-loopback URL, OK for a loopback one.
absl::Status CanStartRedis(const std::string& redis_url_text, const RedisUrl& url);

}  // namespace cb
