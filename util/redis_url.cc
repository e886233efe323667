#include "util/redis_url.h"

#include <charconv>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "util/redact.h"

namespace cb {

bool RedisUrl::IsLoopback() const {
  return host == "localhost" || host == "::1" || host == "[::1]" || absl::StartsWith(host, "127.");
}

absl::StatusOr<RedisUrl> ParseRedisUrl(absl::string_view url) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("Redis URL \"", RedactUrlPasswords(url),
                                                   "\": ", why, " (expected redis://HOST:PORT)"));
  };
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "redis://")) return bad("must start with redis://");
  if (size_t slash = rest.find('/'); slash != absl::string_view::npos) rest = rest.substr(0, slash);
  RedisUrl r;
  // The userinfo ends at the last '@' (as urllib reads it), the password
  // starts after its first ':'.
  if (size_t at = rest.rfind('@'); at != absl::string_view::npos) {
    const absl::string_view userinfo = rest.substr(0, at);
    if (size_t colon = userinfo.find(':'); colon != absl::string_view::npos)
      r.password = PercentDecode(userinfo.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  absl::string_view port_text;
  if (absl::StartsWith(rest, "[")) {
    size_t close = rest.find(']');
    if (close == absl::string_view::npos) return bad("unclosed [");
    r.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (absl::ConsumePrefix(&rest, ":")) port_text = rest;
  } else {
    size_t colon = rest.rfind(':');
    r.host = std::string(rest.substr(0, colon));
    if (colon != absl::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (r.host.empty()) return bad("no host");
  for (char c : r.host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':'))
      return bad("the host has characters a host name cannot have");
  if (!port_text.empty()) {
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), r.port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || r.port < 1 ||
        r.port > 65535)
      return bad("the port must be a number from 1 to 65535");
  }
  return r;
}

std::string PercentDecode(absl::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace cb
