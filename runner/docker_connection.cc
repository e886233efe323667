#include "runner/docker_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runner/container_tracker.h"

namespace cb {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
constexpr size_t kReadSize = 64 * 1024;
}  // namespace

std::thread StartThreadWithoutSignals(std::function<void()> body) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  std::thread t;
  try {
    t = std::thread(std::move(body));
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

DockerConnection::DockerConnection(asio::io_context& io, const std::vector<Endpoint>& daemon,
                                   const std::string& label_value, ConnectionObserver& observer)
    : daemon_endpoints_(daemon),
      observer_(observer),
      rewriter_(kAttemptLabel, label_value),
      client_(io),
      daemon_(io) {}

std::unique_ptr<DockerConnection> DockerConnection::Adopt(asio::io_context& io, int client_fd,
                                                          const std::vector<Endpoint>& daemon,
                                                          const std::string& label_value,
                                                          ConnectionObserver& observer) {
  std::unique_ptr<DockerConnection> c;
  try {
    c.reset(new DockerConnection(io, daemon, label_value, observer));
  } catch (...) {
    ::close(client_fd);
    throw;
  }
  error_code ec;
  c->client_.assign(asio::local::stream_protocol(), client_fd, ec);
  if (ec) {
    ::close(client_fd);
    return nullptr;
  }
  return c;
}

bool DockerConnection::Start() {
  try {
    client_to_daemon_ = StartThreadWithoutSignals([this] { RunClientToDaemon(); });
    return true;
  } catch (...) {
    observer_.DaemonUnreachable("cannot start a thread for a connection");
    Abort();
    std::lock_guard<std::mutex> lock(mu_);
    state_ = State::kClosed;  // no pump ever ran
    return false;
  }
}

DockerConnection::State DockerConnection::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void DockerConnection::PumpEnded(Pump pump) {
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kConnecting:  // the daemon -> client pump never started
      state_ = State::kClosed;
      break;
    case State::kOpen:
      state_ = pump == Pump::kClientToDaemon ? State::kHalfClosedByClient
                                             : State::kHalfClosedByDaemon;
      break;
    case State::kHalfClosedByClient:
    case State::kHalfClosedByDaemon:
      state_ = State::kClosed;
      break;
    case State::kClosed:
      break;
  }
}

void DockerConnection::Shutdown(Side side, int how) {
  std::lock_guard<std::mutex> lock(mu_);
  if (side == Side::kClient && client_.is_open()) ::shutdown(client_.native_handle(), how);
  if (side == Side::kDaemon && daemon_.is_open()) ::shutdown(daemon_.native_handle(), how);
}

void DockerConnection::Abort() {
  std::lock_guard<std::mutex> lock(mu_);
  aborted_ = true;
  if (client_.is_open()) ::shutdown(client_.native_handle(), SHUT_RDWR);
  if (daemon_.is_open()) ::shutdown(daemon_.native_handle(), SHUT_RDWR);
}

void DockerConnection::Join() {
  if (client_to_daemon_.joinable()) client_to_daemon_.join();
  // Started by the client -> daemon pump, which is over.
  if (daemon_to_client_.joinable()) daemon_to_client_.join();
}

DockerConnection::~DockerConnection() {
  Abort();
  Join();
}

void DockerConnection::Refuse(const std::string& why) {
  observer_.Refused(why);
  Abort();
}

void DockerConnection::RunClientToDaemon() {
  try {
    std::string why;
    if (!ConnectToDaemon(&why)) {
      observer_.DaemonUnreachable(absl::StrCat("cannot connect to the Docker daemon: ", why));
      Abort();
    } else {
      {
        // Under mu_, so the new pump cannot end before the state says it runs.
        std::lock_guard<std::mutex> lock(mu_);
        daemon_to_client_ = StartThreadWithoutSignals([this] { RunDaemonToClient(); });
        state_ = State::kOpen;
      }
      ForwardRequests();
    }
  } catch (const std::exception& e) {
    Refuse(absl::StrCat("proxy error: ", e.what()));
  } catch (...) {
    Refuse("proxy error");
  }
  PumpEnded(Pump::kClientToDaemon);
}

// Client -> daemon: whatever the rewriter makes of the client's bytes.
void DockerConnection::ForwardRequests() {
  std::string buf(kReadSize, '\0');
  for (;;) {
    error_code ec;
    const size_t n = client_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::eof) {
      const absl::Status end = rewriter_.EndOfInput();
      // A clean end (between requests, or stdin of an exec ending): the
      // daemon's input ends too, and its answer still comes back.
      if (end.ok()) return Shutdown(Side::kDaemon, SHUT_WR);
      return Refuse(std::string(end.message()));
    }
    if (ec) return Abort();
    DockerRequestRewriter::Output out = rewriter_.Feed(std::string_view(buf.data(), n));
    if (!SendToDaemon(out.pieces)) return;
    if (!out.refusal.empty()) return Refuse(out.refusal);
  }
}

// False when the connection is over: refused, or the daemon stopped reading.
bool DockerConnection::SendToDaemon(std::vector<DockerRequestRewriter::Piece>& pieces) {
  for (DockerRequestRewriter::Piece& piece : pieces) {
    const bool create = piece.kind == DockerRequestRewriter::Piece::Kind::kLabelledCreate;
    if (std::string why; create && !observer_.BeforeLabelledCreate(&why)) {
      Refuse(why);
      return false;
    }
    error_code ec;
    asio::write(daemon_, asio::buffer(piece.bytes), ec);
    if (ec) {
      // The daemon stopped reading (it answered early and closed, say): read
      // no more from the client, but let the other pump pass on what the
      // daemon said, up to its end.
      Shutdown(Side::kClient, SHUT_RD);
      return false;
    }
    if (create) observer_.LabelledCreateSent();
  }
  return true;
}

// Daemon -> client: bytes as they come, never parsed.
void DockerConnection::RunDaemonToClient() {
  try {
    std::string buf(kReadSize, '\0');
    for (;;) {
      error_code ec;
      const size_t n = daemon_.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::eof) {
        Shutdown(Side::kClient, SHUT_WR);  // the daemon is done: so is the client's side
        break;
      }
      if (!ec) asio::write(client_, asio::buffer(buf.data(), n), ec);
      if (ec) {
        Abort();
        break;
      }
    }
  } catch (...) {
    Abort();
  }
  PumpEnded(Pump::kDaemonToClient);
}

bool DockerConnection::ConnectToDaemon(std::string* why) {
  for (const Endpoint& ep : daemon_endpoints_) {
    if (TryEndpoint(ep, why)) return true;
    std::lock_guard<std::mutex> lock(mu_);
    if (aborted_) return false;
  }
  return false;
}

bool DockerConnection::TryEndpoint(const Endpoint& ep, std::string* why) {
  const int family = ep.protocol().family();
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *why = absl::StrCat("socket: ", std::strerror(errno));
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    error_code ec;
    if (!aborted_) daemon_.assign(asio::generic::stream_protocol(family, 0), fd, ec);
    if (aborted_ || ec) {
      ::close(fd);
      *why = aborted_ ? "stopped" : ec.message();
      return false;
    }
  }
  error_code ec;
  daemon_.connect(ep, ec);
  std::lock_guard<std::mutex> lock(mu_);
  if (ec) {
    *why = ec.message();
    daemon_.close(ec);
    return false;
  }
  if (family != AF_UNIX) {
    int one = 1;
    ::setsockopt(daemon_.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  // Abort may have come between assign and connect, when a shutdown does nothing.
  if (aborted_) ::shutdown(daemon_.native_handle(), SHUT_RDWR);
  return true;
}

}  // namespace cb
