// One client connection of the per-attempt Docker proxy (runner/docker_proxy.h)
// and its connection to the daemon: two pumps, each a thread with blocking
// Asio I/O. Client -> daemon feeds a DockerRequestRewriter and sends what it
// gives; daemon -> client copies bytes, never parsed. The connection's life is
// its State, moved on under a mutex as each pump ends.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "runner/docker_request_rewriter.h"

namespace cb {

// Starts a thread with every signal blocked in it: signals are for cbrun's
// main thread (its signal_set), and a blocking read there must not see EINTR.
// Throws std::system_error when no thread can be started.
std::thread StartThreadWithoutSignals(std::function<void()> body);

// What a connection tells (and asks) the proxy that owns it; called from the
// connection's threads, so from several connections at once.
class ConnectionObserver {
 public:
  virtual ~ConnectionObserver() = default;
  // Before a labelled create is sent: false, with *why, when it must not be
  // (cbrun could not make its marker file); the connection is then refused.
  virtual bool BeforeLabelledCreate(std::string* why) = 0;
  virtual void LabelledCreateSent() = 0;
  // The connection is closed on a request the proxy cannot handle.
  virtual void Refused(const std::string& why) = 0;
  // The connection is closed for want of the daemon (or of a thread).
  virtual void DaemonUnreachable(const std::string& why) = 0;
};

class DockerConnection {
 public:
  using Endpoint = boost::asio::generic::stream_protocol::endpoint;

  // Where the connection is in its life. The client -> daemon pump runs from
  // Start; the daemon -> client pump once the daemon answered the connect.
  enum class State {
    kConnecting,          // connecting to the daemon: only the client -> daemon pump runs
    kOpen,                // both pumps run
    kHalfClosedByClient,  // the client -> daemon pump is over (the client's end, or
                          // the daemon stopped reading); daemon -> client still runs
    kHalfClosedByDaemon,  // the daemon -> client pump is over (the daemon's end);
                          // client -> daemon still runs
    kClosed,              // both pumps are over (or never ran): Join returns at once
  };

  // Adopts `client_fd` (an accepted unix socket); null, with the descriptor
  // closed, if Asio cannot take it. `daemon`, `label_value` and `observer`
  // outlive the connection.
  static std::unique_ptr<DockerConnection> Adopt(boost::asio::io_context& io, int client_fd,
                                                 const std::vector<Endpoint>& daemon,
                                                 const std::string& label_value,
                                                 ConnectionObserver& observer);

  // Starts the client -> daemon pump; false when no thread could be started
  // (the connection is then closed, and the observer told).
  bool Start();
  State state() const;
  bool Done() const { return state() == State::kClosed; }

  // Ends both directions now: every blocked read or write returns.
  void Abort();
  // Waits for both pumps to end (at once after Abort).
  void Join();
  // Aborts and joins; the sockets close with it.
  ~DockerConnection();

  DockerConnection(const DockerConnection&) = delete;
  DockerConnection& operator=(const DockerConnection&) = delete;

 private:
  enum class Pump { kClientToDaemon, kDaemonToClient };
  enum class Side { kClient, kDaemon };

  DockerConnection(boost::asio::io_context& io, const std::vector<Endpoint>& daemon,
                   const std::string& label_value, ConnectionObserver& observer);

  void PumpEnded(Pump pump);
  void Shutdown(Side side, int how);
  void Refuse(const std::string& why);
  void RunClientToDaemon();
  void ForwardRequests();
  bool SendToDaemon(std::vector<DockerRequestRewriter::Piece>& pieces);
  void RunDaemonToClient();
  bool ConnectToDaemon(std::string* why);
  bool TryEndpoint(const Endpoint& ep, std::string* why);

  const std::vector<Endpoint>& daemon_endpoints_;
  ConnectionObserver& observer_;
  DockerRequestRewriter rewriter_;  // used by the client -> daemon pump only

  boost::asio::local::stream_protocol::socket client_;
  boost::asio::generic::stream_protocol::socket daemon_;

  // The sockets close only when the connection is destroyed, after both
  // pumps are joined; until then any thread may shut them down, under mu_,
  // so never a descriptor that is being replaced.
  mutable std::mutex mu_;
  State state_ = State::kConnecting;
  bool aborted_ = false;           // Abort was called: nothing may connect any more
  std::thread client_to_daemon_;   // started by Start
  std::thread daemon_to_client_;   // started by client_to_daemon_, once connected
};

}  // namespace cb
