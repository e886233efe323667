// The per-attempt Docker Engine API proxy (runner/docker_proxy.h): the
// forwarding against a fake daemon (byte for byte, keep-alive,
// chunked bodies, upgrades, malformed requests, Stop), and against the real
// dockerd through the docker CLI, raw HTTP and the Docker Python SDK.
#include "runner/docker_proxy.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "runner/container_tracker.h"
#include "runner/docker_connection.h"
#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using cbtest::Sh;

constexpr char kImage[] = "cbtest/busybox:latest";

// ---------------------------------------------------------------------------
// Small socket helpers (plain POSIX, so the tests see exactly the bytes).

// A private folder with a short path (unix socket paths are limited to 107 bytes).
struct ShortDir {
  fs::path path;
  ShortDir() {
    std::string t = "/tmp/cbpx-XXXXXX";
    path = ::mkdtemp(t.data());
  }
  ~ShortDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

int ConnectUnix(const fs::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A string literal with its NUL bytes.
template <size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// A bound on a wait for an event (bytes, an end of file, a state) that only a
// hang exceeds, on a loaded machine too: every verdict rests on the event.
constexpr double kHangGuardS = 120;

// Reads until `done(text)` holds, EOF or `seconds`. Sets *eof at EOF.
std::string ReadUntil(int fd, const std::function<bool(const std::string&)>& done,
                      double seconds = kHangGuardS, bool* eof = nullptr) {
  std::string text;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  if (eof) *eof = false;
  while (!done(text)) {
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          end - std::chrono::steady_clock::now())
                                          .count());
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) break;
    char buf[65536];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (eof) *eof = true;
      break;
    }
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

std::string ReadToEof(int fd, double seconds = kHangGuardS, bool* eof = nullptr) {
  return ReadUntil(
      fd, [](const std::string&) { return false; }, seconds, eof);
}

// A fake Docker daemon on a unix socket (or TCP on 127.0.0.1): records every
// byte each connection sends; once the peer half-closes, answers `reply` and
// closes. It never parses anything.
class FakeDaemon {
 public:
  explicit FakeDaemon(const fs::path& socket, std::string reply = "FAKE-REPLY")
      : reply_(std::move(reply)) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, socket.c_str(), sizeof a.sun_path - 1);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 16);
    host_ = "unix://" + socket.string();
    Begin();
  }
  explicit FakeDaemon(int /*tcp*/, std::string reply = "FAKE-REPLY") : reply_(std::move(reply)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    ::listen(listen_fd_, 16);
    host_ = "tcp://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    Begin();
  }
  ~FakeDaemon() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    accept_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& t : threads_) t.join();
    for (int fd : fds_) ::close(fd);
    ::close(listen_fd_);
  }
  const std::string& host() const { return host_; }
  int connections() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(received_.size());
  }
  // What connection `i` sent so far.
  std::string received(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    return i < received_.size() ? received_[i] : "";
  }
  // Waits until connection `i` has sent at least `n` bytes.
  bool WaitForBytes(size_t i, size_t n, double seconds = kHangGuardS) {
    return cbtest::WaitFor([&] { return received(i).size() >= n; }, seconds);
  }

 private:
  void Begin() {
    accept_ = std::thread([this] {
      while (!stop_) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) break;
        std::lock_guard<std::mutex> lock(mu_);
        const size_t i = received_.size();
        received_.emplace_back();
        fds_.push_back(fd);
        threads_.emplace_back([this, fd, i] {
          char buf[65536];
          for (;;) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            std::lock_guard<std::mutex> lock(mu_);
            received_[i].append(buf, static_cast<size_t>(n));
          }
          SendAll(fd, reply_);
          ::shutdown(fd, SHUT_WR);
        });
      }
    });
  }

  std::string reply_;
  std::string host_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread accept_;
  std::mutex mu_;
  std::vector<std::string> received_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
};

// A proxy in a short private folder, with its marker there too.
struct ProxyFixture {
  ShortDir dir;
  std::string label = cb::NewLabelValue("cbtest.proxy");
  fs::path marker = dir.path / "created";
  std::unique_ptr<cb::DockerProxy> proxy;

  void Start(const std::string& upstream) {
    absl::StatusOr<std::unique_ptr<cb::DockerProxy>> p =
        cb::DockerProxy::Start(upstream, dir.path / "proxy.sock", label, marker);
    ASSERT_TRUE(p.ok()) << p.status();
    proxy = *std::move(p);
  }
  int Connect() { return ConnectUnix(proxy->socket_path()); }
};

// Splits "header\r\n\r\nbody" of one forwarded request with Content-Length.
struct Forwarded {
  std::string head, body;
};
Forwarded SplitRequest(const std::string& s) {
  const size_t end = s.find("\r\n\r\n");
  if (end == std::string::npos) return {s, ""};
  return {s.substr(0, end + 4), s.substr(end + 4)};
}

// ---------------------------------------------------------------------------
// Against a fake daemon: what reaches the daemon, byte for byte.

TEST(DockerProxy, StartRefusesBadArguments) {
  ShortDir dir;
  EXPECT_FALSE(
      cb::DockerProxy::Start("", dir.path / std::string(120, 'x'), "L", dir.path / "m").ok())
      << "socket path over 107 bytes";
  EXPECT_FALSE(
      cb::DockerProxy::Start("ssh://me@host", dir.path / "s.sock", "L", dir.path / "m").ok());
  EXPECT_FALSE(
      cb::DockerProxy::Start("npipe:////./pipe/docker", dir.path / "s.sock", "L", dir.path / "m")
          .ok());
  EXPECT_FALSE(cb::DockerProxy::Start("tcp://", dir.path / "s.sock", "L", dir.path / "m").ok());
  cbtest::WriteText(dir.path / "file", "not a socket");
  EXPECT_FALSE(cb::DockerProxy::Start("", dir.path / "file", "L", dir.path / "m").ok());
  EXPECT_TRUE(fs::exists(dir.path / "file"));
}

TEST(DockerProxy, SocketIsPrivateAndRemovedOnStop) {
  ProxyFixture f;
  f.Start("unix:///nonexistent/docker.sock");
  EXPECT_EQ(f.proxy->docker_host(), "unix://" + (f.dir.path / "proxy.sock").string());
  struct stat st {};
  ASSERT_EQ(::stat(f.proxy->socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  f.proxy->Stop();
  EXPECT_FALSE(fs::exists(f.dir.path / "proxy.sock"));
  f.proxy->Stop();  // idempotent
}

TEST(DockerProxy, ForwardsPipelinedRequestsByteForByte) {
  ShortDir d;
  FakeDaemon daemon(d.path / "daemon.sock");
  ProxyFixture f;
  f.Start(daemon.host());
  // Three requests on one connection: no body, Content-Length, chunked (with
  // an extension and a trailer), sent in awkward pieces.
  const std::string requests =
      "GET /v1.41/containers/json?all=1 HTTP/1.1\r\nHost: docker\r\nUser-Agent: t\r\n\r\n"
      "POST /v1.41/containers/abc/wait?condition=next-exit HTTP/1.1\r\nHost: docker\r\n"
      "Content-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"xyz\"}"
      "POST /v1.41/build HTTP/1.1\r\nHost: docker\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
  const int fd = f.Connect();
  ASSERT_GE(fd, 0);
  for (size_t i = 0; i < requests.size();) {
    const size_t n = std::min<size_t>(i % 3 == 0 ? 1 : 7, requests.size() - i);
    ASSERT_TRUE(SendAll(fd, requests.substr(i, n)));
    i += n;
    if (i % 5 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::shutdown(fd, SHUT_WR);
  bool eof = false;
  const std::string reply = ReadToEof(fd, kHangGuardS, &eof);
  ::close(fd);
  EXPECT_TRUE(eof);
  EXPECT_EQ(reply, "FAKE-REPLY") << "the daemon's bytes, unparsed, then its close";
  EXPECT_EQ(daemon.connections(), 1) << "one client connection, one daemon connection";
  EXPECT_EQ(daemon.received(0), requests);
  EXPECT_FALSE(fs::exists(f.marker)) << "no create, no marker";
  EXPECT_EQ(f.proxy->stats().connections, 1);
  EXPECT_EQ(f.proxy->stats().refused, 0);
}

TEST(DockerProxy, OverTcpToo) {
  FakeDaemon daemon(/*tcp=*/1);
  ProxyFixture f;
  f.Start(daemon.host());
  const std::string request = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";
  const int fd = f.Connect();
  ASSERT_TRUE(SendAll(fd, request));
  ::shutdown(fd, SHUT_WR);
  EXPECT_EQ(ReadToEof(fd), "FAKE-REPLY");
  ::close(fd);
  EXPECT_EQ(daemon.received(0), request);
}

TEST(DockerProxy, LabelsCreateWithContentLengthAndKeepsTheRest) {
  ShortDir d;
  FakeDaemon daemon(d.path / "daemon.sock");
  ProxyFixture f;
  f.Start(daemon.host());
  const std::string body = R"({"Image":"img","Labels":{"keep":"me"},"Cmd":["sleep","9"]})";
  const std::string after = "GET /v1.41/containers/x/json HTTP/1.1\r\nHost: docker\r\n\r\n";
  const int fd = f.Connect();
  ASSERT_TRUE(SendAll(fd,
                      "POST /v1.41/containers/create?name=x HTTP/1.1\r\nHost: docker\r\n"
                      "Content-Type: application/json\r\nX-Other: 1\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body + after));
  ::shutdown(fd, SHUT_WR);
  EXPECT_EQ(ReadToEof(fd), "FAKE-REPLY");
  ::close(fd);
  const std::string got = daemon.received(0);
  const size_t split = got.find("GET /v1.41/containers/x/json");
  ASSERT_NE(split, std::string::npos) << got;
  EXPECT_EQ(got.substr(split), after) << "the next request on the connection is untouched";
  const Forwarded create = SplitRequest(got.substr(0, split));
  EXPECT_EQ(create.head.rfind("POST /v1.41/containers/create?name=x HTTP/1.1\r\n", 0), 0u)
      << create.head;
  EXPECT_NE(create.head.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(create.head.find("X-Other: 1\r\n"), std::string::npos);
  EXPECT_NE(create.head.find("Content-Length: " + std::to_string(create.body.size()) + "\r\n"),
            std::string::npos)
      << create.head;
  const boost::json::object o = boost::json::parse(create.body).as_object();
  EXPECT_EQ(o.at("Labels"), (boost::json::object{{"keep", "me"}, {"cbrun.attempt", f.label}}));
  EXPECT_EQ(o.at("Cmd"), (boost::json::array{"sleep", "9"}));
  EXPECT_TRUE(fs::exists(f.marker)) << "the first create makes the marker";
  EXPECT_EQ(f.proxy->stats().labelled_creates, 1);
}

TEST(DockerProxy, LabelsAChunkedCreate) {
  ShortDir d;
  FakeDaemon daemon(d.path / "daemon.sock");
  ProxyFixture f;
  f.Start(daemon.host());
  const int fd = f.Connect();
  ASSERT_TRUE(SendAll(fd,
                      "POST /containers/create HTTP/1.1\r\nHost: docker\r\n"
                      "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                      "7\r\n{\"Image\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(SendAll(fd, "c\r\n\":\"i\",\"Label\r\n8\r\ns\":null}\r\n0\r\n\r\n"));
  ::shutdown(fd, SHUT_WR);
  EXPECT_EQ(ReadToEof(fd), "FAKE-REPLY");
  ::close(fd);
  const Forwarded create = SplitRequest(daemon.received(0));
  EXPECT_EQ(create.head.find("Transfer-Encoding"), std::string::npos) << create.head;
  EXPECT_NE(create.head.find("Content-Length: " + std::to_string(create.body.size()) + "\r\n"),
            std::string::npos)
      << create.head;
  const boost::json::object o = boost::json::parse(create.body).as_object();
  EXPECT_EQ(o.at("Image"), "i");
  EXPECT_EQ(o.at("Labels"), (boost::json::object{{"cbrun.attempt", f.label}}));
}

TEST(DockerProxy, AfterAnUpgradeBothDirectionsAreRaw) {
  ShortDir d;
  const std::string daemon_reply = Bytes("HTTP/1.1 101 UPGRADED\r\n\r\n\x01\x00raw-out");
  FakeDaemon daemon(d.path / "daemon.sock", daemon_reply);
  ProxyFixture f;
  f.Start(daemon.host());
  const std::string start_body = R"({"Detach":false,"Tty":false})";
  const std::string upgrade =
      "POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\n"
      "Upgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(start_body.size()) + "\r\n\r\n" + start_body;
  // Raw stdin already in the same packet as the request, then more later:
  // none of it is HTTP, and a create-looking line must pass unlabelled.
  const std::string raw1 = Bytes("\x00\xff not http\r\n\r\n");
  const std::string raw2 = "POST /containers/create HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
  const int fd = f.Connect();
  ASSERT_TRUE(SendAll(fd, upgrade + raw1));
  ASSERT_TRUE(daemon.WaitForBytes(0, upgrade.size() + raw1.size()));
  ASSERT_TRUE(SendAll(fd, raw2));
  ::shutdown(fd, SHUT_WR);  // stdin ends: the daemon must see EOF
  const std::string reply = ReadToEof(fd);
  ::close(fd);
  EXPECT_EQ(reply, daemon_reply);
  EXPECT_EQ(daemon.received(0), upgrade + raw1 + raw2);
  EXPECT_EQ(f.proxy->stats().refused, 0);
  EXPECT_EQ(f.proxy->stats().labelled_creates, 0);
}

TEST(DockerProxy, MalformedRequestClosesOnlyItsConnection) {
  ShortDir d;
  FakeDaemon daemon(d.path / "daemon.sock");
  ProxyFixture f;
  f.Start(daemon.host());
  const std::string ping = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";
  const int good = f.Connect();
  ASSERT_TRUE(SendAll(good, ping));
  ASSERT_TRUE(daemon.WaitForBytes(0, ping.size()));
  for (const std::string& bad :
       {std::string("NOT HTTP AT ALL\r\n\r\n"),
        std::string("POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
        std::string("POST /x HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"),
        std::string("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        std::string("POST /containers/create HTTP/1.1\r\nContent-Length: 5\r\n\r\n[1,2]"),
        std::string("POST /containers/create HTTP/1.1\r\nContent-Encoding: gzip\r\n"
                    "Content-Length: 2\r\n\r\n{}")}) {
    const int fd = f.Connect();
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, bad));
    bool eof = false;
    ReadToEof(fd, kHangGuardS, &eof);
    EXPECT_TRUE(eof) << "not closed after: " << bad;
    ::close(fd);
  }
  EXPECT_EQ(f.proxy->stats().refused, 6) << f.proxy->stats().last_problem;
  EXPECT_EQ(f.proxy->stats().labelled_creates, 0);
  EXPECT_FALSE(fs::exists(f.marker));
  // The first connection still works, and so do new ones.
  ASSERT_TRUE(SendAll(good, ping));
  ::shutdown(good, SHUT_WR);
  EXPECT_EQ(ReadToEof(good), "FAKE-REPLY");
  ::close(good);
  EXPECT_EQ(daemon.received(0), ping + ping);
  for (int i = 0; i < daemon.connections(); ++i) {
    const std::string got = daemon.received(i);
    EXPECT_EQ(got.find("create"), std::string::npos) << "a refused create reached the daemon";
  }
}

TEST(DockerProxy, AnUnreachableDaemonClosesTheConnection) {
  ProxyFixture f;
  f.Start("unix:///nonexistent/docker.sock");
  const int fd = f.Connect();
  ASSERT_GE(fd, 0);
  SendAll(fd, "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
  bool eof = false;
  ReadToEof(fd, kHangGuardS, &eof);
  ::close(fd);
  EXPECT_TRUE(eof);
  EXPECT_TRUE(
      cbtest::WaitFor([&] { return f.proxy->stats().upstream_failures == 1; }, kHangGuardS));
  EXPECT_NE(f.proxy->stats().last_problem.find("cannot connect"), std::string::npos);
}

TEST(DockerProxy, StopEndsOpenStreamsAndIdleConnectionsAtOnce) {
  ShortDir d;
  FakeDaemon daemon(d.path / "daemon.sock");
  ProxyFixture f;
  f.Start(daemon.host());
  const int idle = f.Connect();
  const int half = f.Connect();
  ASSERT_TRUE(SendAll(half, "GET /events HTTP/1.1\r\nHo"));  // half a header
  const int streaming = f.Connect();
  ASSERT_TRUE(SendAll(streaming, "GET /v1.41/events HTTP/1.1\r\nHost: docker\r\n\r\n"));
  ASSERT_TRUE(cbtest::WaitFor([&] { return daemon.connections() == 3; }, kHangGuardS));
  // Nothing else ever ends these three (the fake daemon answers only after a
  // half-close that never comes): Stop returning, and each client's end of
  // file below, show that Stop closed them.
  f.proxy->Stop();
  for (int fd : {idle, half, streaming}) {
    bool eof = false;
    ReadToEof(fd, kHangGuardS, &eof);
    EXPECT_TRUE(eof);
    ::close(fd);
  }
  EXPECT_LT(ConnectUnix(f.dir.path / "proxy.sock"), 0) << "nothing listens after Stop";
}

TEST(DockerProxy, ManyShortConnections) {
  ShortDir d;
  FakeDaemon daemon(d.path / "daemon.sock");
  ProxyFixture f;
  f.Start(daemon.host());
  for (int i = 0; i < 50; ++i) {
    const int fd = f.Connect();
    ASSERT_TRUE(SendAll(fd, "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n"));
    ::shutdown(fd, SHUT_WR);
    ASSERT_EQ(ReadToEof(fd), "FAKE-REPLY");
    ::close(fd);
  }
  EXPECT_EQ(f.proxy->stats().connections, 50);
}

// ---------------------------------------------------------------------------
// One connection on its own: its State as each side ends.

// Counts what a connection reports; can refuse to have creates sent.
class RecordingObserver : public cb::ConnectionObserver {
 public:
  bool allow_creates = true;
  bool BeforeLabelledCreate(std::string* why) override {
    if (!allow_creates) *why = "no marker";
    return allow_creates;
  }
  void LabelledCreateSent() override { ++creates; }
  void Refused(const std::string& why) override { Note(&refused, why); }
  void DaemonUnreachable(const std::string& why) override { Note(&unreachable, why); }
  std::string last() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }
  std::atomic<int> creates{0}, refused{0}, unreachable{0};

 private:
  void Note(std::atomic<int>* counter, const std::string& why) {
    std::lock_guard<std::mutex> lock(mu_);
    ++*counter;
    last_ = why;
  }
  std::mutex mu_;
  std::string last_;
};

// A daemon socket the test accepts on and answers by hand, and a connection
// whose client is one end of a socket pair.
struct ConnectionFixture {
  using State = cb::DockerConnection::State;
  ShortDir dir;
  asio::io_context io;
  RecordingObserver observer;
  std::vector<cb::DockerConnection::Endpoint> daemon_endpoints;
  int listen_fd = -1, client = -1, daemon = -1;
  std::unique_ptr<cb::DockerConnection> connection;

  explicit ConnectionFixture(bool daemon_listens = true) {
    const fs::path socket = dir.path / "daemon.sock";
    daemon_endpoints.emplace_back(asio::local::stream_protocol::endpoint(socket.string()));
    if (daemon_listens) {
      listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un a{};
      a.sun_family = AF_UNIX;
      std::strncpy(a.sun_path, socket.c_str(), sizeof a.sun_path - 1);
      ::bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      ::listen(listen_fd, 4);
    }
    int pair[2];
    ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair);
    client = pair[0];
    connection = cb::DockerConnection::Adopt(io, pair[1], daemon_endpoints, "L.1", observer);
  }
  ~ConnectionFixture() {
    connection.reset();
    for (int fd : {listen_fd, client, daemon})
      if (fd >= 0) ::close(fd);
  }
  // Starts the connection and accepts its connection to the daemon.
  bool StartAndAccept() {
    if (!connection->Start()) return false;
    daemon = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    return daemon >= 0 && WaitForState(State::kOpen);
  }
  bool WaitForState(State s) {
    return cbtest::WaitFor([&] { return connection->state() == s; }, kHangGuardS);
  }
};

TEST(DockerConnection, ClientEndsFirstThenTheDaemon) {
  ConnectionFixture f;
  ASSERT_TRUE(f.connection);
  EXPECT_EQ(f.connection->state(), ConnectionFixture::State::kConnecting);
  ASSERT_TRUE(f.StartAndAccept());
  const std::string ping = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";
  ASSERT_TRUE(SendAll(f.client, ping));
  ::shutdown(f.client, SHUT_WR);
  bool eof = false;
  EXPECT_EQ(ReadToEof(f.daemon, kHangGuardS, &eof), ping);
  EXPECT_TRUE(eof) << "the client's end reaches the daemon";
  EXPECT_TRUE(f.WaitForState(ConnectionFixture::State::kHalfClosedByClient));
  EXPECT_FALSE(f.connection->Done());
  ASSERT_TRUE(SendAll(f.daemon, "HTTP/1.1 200 OK\r\n\r\nOK"));
  ::shutdown(f.daemon, SHUT_WR);
  EXPECT_EQ(ReadToEof(f.client, kHangGuardS, &eof), "HTTP/1.1 200 OK\r\n\r\nOK");
  EXPECT_TRUE(eof);
  EXPECT_TRUE(f.WaitForState(ConnectionFixture::State::kClosed));
  EXPECT_TRUE(f.connection->Done());
  f.connection->Join();
  EXPECT_EQ(f.observer.refused + f.observer.unreachable, 0) << f.observer.last();
}

TEST(DockerConnection, DaemonEndsFirstAndTheClientMayStillSend) {
  ConnectionFixture f;
  ASSERT_TRUE(f.StartAndAccept());
  ASSERT_TRUE(SendAll(f.daemon, "bye"));
  ::shutdown(f.daemon, SHUT_WR);
  bool eof = false;
  EXPECT_EQ(ReadToEof(f.client, kHangGuardS, &eof), "bye");
  EXPECT_TRUE(eof);
  EXPECT_TRUE(f.WaitForState(ConnectionFixture::State::kHalfClosedByDaemon));
  const std::string ping = "GET /_ping HTTP/1.1\r\n\r\n";
  ASSERT_TRUE(SendAll(f.client, ping));
  ::shutdown(f.client, SHUT_WR);
  EXPECT_EQ(ReadToEof(f.daemon, kHangGuardS, &eof), ping);
  EXPECT_TRUE(f.WaitForState(ConnectionFixture::State::kClosed));
}

TEST(DockerConnection, AnUnreachableDaemonClosesItAtOnce) {
  ConnectionFixture f(/*daemon_listens=*/false);
  ASSERT_TRUE(f.connection->Start());
  EXPECT_TRUE(f.WaitForState(ConnectionFixture::State::kClosed));
  bool eof = false;
  ReadToEof(f.client, kHangGuardS, &eof);
  EXPECT_TRUE(eof);
  EXPECT_EQ(f.observer.unreachable, 1);
  EXPECT_NE(f.observer.last().find("cannot connect to the Docker daemon"), std::string::npos);
}

TEST(DockerConnection, AbortEndsBothPumps) {
  ConnectionFixture f;
  ASSERT_TRUE(f.StartAndAccept());
  f.connection->Abort();
  f.connection->Join();
  EXPECT_EQ(f.connection->state(), ConnectionFixture::State::kClosed);
  bool eof = false;
  ReadToEof(f.client, kHangGuardS, &eof);
  EXPECT_TRUE(eof);
}

TEST(DockerConnection, ACreateTheObserverForbidsNeverReachesTheDaemon) {
  ConnectionFixture f;
  f.observer.allow_creates = false;
  ASSERT_TRUE(f.StartAndAccept());
  const std::string ping = "GET /_ping HTTP/1.1\r\n\r\n";
  ASSERT_TRUE(SendAll(f.client, ping + "POST /containers/create HTTP/1.1\r\n"
                                       "Content-Length: 2\r\n\r\n{}" + ping));
  bool eof = false;
  EXPECT_EQ(ReadToEof(f.daemon, kHangGuardS, &eof), ping)
      << "the request before it, and nothing after";
  EXPECT_TRUE(eof);
  EXPECT_TRUE(f.WaitForState(ConnectionFixture::State::kClosed));
  EXPECT_EQ(f.observer.refused, 1);
  EXPECT_EQ(f.observer.last(), "no marker");
  EXPECT_EQ(f.observer.creates, 0);
}

// ---------------------------------------------------------------------------
// Against the real dockerd.

std::string Inspect(const std::string& name, const std::string& format) {
  cbtest::CommandResult r = cbtest::Run("docker inspect -f " + Sh(format) + " " + Sh(name));
  std::string out = r.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return r.exit_code == 0 ? out : "<inspect failed: " + out + ">";
}
std::string LabelOf(const std::string& name) {
  return Inspect(name, "{{index .Config.Labels \"cbrun.attempt\"}}");
}
bool Exists(const std::string& name) {
  return cbtest::Run("docker inspect " + Sh(name) + " >/dev/null 2>&1").exit_code == 0;
}

class RealDocker : public ::testing::Test {
 protected:
  void SetUp() override {
    CBTEST_REQUIRE_DOCKER();
    ASSERT_EQ(cbtest::TagTestImages({}), "");
    f_.Start(std::getenv("DOCKER_HOST") ? std::getenv("DOCKER_HOST") : "");
    if (HasFatalFailure()) return;
    env_ = "DOCKER_HOST=" + Sh(f_.proxy->docker_host()) + " ";
  }
  void TearDown() override {
    if (f_.proxy) f_.proxy->Stop();
    (void)cb::RemoveAttemptContainers("docker", f_.label);
    std::string rm;
    for (const std::string& n : names_) rm += " " + Sh(n);
    if (!rm.empty()) cbtest::Run("docker rm -f" + rm + " >/dev/null 2>&1");
  }
  std::string Name(const std::string& what) {
    static int counter = 0;
    names_.push_back("cbtest-proxy-" + what + "-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++));
    return names_.back();
  }
  // A command through the proxy.
  cbtest::CommandResult Via(const std::string& command) { return cbtest::Run(env_ + command); }
  // A python3 program using the Docker SDK (docker.from_env(): DOCKER_HOST).
  cbtest::CommandResult Sdk(const std::string& program) {
    return Via("/usr/bin/python3 -c " + Sh(program));
  }
  // An HTTP request on `fd` and its response (parsed here, in the test).
  http::response<http::string_body> Call(asio::local::stream_protocol::socket& s,
                                         http::request<http::string_body> req) {
    req.set(http::field::host, "docker");
    req.prepare_payload();
    http::write(s, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    EXPECT_EQ(buf.size(), 0u);
    return res;
  }

  ProxyFixture f_;
  std::string env_;
  std::vector<std::string> names_;
};

TEST_F(RealDocker, CliRunGetsTheLabelAndTheMarker) {
  const std::string name = Name("cli");
  EXPECT_FALSE(fs::exists(f_.marker));
  cbtest::CommandResult r = Via("docker run -d --label user=kept --entrypoint '' --name " + name +
                                " " + kImage + " sleep 300");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(LabelOf(name), f_.label);
  EXPECT_EQ(Inspect(name, "{{index .Config.Labels \"user\"}}"), "kept");
  EXPECT_EQ(Inspect(name, "{{.State.Running}}"), "true");
  EXPECT_TRUE(fs::exists(f_.marker));
}

TEST_F(RealDocker, PythonSdkRunGetsTheLabelAndExecWorks) {
  const std::string name = Name("sdk");
  cbtest::CommandResult r = Sdk(
      "import docker\n"
      "c = docker.from_env()\n"
      "k = c.containers.run('" +
      std::string(kImage) + "', 'sleep 300', name='" + name +
      "', entrypoint='', detach=True, remove=False)\n"
      "code, out = k.exec_run(['sh', '-c', 'echo sdk-exec-out; echo sdk-exec-err >&2; exit 3'])\n"
      "print('code', code, sorted(out.decode().split()))\n"
      "code, (o, e) = k.exec_run(['sh', '-c', 'echo o; echo e >&2'], demux=True)\n"
      "print('demux', o.decode().strip(), e.decode().strip())\n"
      "print(k.logs().decode() == '', c.ping())\n");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(LabelOf(name), f_.label);
  EXPECT_NE(r.output.find("code 3 ['sdk-exec-err', 'sdk-exec-out']"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("demux o e"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("True True"), std::string::npos) << r.output;
  EXPECT_EQ(f_.proxy->stats().refused, 0) << f_.proxy->stats().last_problem;
}

TEST_F(RealDocker, PythonSdkCreateAsUpstreamDoesIt) {
  // The call as in the brief of upstream's eval, with the image's entrypoint
  // kept: the test image's /bin/false does not exist, so the start fails, but
  // the container was created, and labelled.
  const std::string name = Name("sdk-plain");
  cbtest::CommandResult r =
      Sdk("import docker\n"
          "c = docker.from_env()\n"
          "try:\n"
          "    c.containers.run('" +
          std::string(kImage) + "', 'sleep 300', name='" + name +
          "', detach=True, remove=False)\n"
          "except docker.errors.APIError as e:\n"
          "    print('start failed:', e.explanation)\n");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(LabelOf(name), f_.label) << r.output;
}

TEST_F(RealDocker, CliExecAttachLogsAndWaitWork) {
  const std::string name = Name("exec");
  ASSERT_EQ(
      Via("docker run -d --entrypoint '' --name " + name + " " + kImage + " sleep 300").exit_code,
      0);
  cbtest::CommandResult r = Via("docker exec " + name + " sh -c 'echo out; echo err >&2; exit 4'");
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.output.find("out"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("err"), std::string::npos) << r.output;
  // stdin through the upgraded connection, and its end (half-close) reaching cat.
  r = Via("printf 'line1\\nline2\\n' | docker exec -i " + name + " cat");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "line1\nline2\n");
  // An attached run (attach + start + wait), removed by --rm.
  const std::string attached = Name("attached");
  r = Via("docker run --rm --entrypoint '' --name " + attached + " " + kImage +
          " sh -c 'echo attached-out; exit 5'");
  EXPECT_EQ(r.exit_code, 5) << r.output;
  EXPECT_NE(r.output.find("attached-out"), std::string::npos) << r.output;
  // Streaming responses: logs -f until the container ends, then wait.
  const std::string logs = Name("logs");
  ASSERT_EQ(Via("docker run -d --entrypoint '' --name " + logs + " " + kImage +
                " sh -c 'echo first; sleep 1; echo second'")
                .exit_code,
            0);
  r = Via("docker logs -f " + logs);
  EXPECT_EQ(r.output, "first\nsecond\n");
  r = Via("docker wait " + logs);
  EXPECT_EQ(r.output, "0\n");
  EXPECT_EQ(LabelOf(logs), f_.label);
  EXPECT_EQ(f_.proxy->stats().refused, 0) << f_.proxy->stats().last_problem;
}

TEST_F(RealDocker, CleanupRemovesTheAttemptsContainersOnly) {
  const std::string mine = Name("mine"), sdk = Name("mine-sdk");
  const std::string user = Name("user"), other = Name("other-attempt");
  ASSERT_EQ(
      cbtest::Run("docker run -d --entrypoint '' --name " + user + " " + kImage + " sleep 300")
          .exit_code,
      0);
  ASSERT_EQ(
      cbtest::Run("docker run -d --entrypoint '' --label cbrun.attempt=someone-else.1 --name " +
                  other + " " + kImage + " sleep 300")
          .exit_code,
      0);
  ASSERT_EQ(
      Via("docker run -d --entrypoint '' --name " + mine + " " + kImage + " sleep 300").exit_code,
      0);
  ASSERT_EQ(Sdk("import docker; docker.from_env().containers.create('" + std::string(kImage) +
                "', 'sleep 300', name='" + sdk + "')")
                .exit_code,
            0);
  EXPECT_EQ(LabelOf(user), "");
  f_.proxy->Stop();
  absl::StatusOr<int> removed = cb::RemoveAttemptContainers("docker", f_.label);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 2);
  EXPECT_FALSE(Exists(mine));
  EXPECT_FALSE(Exists(sdk));
  EXPECT_TRUE(Exists(user)) << "a container made without the proxy was removed";
  EXPECT_TRUE(Exists(other)) << "another attempt's container was removed";
}

TEST_F(RealDocker, KeepAliveSeveralRequestsOnOneConnectionIncludingACreate) {
  const std::string name = Name("keepalive");
  asio::io_context io;
  asio::local::stream_protocol::socket s(io);
  s.connect(asio::local::stream_protocol::endpoint(f_.proxy->socket_path().string()));
  auto ping = Call(s, {http::verb::get, "/_ping", 11});
  EXPECT_EQ(ping.result_int(), 200);
  EXPECT_EQ(ping.body(), "OK");
  http::request<http::string_body> create{http::verb::post, "/v1.41/containers/create?name=" + name,
                                          11};
  create.set(http::field::content_type, "application/json");
  create.body() =
      std::string(R"({"Image":")") + kImage + R"(","Cmd":["sleep","300"],"Entrypoint":[""]})";
  auto created = Call(s, create);
  EXPECT_EQ(created.result_int(), 201) << created.body();
  auto inspected = Call(s, {http::verb::get, "/v1.41/containers/" + name + "/json", 11});
  ASSERT_EQ(inspected.result_int(), 200) << inspected.body();
  EXPECT_EQ(boost::json::parse(inspected.body()).at("Config").at("Labels").at("cbrun.attempt"),
            boost::json::value(f_.label));
  EXPECT_EQ(Call(s, {http::verb::get, "/v1.41/version", 11}).result_int(), 200);
  EXPECT_EQ(f_.proxy->stats().connections, 1);
  EXPECT_EQ(f_.proxy->stats().labelled_creates, 1);
}

TEST_F(RealDocker, ChunkedCreate) {
  const std::string name = Name("chunked");
  const int fd = f_.Connect();
  ASSERT_GE(fd, 0);
  const std::string body =
      std::string(R"({"Image":")") + kImage + R"(","Cmd":["sleep","300"],"Labels":{"x":"y"}})";
  std::string chunks;
  for (size_t i = 0; i < body.size(); i += 10) {
    const std::string piece = body.substr(i, 10);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", piece.size());
    chunks += std::string(size) + "\r\n" + piece + "\r\n";
  }
  ASSERT_TRUE(SendAll(fd, "POST /v1.41/containers/create?name=" + name +
                              " HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n" +
                              chunks + "0\r\n\r\n"));
  const std::string reply =
      ReadUntil(fd, [](const std::string& t) { return t.find("}\n") != std::string::npos; });
  ::close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.1 201", 0), 0u) << reply;
  EXPECT_EQ(LabelOf(name), f_.label);
  EXPECT_EQ(Inspect(name, "{{index .Config.Labels \"x\"}}"), "y");
}

TEST_F(RealDocker, MalformedRequestDoesNotDisturbOtherConnections) {
  const int good = f_.Connect();
  const std::string ping = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";
  auto pong = [](const std::string& t) { return t.find("\r\n\r\nOK") != std::string::npos; };
  ASSERT_TRUE(SendAll(good, ping));
  EXPECT_TRUE(pong(ReadUntil(good, pong)));
  const int bad = f_.Connect();
  ASSERT_TRUE(SendAll(bad, "GET /_ping HTTP/1.1\r\nHost docker\r\n\r\n"));  // no colon
  bool eof = false;
  EXPECT_EQ(ReadToEof(bad, kHangGuardS, &eof), "");
  EXPECT_TRUE(eof);
  ::close(bad);
  ASSERT_TRUE(SendAll(good, ping));
  EXPECT_TRUE(pong(ReadUntil(good, pong)));
  ::close(good);
  EXPECT_EQ(f_.proxy->stats().refused, 1);
  EXPECT_EQ(Via("docker version --format '{{.Server.Version}}'").exit_code, 0);
}

}  // namespace
