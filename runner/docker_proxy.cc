#include "runner/docker_proxy.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
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
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "runner/container_tracker.h"

namespace cb {
namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr size_t kReadSize = 64 * 1024;
constexpr uint32_t kHeaderLimit = 1 << 20;     // X-Registry-Auth can be long
constexpr size_t kCreateBodyLimit = 16 << 20;  // a container config is a few KB
constexpr size_t kMaxUnixPath = sizeof(sockaddr_un::sun_path) - 1;  // 107
// After accept fails for lack of descriptors or memory: long enough for a
// connection to finish and free its own, short next to a client's wait.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

// Debian's Abseil has its own string_view.
absl::string_view AV(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding as Go's url.PathUnescape does it; nullopt for a bad escape
// (which Go answers with 400: no container is made).
std::optional<std::string> DecodePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      out.push_back(path[i]);
      continue;
    }
    if (i + 2 >= path.size()) return std::nullopt;
    const int hi = HexValue(path[i + 1]), lo = HexValue(path[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Starts a thread with every signal blocked in it: signals are for cbrun's
// main thread (its signal_set), and a blocking read here must not see EINTR.
template <typename F>
std::thread StartThread(F&& f) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  std::thread t;
  try {
    t = std::thread(std::forward<F>(f));
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return t;
}

// Frames one request for the forwarder: remembers the request line and the
// header fields, and keeps the body only when asked to (a container create).
class RequestParser : public http::basic_parser<true> {
 public:
  std::string method;
  std::string target;
  int version = 11;
  std::vector<std::pair<std::string, std::string>> fields;  // as received, trailers excluded
  bool capture = false;
  std::string body;  // when capture

 private:
  void on_request_impl(http::verb, boost::beast::string_view method_str,
                       boost::beast::string_view target_str, int v, error_code&) override {
    method.assign(method_str.data(), method_str.size());
    target.assign(target_str.data(), target_str.size());
    version = v;
  }
  void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override {
    ec = http::error::bad_method;  // never called for a request parser
  }
  void on_field_impl(http::field, boost::beast::string_view name, boost::beast::string_view value,
                     error_code&) override {
    if (!is_header_done())
      fields.emplace_back(std::string(name.data(), name.size()),
                          std::string(value.data(), value.size()));
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override {
    if (capture && length && *length > kCreateBodyLimit) ec = http::error::body_limit;
  }
  size_t Take(boost::beast::string_view piece, error_code& ec) {
    if (!capture) return piece.size();
    if (body.size() + piece.size() > kCreateBodyLimit) {
      ec = http::error::body_limit;
      return 0;
    }
    body.append(piece.data(), piece.size());
    return piece.size();
  }
  size_t on_body_impl(boost::beast::string_view piece, error_code& ec) override {
    return Take(piece, ec);
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view piece,
                            error_code& ec) override {
    return Take(piece, ec);
  }
  void on_finish_impl(error_code&) override {}
};

// The request line and fields of a create, with the body's new length.
std::string RebuildCreateHeader(const RequestParser& p, size_t body_size) {
  std::string h =
      absl::StrCat(p.method, " ", p.target, " HTTP/", p.version / 10, ".", p.version % 10, "\r\n");
  for (const auto& [name, value] : p.fields) {
    if (absl::EqualsIgnoreCase(name, "Content-Length") ||
        absl::EqualsIgnoreCase(name, "Transfer-Encoding") || absl::EqualsIgnoreCase(name, "Expect"))
      continue;
    absl::StrAppend(&h, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&h, "Content-Length: ", body_size, "\r\n\r\n");
  return h;
}

// Why a create's body cannot be edited as it is framed; empty when it can.
std::string CreateFramingProblem(const RequestParser& p) {
  for (const auto& [name, value] : p.fields) {
    if (absl::EqualsIgnoreCase(name, "Transfer-Encoding")) {
      for (absl::string_view coding : absl::StrSplit(value, ',', absl::SkipWhitespace()))
        if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(coding), "chunked"))
          return absl::StrCat("container create with Transfer-Encoding ", value);
    }
    if (absl::EqualsIgnoreCase(name, "Content-Encoding") &&
        !absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(value), "identity"))
      return absl::StrCat("container create with Content-Encoding ", value);
  }
  return "";
}

struct Upstream {
  std::vector<asio::generic::stream_protocol::endpoint> endpoints;
};

absl::StatusOr<Upstream> ParseUpstream(const std::string& docker_host, asio::io_context& io) {
  Upstream up;
  std::string host = docker_host.empty() ? "unix:///var/run/docker.sock" : docker_host;
  if (absl::StartsWith(host, "unix://")) {
    const std::string path = host.substr(7);
    if (path.empty()) return absl::InvalidArgumentError("DOCKER_HOST unix:// names no socket");
    if (path.size() > kMaxUnixPath)
      return absl::InvalidArgumentError(
          absl::StrCat("DOCKER_HOST's socket path is longer than ", kMaxUnixPath, " bytes"));
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

// One client connection and its connection to the daemon. The sockets are
// closed only when both threads are joined; until then any thread may shut
// them down (under `mu`, so never a descriptor that is being replaced).
struct Conn {
  explicit Conn(asio::io_context& io) : client(io), upstream(io) {}
  asio::local::stream_protocol::socket client;
  asio::generic::stream_protocol::socket upstream;
  std::mutex mu;
  bool aborted = false;
  std::thread to_upstream;       // started by the acceptor
  std::thread to_client;         // started by to_upstream once connected to the daemon
  std::atomic<int> finished{0};  // 2 when both directions are over

  void Shutdown(bool client_side, int how) {
    std::lock_guard<std::mutex> lock(mu);
    if (client_side && client.is_open()) ::shutdown(client.native_handle(), how);
    if (!client_side && upstream.is_open()) ::shutdown(upstream.native_handle(), how);
  }
  // Ends both directions now: every blocked read or write returns.
  void Abort() {
    std::lock_guard<std::mutex> lock(mu);
    aborted = true;
    if (client.is_open()) ::shutdown(client.native_handle(), SHUT_RDWR);
    if (upstream.is_open()) ::shutdown(upstream.native_handle(), SHUT_RDWR);
  }
  void Join() {
    if (to_upstream.joinable()) to_upstream.join();
    if (to_client.joinable()) to_client.join();  // set by to_upstream, which is over
  }
};

}  // namespace

bool IsContainerCreate(std::string_view method, std::string_view target) {
  if (method != "POST") return false;
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  // Absolute form (http://host/path), which Go's server also accepts.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (path.size() >= scheme.size() &&
        absl::EqualsIgnoreCase(AV(path.substr(0, scheme.size())), AV(scheme))) {
      const size_t slash = path.find('/', scheme.size());
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
  }
  std::optional<std::string> decoded = DecodePath(path);
  if (!decoded) return false;
  std::string_view p = *decoded;
  // docker's router: /containers/create and /v{version:[0-9.]+}/containers/create.
  if (absl::StartsWith(AV(p), "/v")) {
    size_t i = 2;
    while (i < p.size() && (absl::ascii_isdigit(p[i]) || p[i] == '.')) ++i;
    if (i > 2) p.remove_prefix(i);
  }
  return p == "/containers/create";
}

absl::StatusOr<std::string> AddLabelToCreateBody(std::string_view body, std::string_view label_key,
                                                 std::string_view label_value) {
  boost::json::value v;
  if (absl::StripAsciiWhitespace(absl::string_view(body.data(), body.size())).empty()) {
    v = boost::json::object();
  } else {
    error_code ec;
    v = boost::json::parse(boost::json::string_view(body.data(), body.size()), ec);
    if (ec) return absl::InvalidArgumentError(absl::StrCat("body is not JSON: ", ec.message()));
  }
  if (!v.is_object()) return absl::InvalidArgumentError("body is not a JSON object");
  boost::json::object& o = v.as_object();
  // Go decodes keys case-insensitively, in order: an object merges into the
  // labels so far, null drops them.
  boost::json::object labels;
  std::vector<std::string> keys;
  for (const auto& kv : o) {
    if (!absl::EqualsIgnoreCase(absl::string_view(kv.key().data(), kv.key().size()), "Labels"))
      continue;
    keys.emplace_back(kv.key());
    if (kv.value().is_null()) {
      labels.clear();
    } else if (kv.value().is_object()) {
      for (const auto& l : kv.value().as_object()) labels[l.key()] = l.value();
    } else {
      return absl::InvalidArgumentError("Labels is neither an object nor null");
    }
  }
  for (const std::string& k : keys) o.erase(k);
  labels[boost::json::string_view(label_key.data(), label_key.size())] =
      boost::json::string_view(label_value.data(), label_value.size());
  o["Labels"] = std::move(labels);
  return boost::json::serialize(v);
}

struct DockerProxy::Impl {
  asio::io_context io;
  asio::local::stream_protocol::acceptor acceptor{io};
  Upstream upstream;
  std::string label_value;
  fs::path marker;
  std::atomic<bool> stopping{false};

  std::mutex conns_mu;
  std::list<std::shared_ptr<Conn>> conns;

  std::mutex marker_mu;
  bool marked = false;

  mutable std::mutex stats_mu;
  Stats stats;

  void Count(int Stats::*counter, const std::string& problem = "") {
    std::lock_guard<std::mutex> lock(stats_mu);
    ++(stats.*counter);
    if (!problem.empty()) stats.last_problem = problem;
  }

  void Refuse(Conn& c, const std::string& why) {
    Count(&Stats::refused, why);
    c.Abort();
  }

  bool EnsureMarker(std::string* why) {
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

  // Joins and drops the connections that are over.
  void Reap() {
    std::lock_guard<std::mutex> lock(conns_mu);
    for (auto it = conns.begin(); it != conns.end();) {
      if ((*it)->finished.load() >= 2) {
        (*it)->Join();
        it = conns.erase(it);
      } else {
        ++it;
      }
    }
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
        auto c = std::make_shared<Conn>(io);
        error_code ec;
        c->client.assign(asio::local::stream_protocol(), fd, ec);
        if (ec) {
          ::close(fd);
          continue;
        }
        {
          std::lock_guard<std::mutex> lock(conns_mu);
          conns.push_back(c);
        }
        Count(&Stats::connections);
        try {
          c->to_upstream = StartThread([this, c] { ClientToUpstream(c); });
        } catch (...) {
          Count(&Stats::upstream_failures, "cannot start a thread for a connection");
          c->Abort();
          c->finished = 2;
        }
      } catch (...) {
        // Out of memory for one connection: it is closed (or never opened).
      }
    }
  }

  bool ConnectUpstream(Conn& c, std::string* why) {
    for (const auto& ep : upstream.endpoints) {
      const int family = ep.protocol().family();
      const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        *why = absl::StrCat("socket: ", std::strerror(errno));
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(c.mu);
        if (c.aborted) {
          ::close(fd);
          *why = "stopped";
          return false;
        }
        error_code ec;
        c.upstream.assign(asio::generic::stream_protocol(family, 0), fd, ec);
        if (ec) {
          ::close(fd);
          *why = ec.message();
          continue;
        }
      }
      error_code ec;
      c.upstream.connect(ep, ec);
      std::lock_guard<std::mutex> lock(c.mu);
      if (!ec) {
        if (family != AF_UNIX) {
          int one = 1;
          ::setsockopt(c.upstream.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        // Stop() may have come between assign and connect, when a shutdown does nothing.
        if (c.aborted) ::shutdown(c.upstream.native_handle(), SHUT_RDWR);
        return true;
      }
      *why = ec.message();
      c.upstream.close(ec);
      if (c.aborted) return false;
    }
    return false;
  }

  void ClientToUpstream(std::shared_ptr<Conn> c) {
    bool other_started = false;
    try {
      std::string why;
      if (!ConnectUpstream(*c, &why)) {
        if (!stopping.load())
          Count(&Stats::upstream_failures,
                absl::StrCat("cannot connect to the Docker daemon: ", why));
        c->Abort();
      } else {
        c->to_client = StartThread([this, c] { UpstreamToClient(*c); });
        other_started = true;
        ForwardRequests(*c);
      }
    } catch (const std::exception& e) {
      Refuse(*c, absl::StrCat("proxy error: ", e.what()));
    } catch (...) {
      Refuse(*c, "proxy error");
    }
    c->finished += other_started ? 1 : 2;
  }

  void UpstreamToClient(Conn& c) {
    try {
      std::vector<char> buf(kReadSize);
      for (;;) {
        error_code ec;
        const size_t n = c.upstream.read_some(asio::buffer(buf), ec);
        if (ec) {
          if (ec == asio::error::eof)
            c.Shutdown(true, SHUT_WR);  // the daemon is done: so is the client's side
          else
            c.Abort();
          break;
        }
        asio::write(c.client, asio::buffer(buf.data(), n), ec);
        if (ec) {
          c.Abort();
          break;
        }
      }
    } catch (...) {
      c.Abort();
    }
    c.finished += 1;
  }

  // Client -> daemon for one connection: parse each request's framing,
  // forward it (a create with the label), and after an upgrade pipe the rest.
  class Forwarder {
   public:
    Forwarder(Impl& proxy, Conn& c) : proxy_(proxy), c_(c) {}

    void Run() {
      for (;;) {
        RequestParser p;
        p.header_limit(kHeaderLimit);
        p.body_limit(boost::none);
        p.eager(false);
        std::string header;
        if (!ReadHeader(p, &header)) return;
        const bool create = IsContainerCreate(p.method, p.target);
        if (create) {
          if (std::string problem = CreateFramingProblem(p); !problem.empty())
            return proxy_.Refuse(c_, problem);
          p.capture = true;
        } else if (!Send(header.data(), header.size())) {
          return UpstreamGone();
        }
        if (!ReadBody(p, /*forward=*/!create)) return;
        if (create && !SendLabelledCreate(p)) return;
        if (p.upgrade()) return PipeTheRest();
      }
    }

   private:
    size_t Avail() const { return buf_.size() - start_; }

    // Reads more from the client: false at its end (*eof) or on an error.
    bool Fill(bool* eof) {
      if (start_ > 0) {
        buf_.erase(0, start_);
        start_ = 0;
      }
      const size_t old = buf_.size();
      buf_.resize(old + kReadSize);
      error_code ec;
      const size_t n = c_.client.read_some(asio::buffer(buf_.data() + old, kReadSize), ec);
      buf_.resize(old + n);
      *eof = ec == asio::error::eof;
      return !ec;
    }
    bool Send(const char* p, size_t n) {
      error_code ec;
      asio::write(c_.upstream, asio::buffer(p, n), ec);
      return !ec;
    }
    // The daemon stopped reading (it answered early and closed, say): read no
    // more from the client, but let the other thread pass on what the daemon
    // said, up to its end.
    void UpstreamGone() { c_.Shutdown(true, SHUT_RD); }
    // The client's input ended or broke while a request was incomplete.
    void CutShort(bool eof) {
      if (eof)
        proxy_.Refuse(c_, "the client closed its connection in the middle of a request");
      else
        c_.Abort();
    }
    // Feeds buffered bytes to the parser: how many it took, and its verdict.
    size_t Put(RequestParser& p, error_code& ec) {
      if (Avail() == 0) {
        ec = http::error::need_more;
        return 0;
      }
      return p.put(asio::buffer(buf_.data() + start_, Avail()), ec);
    }

    // The request's header into *header: false when the connection ends
    // (cleanly between requests, or cut short, or malformed).
    bool ReadHeader(RequestParser& p, std::string* header) {
      while (!p.is_header_done()) {
        error_code ec;
        const size_t n = Put(p, ec);
        header->append(buf_, start_, n);
        start_ += n;
        if (ec == http::error::need_more) {
          bool eof = false;
          if (Fill(&eof)) continue;
          if (eof && Avail() == 0 && header->empty() && !p.got_some())
            c_.Shutdown(false, SHUT_WR);  // between requests: a clean end
          else
            CutShort(eof);
          return false;
        }
        if (ec) {
          proxy_.Refuse(c_, absl::StrCat("malformed request: ", ec.message()));
          return false;
        }
      }
      return true;
    }

    // The body, forwarded as it comes (or only captured, for a create).
    bool ReadBody(RequestParser& p, bool forward) {
      p.eager(true);
      while (!p.is_done()) {
        error_code ec;
        const size_t n = Put(p, ec);
        if (n > 0 && forward && !Send(buf_.data() + start_, n)) {
          UpstreamGone();
          return false;
        }
        start_ += n;
        if (ec == http::error::need_more) {
          bool eof = false;
          if (Fill(&eof)) continue;
          CutShort(eof);
          return false;
        }
        if (ec) {
          proxy_.Refuse(c_, absl::StrCat("malformed request body: ", ec.message()));
          return false;
        }
      }
      return true;
    }

    // The captured create, with the attempt's label and a fixed Content-Length.
    bool SendLabelledCreate(RequestParser& p) {
      absl::StatusOr<std::string> body =
          AddLabelToCreateBody(p.body, kAttemptLabel, proxy_.label_value);
      if (!body.ok()) {
        proxy_.Refuse(c_, absl::StrCat("container create: ", body.status().message()));
        return false;
      }
      std::string why;
      if (!proxy_.EnsureMarker(&why)) {
        proxy_.Refuse(c_, why);
        return false;
      }
      const std::string head = RebuildCreateHeader(p, body->size());
      error_code ec;
      asio::write(c_.upstream,
                  std::vector<asio::const_buffer>{asio::buffer(head), asio::buffer(*body)}, ec);
      if (ec) {
        UpstreamGone();
        return false;
      }
      proxy_.Count(&Stats::labelled_creates);
      return true;
    }

    // Exec start or attach: from here on both directions are raw streams.
    void PipeTheRest() {
      if (Avail() > 0 && !Send(buf_.data() + start_, Avail())) return UpstreamGone();
      buf_ = std::string(kReadSize, '\0');
      for (;;) {
        error_code ec;
        const size_t n = c_.client.read_some(asio::buffer(buf_), ec);
        if (ec == asio::error::eof) return c_.Shutdown(false, SHUT_WR);  // e.g. stdin ended
        if (ec) return c_.Abort();
        if (!Send(buf_.data(), n)) return UpstreamGone();
      }
    }

    Impl& proxy_;
    Conn& c_;
    std::string buf_;
    size_t start_ = 0;  // buf_[start_..] is read but not forwarded yet
  };

  void ForwardRequests(Conn& c) { Forwarder(*this, c).Run(); }
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
  if (socket_path.string().size() > kMaxUnixPath)
    return absl::InvalidArgumentError(absl::StrCat("socket path ", socket_path.string(),
                                                   " is longer than ", kMaxUnixPath, " bytes"));
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
    proxy->acceptor_ = StartThread([i] { i->AcceptLoop(); });
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
  std::list<std::shared_ptr<Conn>> conns;
  {
    std::lock_guard<std::mutex> lock(impl_->conns_mu);
    conns.swap(impl_->conns);
  }
  for (const auto& c : conns) c->Abort();
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
