#include "runner/redis_service.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/atomic_file.h"
#include "common/file_lock.h"
#include "common/json_read.h"
#include "runner/launch.h"

namespace cb {
namespace fs = std::filesystem;
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
    if (::poll(&p, 1, MillisLeft(deadline)) <= 0) return absl::UnavailableError("connect timed out");
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

std::string LogTail(const fs::path& log) {
  absl::StatusOr<std::string> text = ReadFile(log);
  if (!text.ok()) return "";
  std::vector<absl::string_view> lines = absl::StrSplit(*text, '\n', absl::SkipEmpty());
  if (lines.size() > 3) lines.erase(lines.begin(), lines.end() - 3);
  return absl::StrJoin(lines, " | ");
}

// Starts redis-server in a session of its own (so neither Ninja's Ctrl-C nor
// cbrun's group kill reaches it), output to its log, no fd of ours inherited.
absl::Status Spawn(const std::vector<std::string>& argv, const fs::path& log) {
  const std::string exe = FindExecutable(argv[0]);
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0)
    return absl::NotFoundError(absl::StrCat(
        argv[0], " not found: install Debian's redis-server (apt-get install redis-server), "
                 "pass --redis-server PATH to cbgen, or start Redis yourself"));
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (std::string& s : copy) args.push_back(s.data());
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    ::setsid();
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(s, SIG_DFL);
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in >= 0) ::dup2(in, 0);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    ::close_range(3, ~0U, 0);
    ::execv(exe.c_str(), args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // With --daemonize yes this is the parent that forked the server off.
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return absl::InternalError(absl::StrCat(exe, " failed to start: ", LogTail(log),
                                            " (log: ", log.string(), ")"));
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
    return absl::UnavailableError(absl::StrCat("cannot resolve ", url.host, ": ", gai_strerror(rc)));
  std::string why = "no address";
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    std::string reply;
    absl::Status s = PingAddress(*ai, deadline, &reply);
    if (s.ok() && (reply[0] == '+' || reply[0] == '-')) {
      ::freeaddrinfo(list);
      return absl::OkStatus();
    }
    std::string shown = reply.substr(0, reply.find_first_of("\r\n")).substr(0, 40);
    why = s.ok() ? absl::StrCat("not a Redis reply: \"", shown, "\"")
                 : std::string(s.message());
  }
  ::freeaddrinfo(list);
  return absl::UnavailableError(why);
}

fs::path RedisDir(const fs::path& services_dir, const RedisUrl& url) {
  return services_dir / absl::StrCat("redis-", url.port);
}

std::vector<std::string> RedisServerArgs(const std::string& redis_server, const RedisUrl& url,
                                         const fs::path& dir) {
  std::vector<std::string> args = {redis_server, "--port", absl::StrCat(url.port), "--bind"};
  if (url.host == "localhost") {
    // "-::1": IPv6 loopback too when the machine has it, not an error when not.
    args.insert(args.end(), {"127.0.0.1", "-::1"});
  } else {
    args.push_back(url.host);
  }
  args.insert(args.end(), {"--protected-mode", "yes", "--daemonize", "yes",
                           "--dir", dir.string(),
                           "--pidfile", (dir / "redis.pid").string(),
                           "--logfile", (dir / "redis.log").string(),
                           // Messages between agents need no persistence, and a
                           // failed snapshot would make Redis refuse writes.
                           "--save", "", "--appendonly", "no"});
  return args;
}

absl::Status CanStartRedis(const std::string& redis_url_text, const RedisUrl& url) {
  if (url.IsLoopback()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "Redis at ", redis_url_text, " does not answer, and cbrun starts Redis only for a loopback "
      "address (localhost, 127.x.x.x, ::1): start that Redis, or pass cbgen --redis "
      "redis://127.0.0.1:6379 to let cbrun start one"));
}

absl::Status EnsureRedis(const RunConfig& config, const fs::path& services_dir, bool* started) {
  if (started) *started = false;
  absl::StatusOr<RedisUrl> url = ParseRedisUrl(config.redis_url);
  if (!url.ok()) return url.status();
  absl::Status ping = PingRedis(*url, 2);
  if (ping.ok()) return ping;
  if (absl::Status s = CanStartRedis(config.redis_url, *url); !s.ok())
    return absl::FailedPreconditionError(absl::StrCat(s.message(), " (PING: ", ping.message(), ")"));

  const fs::path dir = fs::absolute(RedisDir(services_dir, *url)).lexically_normal();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir.string(), " for Redis: ", ec.message()));
  // Whoever gets the lock first starts it; the others find it answering.
  absl::StatusOr<FileLock> lock = FileLock::Acquire(dir / "start.lock", FileLock::Wait::kBlock);
  if (!lock.ok()) return lock.status();
  if (PingRedis(*url, 2).ok()) return absl::OkStatus();
  const fs::path log = dir / "redis.log";
  if (absl::Status s = Spawn(RedisServerArgs(config.redis_server, *url, dir), log); !s.ok())
    return s;
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (true) {
    if (PingRedis(*url, 1).ok()) break;
    if (Clock::now() > deadline)
      return absl::UnavailableError(absl::StrCat(
          "started ", config.redis_server, " for ", config.redis_url,
          " but it does not answer PING after 15s: ", LogTail(log), " (log: ", log.string(), ")"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (started) *started = true;
  return absl::OkStatus();
}

}  // namespace cb
