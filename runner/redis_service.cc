#include "runner/redis_service.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "util/file_lock.h"
#include "util/log_tail.h"
#include "util/process.h"

namespace cb {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// redis-server with no data to load answers PING within ~100 ms of its start;
// 15 s covers a loaded machine and a slow disk for its log and pid file.
constexpr auto kRedisStartTimeout = std::chrono::seconds(15);
// Between PINGs while it starts: a fraction of its start-up; a PING costs little.
constexpr auto kRedisStartPollInterval = std::chrono::milliseconds(50);
// Each PING while it starts: a server that is up answers on loopback at once.
constexpr double kRedisStartPingTimeoutS = 1;

// Starts redis-server in a session of its own (so neither Ninja's Ctrl-C nor
// cbrun's group kill reaches it), output to its log, no fd of ours inherited,
// `config` (its password) on its stdin.
absl::Status Spawn(const std::vector<std::string>& argv, const std::string& config,
                   const fs::path& log) {
  const std::string exe = FindExecutable(argv[0]);
  if (exe.empty() || ::access(exe.c_str(), X_OK) != 0)
    return absl::NotFoundError(
        absl::StrCat(argv[0],
                     " not found: install Debian's redis-server (apt-get install redis-server), "
                     "pass --redis-server PATH to cbgen, or start Redis yourself"));
  ProcessSpec spec;
  spec.argv = argv;
  spec.argv[0] = exe;
  spec.log_file = log;
  spec.new_session = true;
  spec.stdin_text = config;
  const ProcessResult p = RunProcess(spec);
  if (!p.started) return absl::InternalError(p.start_error);
  // With --daemonize yes this is the parent that forked the server off.
  if (p.exit_code != 0)
    return absl::InternalError(
        absl::StrCat(exe, " failed to start: ", LogTail(log, 3), " (log: ", log.string(), ")"));
  return absl::OkStatus();
}

}  // namespace

fs::path RedisDir(const fs::path& services_dir, const RedisUrl& url) {
  return services_dir / absl::StrCat("redis-", url.port);
}

std::vector<std::string> RedisServerArgs(const std::string& redis_server, const RedisUrl& url,
                                         const fs::path& dir) {
  std::vector<std::string> args = {redis_server};
  // "-": the rest of the configuration (the password) from stdin, off the command line.
  if (!url.password.empty()) args.push_back("-");
  args.insert(args.end(), {"--port", absl::StrCat(url.port), "--bind"});
  if (url.host == "localhost") {
    // "-::1": IPv6 loopback too when the machine has it, not an error when not.
    args.insert(args.end(), {"127.0.0.1", "-::1"});
  } else {
    args.push_back(url.host);
  }
  args.insert(args.end(),
              {"--protected-mode", "yes", "--daemonize", "yes", "--dir", dir.string(), "--pidfile",
               (dir / "redis.pid").string(), "--logfile", (dir / "redis.log").string(),
               // Messages between agents need no persistence, and a
               // failed snapshot would make Redis refuse writes.
               "--save", "", "--appendonly", "no"});
  return args;
}

std::string RedisServerStdin(const RedisUrl& url) {
  if (url.password.empty()) return "";
  // redis.conf's quoted string: \" and \\ escaped, other bytes below space as \xHH.
  std::string quoted = "\"";
  for (char c : url.password) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppend(&quoted, "\\x", absl::Hex(u, absl::kZeroPad2));
    } else {
      quoted += c;
    }
  }
  return absl::StrCat("requirepass ", quoted, "\"\n");
}

absl::Status EnsureRedis(const RunConfig& config, const fs::path& services_dir, bool* started) {
  if (started) *started = false;
  absl::StatusOr<RedisUrl> url = ParseRedisUrl(config.RedisUrlWithPassword());
  if (!url.ok()) return url.status();
  absl::Status ping = PingRedis(*url, kRedisPingTimeoutS);
  if (ping.ok()) return ping;
  if (absl::Status s = CanStartRedis(config.redis_url, *url); !s.ok())
    return absl::FailedPreconditionError(
        absl::StrCat(s.message(), " (PING: ", ping.message(), ")"));

  const fs::path dir = fs::absolute(RedisDir(services_dir, *url)).lexically_normal();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir.string(), " for Redis: ", ec.message()));
  // Whoever gets the lock first starts it; the others find it answering.
  absl::StatusOr<FileLock> lock = FileLock::Acquire(dir / "start.lock", FileLock::Wait::kBlock);
  if (!lock.ok()) return lock.status();
  if (PingRedis(*url, kRedisPingTimeoutS).ok()) return absl::OkStatus();
  const fs::path log = dir / "redis.log";
  if (absl::Status s =
          Spawn(RedisServerArgs(config.redis_server, *url, dir), RedisServerStdin(*url), log);
      !s.ok())
    return s;
  const auto deadline = Clock::now() + kRedisStartTimeout;
  while (true) {
    if (PingRedis(*url, kRedisStartPingTimeoutS).ok()) break;
    if (Clock::now() > deadline)
      return absl::UnavailableError(
          absl::StrCat("started ", config.redis_server, " for ", config.redis_url,
                       " but it does not answer PING after ", kRedisStartTimeout.count(),
                       "s: ", LogTail(log, 3), " (log: ", log.string(), ")"));
    std::this_thread::sleep_for(kRedisStartPollInterval);
  }
  if (started) *started = true;
  return absl::OkStatus();
}

}  // namespace cb
