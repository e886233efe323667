#include "core/redis_ping.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace cb {
namespace {

using Clock = std::chrono::steady_clock;

int MillisLeft(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

// One connection attempt to one address; the RESP reply's first line, or an error.
absl::Status PingAddress(const addrinfo& ai, Clock::time_point deadline, std::string* reply) {
  int fd = ::socket(ai.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return absl::UnavailableError(std::strerror(errno));
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, MillisLeft(deadline)) <= 0)
      return absl::UnavailableError("connect timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return absl::UnavailableError(std::strerror(err));
  }
  const char ping[] = "*1\r\n$4\r\nPING\r\n";
  if (::send(fd, ping, sizeof ping - 1, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof ping - 1))
    return absl::UnavailableError("cannot send PING");
  while (reply->find("\r\n") == std::string::npos && reply->size() < 512) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, MillisLeft(deadline)) <= 0) return absl::UnavailableError("no reply to PING");
    char buf[256];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return absl::UnavailableError("connection closed without a reply to PING");
    reply->append(buf, static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PingRedis(const RedisUrl& url, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(timeout_s));
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string port = absl::StrCat(url.port);
  if (int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &list); rc != 0)
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", url.host, ": ", gai_strerror(rc)));
  std::string why = "no address";
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    std::string reply;
    absl::Status s = PingAddress(*ai, deadline, &reply);
    if (s.ok() && (reply[0] == '+' || reply[0] == '-')) {
      ::freeaddrinfo(list);
      return absl::OkStatus();
    }
    std::string shown = reply.substr(0, reply.find_first_of("\r\n")).substr(0, 40);
    why = s.ok() ? absl::StrCat("not a Redis reply: \"", shown, "\"") : std::string(s.message());
  }
  ::freeaddrinfo(list);
  return absl::UnavailableError(why);
}

absl::Status CanStartRedis(const std::string& redis_url_text, const RedisUrl& url) {
  if (url.IsLoopback()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("Redis at ", redis_url_text,
                   " does not answer, and cbrun starts Redis only for a loopback "
                   "address (localhost, 127.x.x.x, ::1): start that Redis, or pass cbgen --redis "
                   "redis://127.0.0.1:6379 to let cbrun start one"));
}

}  // namespace cb
