// redis://HOST:PORT[/DB] URLs: where cooperbench's agents talk to each other.
#pragma once

#include <string>
#include <string_view>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace cb {

struct RedisUrl {
  std::string host;
  int port = 6379;
  // localhost, 127.0.0.0/8 or ::1: a server cbrun may start itself.
  bool IsLoopback() const;
};

absl::StatusOr<RedisUrl> ParseRedisUrl(absl::string_view url);

}  // namespace cb
