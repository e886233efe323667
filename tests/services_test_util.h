// Helpers for the tests of real services (Redis, registry, a private
// dockerd, containers): free ports, waiting, small subsets, ninja with a key,
// and a private network for a "remote" service.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <sstream>
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
  WriteText(p, "{\"name\":\"one\",\"tasks\":[{\"repo\":\"" + repo +
                   "\",\"task_id\":" + std::to_string(task) + ",\"pairs\":[" + list + "]}]}\n");
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

// Two network namespaces that the test makes, joined by a veth pair: "server"
// holds kServerAddress, "client" kClientAddress (a /30 of their own), each
// also its own loopback. A service started InServer() listens on an address
// that is not loopback, yet reachable only from InClient() commands: nothing
// of the machine's own network is used or changed. The destructor kills every
// process left in the two namespaces and deletes them. Needs root and `ip`
// (iproute2): why_not() says what failed (use CBTEST_REQUIRE).
class TestNetwork {
 public:
  static constexpr const char* kServerAddress = "10.231.0.2";
  static constexpr const char* kClientAddress = "10.231.0.1";

  TestNetwork() {
    static std::atomic<int> counter{0};
    const std::string base =
        "cbtest-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    server_ = base + "-s";
    client_ = base + "-c";
    RemoveStale();
    const std::string steps[] = {
        "ip netns add " + server_,
        "ip netns add " + client_,
        "ip -n " + client_ + " link add cbt-c type veth peer name cbt-s netns " + server_,
        "ip -n " + client_ + " addr add " + kClientAddress + "/30 dev cbt-c",
        "ip -n " + server_ + " addr add " + kServerAddress + "/30 dev cbt-s",
        "ip -n " + client_ + " link set cbt-c up",
        "ip -n " + server_ + " link set cbt-s up",
        "ip -n " + client_ + " link set lo up",
        "ip -n " + server_ + " link set lo up",
    };
    for (const std::string& step : steps) {
      CommandResult r = Run(step);
      if (r.exit_code != 0) {
        while (!r.output.empty() && std::isspace(static_cast<unsigned char>(r.output.back())))
          r.output.pop_back();
        why_not_ = "cannot make a network namespace (root and iproute2's ip needed): `" + step +
                   "`: " + r.output;
        break;
      }
    }
  }
  ~TestNetwork() {
    for (const std::string& ns : {server_, client_}) Remove(ns);
  }
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  const std::string& why_not() const { return why_not_; }
  // `command` (for /bin/sh) run inside the server or the client namespace.
  std::string InServer(const std::string& command) const { return In(server_, command); }
  std::string InClient(const std::string& command) const { return In(client_, command); }

 private:
  static std::string In(const std::string& ns, const std::string& command) {
    return "ip netns exec " + ns + " /bin/sh -c " + Sh(command);
  }
  static void Remove(const std::string& ns) {
    Run("for p in $(ip netns pids " + ns +
        " 2>/dev/null); do kill -9 $p; done; "
        "ip netns del " +
        ns + " 2>/dev/null");
  }
  // Namespaces of an earlier test process that died before its destructor ran.
  static void RemoveStale() {
    std::istringstream names(Run("ip netns list 2>/dev/null").output);
    std::string name, rest;
    while (names >> name) {
      std::getline(names, rest);
      int pid = 0;
      if (std::sscanf(name.c_str(), "cbtest-%d-", &pid) == 1 && pid > 1 && pid != ::getpid() &&
          !ProcessAlive(pid))
        Remove(name);
    }
  }
  std::string server_, client_, why_not_;
};

}  // namespace cbtest
