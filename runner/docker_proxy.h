// A Docker Engine API proxy for one attempt. cbrun listens on a unix socket of
// its own and gives cooperbench DOCKER_HOST=unix://<that socket>, so whatever
// talks to Docker during the attempt (the docker CLI of mini-swe-agent, the
// Docker Python SDK of the agent v1 and of every evaluation) goes through it.
// Everything is forwarded to the real daemon byte for byte, except a
// container-create request: its JSON body gets the label
// cbrun.attempt=<label value> (runner/docker_request_rewriter.h, which knows
// HTTP), and the first one creates the marker file. Responses are never
// parsed, only piped; after a request with `Connection: Upgrade` (exec start,
// attach) both directions are raw byte pipes.
//
// Threads: one accepting here, two per client connection
// (runner/docker_connection.h). Blocking Asio I/O, with every signal blocked
// in these threads (cbrun's signal_set gets them). Nothing is printed: errors
// are returned or counted in stats().
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cb {

// The longest path a unix socket can have (sockaddr_un's sun_path, less its
// NUL): the proxy's own socket, and DOCKER_HOST's, must fit.
inline constexpr size_t kMaxUnixSocketPath = 107;

class DockerProxy {
 public:
  struct Stats {
    int connections = 0;        // accepted client connections
    int labelled_creates = 0;   // container-create requests forwarded with the label
    int refused = 0;            // connections closed on a request the proxy could not handle
    int upstream_failures = 0;  // connections lost for want of the daemon (or of descriptors)
    std::string last_problem;   // why the last refusal or failure happened; empty if none
  };

  // Listens on `socket_path` (mode 0600; a stale socket there is replaced;
  // at most 107 bytes) and forwards to `upstream_docker_host`: "unix:///path",
  // "tcp://host[:port]" (plain, port 2375 by default) or "" for
  // unix:///var/run/docker.sock. Nothing connects to the daemon until a client
  // does. An error for an unsupported DOCKER_HOST or a socket it cannot make.
  static absl::StatusOr<std::unique_ptr<DockerProxy>> Start(std::string upstream_docker_host,
                                                            std::filesystem::path socket_path,
                                                            std::string label_value,
                                                            std::filesystem::path marker);

  // "unix://<socket path>", for the attempt's DOCKER_HOST.
  std::string docker_host() const;
  const std::filesystem::path& socket_path() const { return socket_path_; }
  Stats stats() const;

  // Stops accepting, closes every connection (streams in flight included),
  // joins every thread and removes the socket file. Idempotent.
  void Stop();
  ~DockerProxy();

  DockerProxy(const DockerProxy&) = delete;
  DockerProxy& operator=(const DockerProxy&) = delete;

  struct Impl;  // in docker_proxy.cc

 private:
  DockerProxy() = default;

  std::filesystem::path socket_path_;
  std::unique_ptr<Impl> impl_;
  std::thread acceptor_;
  bool stopped_ = false;
};

}  // namespace cb
