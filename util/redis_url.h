// redis://[[USER]:PASSWORD@]HOST:PORT[/DB] URLs: where cooperbench's agents
// talk to each other.
#pragma once

#include <string>
#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace cb {

struct RedisUrl {
  std::string host;
  int port = 6379;
  // The userinfo's password, percent-decoded as redis-py decodes it; empty: none.
  std::string password;
  // localhost, 127.0.0.0/8 or ::1: a server cbrun may start itself.
  bool IsLoopback() const;
};

// Its errors quote the URL with the password as ***.
absl::StatusOr<RedisUrl> ParseRedisUrl(absl::string_view url);

// %XX sequences decoded (a URL's userinfo); others left as they are.
std::string PercentDecode(absl::string_view text);

}  // namespace cb
