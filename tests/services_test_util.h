// Helpers for the tests of real services (Redis, registry, a private
// dockerd, containers): free ports, waiting, small subsets, ninja with a key.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "test_util.h"

namespace cbtest {

// A TCP port on 127.0.0.1 that nothing listens on right now.
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Polls `done` every 50 ms for up to `seconds`.
inline bool WaitFor(const std::function<bool()>& done, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// A subset file with one task and its first `pairs` pairs of features 1..5.
inline fs::path WriteOneTaskSubset(const fs::path& dir, const std::string& repo, long long task,
                                   int pairs) {
  static const char* kPairs[] = {"[1,2]", "[1,3]", "[2,3]", "[1,4]", "[2,4]", "[3,4]"};
  std::string list;
  for (int i = 0; i < pairs; ++i) list += std::string(i ? "," : "") + kPairs[i];
  const fs::path p = dir / "one.json";
  WriteText(p, "{\"name\":\"one\",\"tasks\":[{\"repo\":\"" + repo + "\",\"task_id\":" +
                   std::to_string(task) + ",\"pairs\":[" + list + "]}]}\n");
  return p;
}

// `ninja ARGS` in the experiment with an API key set (a dummy: the double needs none).
inline CommandResult NinjaWithKey(const Experiment& x, const std::string& args,
                                  const std::string& env = "") {
  return Run("COHERE_API_KEY=cbtest-dummy-key " + env + " " + x.Env() + "ninja " + args,
             x.dir.path());
}

// Kills the process in a pid file at scope exit (a daemon a test started).
struct KillPidFileAtExit {
  fs::path pid_file;
  ~KillPidFileAtExit() {
    const std::string text = ReadText(pid_file);
    const int pid = text.empty() ? 0 : std::stoi(text);
    if (pid > 1) {
      ::kill(pid, SIGTERM);
      WaitFor([&] { return !ProcessAlive(pid); }, 10);
      if (ProcessAlive(pid)) ::kill(pid, SIGKILL);
    }
  }
};

inline std::string Tail(const std::string& s, size_t n = 3000) {
  return s.size() > n ? s.substr(s.size() - n) : s;
}

}  // namespace cbtest
