#include "runner/docker_proxy.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "runner/docker_connection.h"

namespace cb {
namespace fs = std::filesystem;
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

static_assert(kMaxUnixSocketPath == sizeof(sockaddr_un::sun_path) - 1);
// After accept fails for lack of descriptors or memory: long enough for a
// connection to finish and free its own, short next to a client's wait.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

struct Upstream {
  std::vector<DockerConnection::Endpoint> endpoints;
};

absl::StatusOr<Upstream> ParseUpstream(const std::string& docker_host, asio::io_context& io) {
  Upstream up;
  std::string host = docker_host.empty() ? "unix:///var/run/docker.sock" : docker_host;
  if (absl::StartsWith(host, "unix://")) {
    const std::string path = host.substr(7);
    if (path.empty()) return absl::InvalidArgumentError("DOCKER_HOST unix:// names no socket");
    if (path.size() > kMaxUnixSocketPath)
      return absl::InvalidArgumentError(
          absl::StrCat("DOCKER_HOST's socket path is longer than ", kMaxUnixSocketPath, " bytes"));
    up.endpoints.emplace_back(asio::local::stream_protocol::endpoint(path));
    return up;
  }
  if (absl::StartsWith(host, "tcp://")) {
    std::string rest = host.substr(6);
    while (absl::EndsWith(rest, "/")) rest.pop_back();
    if (rest.empty() || rest.find('/') != std::string::npos)
      return absl::InvalidArgumentError(
          absl::StrCat("DOCKER_HOST ", host, ": only tcp://HOST[:PORT] is supported"));
    std::string name = rest, port = "2375";
    if (rest[0] == '[') {
      const size_t close = rest.find(']');
      if (close == std::string::npos)
        return absl::InvalidArgumentError(absl::StrCat("DOCKER_HOST ", host, ": bad address"));
      name = rest.substr(1, close - 1);
      if (close + 1 < rest.size()) {
        if (rest[close + 1] != ':')
          return absl::InvalidArgumentError(absl::StrCat("DOCKER_HOST ", host, ": bad address"));
        port = rest.substr(close + 2);
      }
    } else if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
      name = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    int port_number = 0;
    if (name.empty() || !absl::SimpleAtoi(port, &port_number) || port_number <= 0 ||
        port_number > 65535)
      return absl::InvalidArgumentError(absl::StrCat("DOCKER_HOST ", host, ": bad host or port"));
    asio::ip::tcp::resolver resolver(io);
    error_code ec;
    auto results = resolver.resolve(name, port, asio::ip::tcp::resolver::numeric_service, ec);
    if (ec || results.empty())
      return absl::UnavailableError(
          absl::StrCat("DOCKER_HOST ", host, ": cannot resolve ", name, ": ", ec.message()));
    for (const auto& r : results) up.endpoints.emplace_back(r.endpoint());
    return up;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "DOCKER_HOST ", host, " is not supported by cbrun's proxy (only unix:// and tcp://)"));
}

}  // namespace

// The proxy's side of its connections: the listening socket, the marker, the
// counts, and the connections themselves until they are over and joined.
struct DockerProxy::Impl : ConnectionObserver {
  asio::io_context io;
  asio::local::stream_protocol::acceptor acceptor{io};
  Upstream upstream;
  std::string label_value;
  fs::path marker;
  std::atomic<bool> stopping{false};

  std::mutex conns_mu;
  std::list<std::unique_ptr<DockerConnection>> conns;

  std::mutex marker_mu;
  bool marked = false;

  mutable std::mutex stats_mu;
  Stats stats;

  void Count(int Stats::*counter, const std::string& problem = "") {
    std::lock_guard<std::mutex> lock(stats_mu);
    ++(stats.*counter);
    if (!problem.empty()) stats.last_problem = problem;
  }

  // ConnectionObserver: the marker exists before the first create is sent.
  bool BeforeLabelledCreate(std::string* why) override {
    std::lock_guard<std::mutex> lock(marker_mu);
    if (marked) return true;
    const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      *why = absl::StrCat("cannot create ", marker.string(), ": ", std::strerror(errno),
                          "; not creating a container cbrun could not clean up");
      return false;
    }
    ::close(fd);
    marked = true;
    return true;
  }
  void LabelledCreateSent() override { Count(&Stats::labelled_creates); }
  void Refused(const std::string& why) override { Count(&Stats::refused, why); }
  void DaemonUnreachable(const std::string& why) override {
    if (!stopping.load()) Count(&Stats::upstream_failures, why);
  }

  // Joins and drops the connections that are over.
  void Reap() {
    std::lock_guard<std::mutex> lock(conns_mu);
    for (auto it = conns.begin(); it != conns.end();) {
      if ((*it)->Done()) {
        (*it)->Join();
        it = conns.erase(it);
      } else {
        ++it;
      }
    }
  }

  // A new client connection, on its way: pumps started, or closed.
  void Serve(int fd) {
    std::unique_ptr<DockerConnection> c =
        DockerConnection::Adopt(io, fd, upstream.endpoints, label_value, *this);
    if (!c) return;
    DockerConnection* started = c.get();
    {
      std::lock_guard<std::mutex> lock(conns_mu);
      conns.push_back(std::move(c));
    }
    Count(&Stats::connections);
    started->Start();  // on failure: closed, counted, reaped later
  }

  void AcceptLoop() {
    while (!stopping.load()) {
      const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (stopping.load()) break;
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
        // Out of descriptors or memory: wait, rather than leave clients
        // hanging in the backlog of a socket nobody accepts on.
        Count(&Stats::upstream_failures, absl::StrCat("accept: ", std::strerror(errno)));
        std::this_thread::sleep_for(kAcceptRetryDelay);
        continue;
      }
      if (stopping.load()) {
        ::close(fd);
        break;
      }
      Reap();
      try {
        Serve(fd);
      } catch (...) {
        // Out of memory for one connection: it is closed (or never opened).
      }
    }
  }
};

namespace {

// Listens on `socket_path` (mode 0600, not inherited by children), in place of
// a socket left there before; on failure nothing listens and no socket is left.
absl::Status ListenOn(asio::local::stream_protocol::acceptor& acceptor,
                      const fs::path& socket_path) {
  std::error_code fec;
  const fs::file_status st = fs::symlink_status(socket_path, fec);
  if (fs::exists(st)) {
    if (!fs::is_socket(st))
      return absl::AlreadyExistsError(
          absl::StrCat(socket_path.string(), " exists and is not a socket"));
    fs::remove(socket_path, fec);
  }
  error_code ec;
  acceptor.open(asio::local::stream_protocol(), ec);
  if (!ec && ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC) != 0)
    ec = error_code(errno, boost::system::system_category());
  if (!ec) acceptor.bind(asio::local::stream_protocol::endpoint(socket_path.string()), ec);
  if (!ec && ::chmod(socket_path.c_str(), 0600) != 0)
    ec = error_code(errno, boost::system::system_category());
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) return absl::OkStatus();
  error_code ignored;
  acceptor.close(ignored);
  fs::remove(socket_path, fec);
  return absl::UnavailableError(
      absl::StrCat("cannot listen on ", socket_path.string(), ": ", ec.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<DockerProxy>> DockerProxy::Start(std::string upstream_docker_host,
                                                                fs::path socket_path,
                                                                std::string label_value,
                                                                fs::path marker) {
  if (socket_path.string().size() > kMaxUnixSocketPath)
    return absl::InvalidArgumentError(absl::StrCat(
        "socket path ", socket_path.string(), " is longer than ", kMaxUnixSocketPath, " bytes"));
  if (socket_path.empty()) return absl::InvalidArgumentError("empty socket path");
  std::unique_ptr<DockerProxy> proxy(new DockerProxy());
  proxy->socket_path_ = socket_path;
  auto impl = std::make_unique<Impl>();
  impl->label_value = std::move(label_value);
  impl->marker = std::move(marker);
  absl::StatusOr<Upstream> up = ParseUpstream(upstream_docker_host, impl->io);
  if (!up.ok()) return up.status();
  impl->upstream = *std::move(up);

  if (absl::Status s = ListenOn(impl->acceptor, socket_path); !s.ok()) return s;
  proxy->impl_ = std::move(impl);
  try {
    Impl* i = proxy->impl_.get();
    proxy->acceptor_ = StartThreadWithoutSignals([i] { i->AcceptLoop(); });
  } catch (const std::exception& e) {
    error_code ignored;
    proxy->impl_->acceptor.close(ignored);
    std::error_code fec;
    fs::remove(socket_path, fec);
    proxy->stopped_ = true;
    return absl::ResourceExhaustedError(absl::StrCat("cannot start the proxy: ", e.what()));
  }
  return proxy;
}

std::string DockerProxy::docker_host() const {
  return "unix://" + socket_path_.string();
}

DockerProxy::Stats DockerProxy::stats() const {
  std::lock_guard<std::mutex> lock(impl_->stats_mu);
  return impl_->stats;
}

void DockerProxy::Stop() {
  if (stopped_ || !impl_) return;
  stopped_ = true;
  impl_->stopping = true;
  // Wakes the blocked accept (EINVAL on Linux).
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  std::list<std::unique_ptr<DockerConnection>> conns;
  {
    std::lock_guard<std::mutex> lock(impl_->conns_mu);
    conns.swap(impl_->conns);
  }
  for (const auto& c : conns) c->Abort();  // all at once, then wait for each
  for (const auto& c : conns) c->Join();
  conns.clear();
  error_code ignored;
  impl_->acceptor.close(ignored);
  std::error_code fec;
  fs::remove(socket_path_, fec);
}

DockerProxy::~DockerProxy() {
  Stop();
}

}  // namespace cb
