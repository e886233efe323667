#include "runner/docker_request_rewriter.h"

#include <cstdint>
#include <optional>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cb {
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr uint32_t kHeaderLimit = 1 << 20;     // X-Registry-Auth can be long
constexpr size_t kCreateBodyLimit = 16 << 20;  // a container config is a few KB

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

}  // namespace

// Frames one request for the forwarder: remembers the request line and the
// header fields, and keeps the body only when asked to (a container create).
class DockerRequestRewriter::Parser : public http::basic_parser<true> {
 public:
  std::string method;
  std::string target;
  int version = 11;
  std::vector<std::pair<std::string, std::string>> fields;  // as received, trailers excluded
  bool capture = false;
  std::string body;  // when capture

  // Offers `avail` (bytes received, not yet taken): how many it took, or
  // need_more when there is nothing to offer.
  size_t PutFrom(std::string_view avail, error_code& ec) {
    if (avail.empty()) {
      ec = http::error::need_more;
      return 0;
    }
    return put(boost::asio::buffer(avail.data(), avail.size()), ec);
  }
  // The request line and fields of a create, with the body's new length.
  std::string CreateHeader(size_t body_size) const;
  // Why a create's body cannot be edited as it is framed; empty when it can.
  std::string CreateFramingProblem() const;

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

std::string DockerRequestRewriter::Parser::CreateHeader(size_t body_size) const {
  std::string h =
      absl::StrCat(method, " ", target, " HTTP/", version / 10, ".", version % 10, "\r\n");
  for (const auto& [name, value] : fields) {
    if (absl::EqualsIgnoreCase(name, "Content-Length") ||
        absl::EqualsIgnoreCase(name, "Transfer-Encoding") || absl::EqualsIgnoreCase(name, "Expect"))
      continue;
    absl::StrAppend(&h, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&h, "Content-Length: ", body_size, "\r\n\r\n");
  return h;
}

std::string DockerRequestRewriter::Parser::CreateFramingProblem() const {
  for (const auto& [name, value] : fields) {
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

DockerRequestRewriter::DockerRequestRewriter(std::string label_key, std::string label_value)
    : label_key_(std::move(label_key)), label_value_(std::move(label_value)) {}

DockerRequestRewriter::~DockerRequestRewriter() = default;

DockerRequestRewriter::Output DockerRequestRewriter::Feed(std::string_view bytes) {
  Output out;
  if (phase_ == Phase::kRefused) return out;
  if (phase_ == Phase::kRaw) {
    Append(Piece::Kind::kAsReceived, bytes, &out);
    return out;
  }
  pending_.append(bytes);
  for (bool progress = true; progress;) {
    switch (phase_) {
      case Phase::kBetweenRequests:
        progress = start_ < pending_.size();
        if (progress) {
          parser_ = std::make_unique<Parser>();
          parser_->header_limit(kHeaderLimit);
          parser_->body_limit(boost::none);
          parser_->eager(false);
          phase_ = Phase::kHeader;
        }
        break;
      case Phase::kHeader:
        progress = TakeHeader(&out);
        break;
      case Phase::kBody:
        progress = TakeBody(&out);
        break;
      case Phase::kRaw:  // what came after the upgrade request in the same read
        Append(Piece::Kind::kAsReceived, std::string_view(pending_).substr(start_), &out);
        start_ = pending_.size();
        progress = false;
        break;
      case Phase::kRefused:
        progress = false;
        break;
    }
  }
  pending_.erase(0, start_);
  start_ = 0;
  return out;
}

// Takes what it can of the header: true when the phase changed.
bool DockerRequestRewriter::TakeHeader(Output* out) {
  while (!parser_->is_header_done()) {
    error_code ec;
    const size_t n = parser_->PutFrom(std::string_view(pending_).substr(start_), ec);
    header_.append(pending_, start_, n);
    start_ += n;
    if (ec == http::error::need_more) return false;
    if (ec) {
      Refuse(absl::StrCat("malformed request: ", ec.message()), out);
      return true;
    }
  }
  create_ = IsContainerCreate(parser_->method, parser_->target);
  if (create_) {
    if (std::string problem = parser_->CreateFramingProblem(); !problem.empty()) {
      Refuse(std::move(problem), out);
      return true;
    }
    parser_->capture = true;
  } else {
    Append(Piece::Kind::kAsReceived, header_, out);
  }
  header_.clear();
  parser_->eager(true);
  phase_ = Phase::kBody;
  return true;
}

// Takes what it can of the body (forwarded as it comes, or held back for a
// create): true when the phase changed.
bool DockerRequestRewriter::TakeBody(Output* out) {
  while (!parser_->is_done()) {
    error_code ec;
    const std::string_view avail = std::string_view(pending_).substr(start_);
    const size_t n = parser_->PutFrom(avail, ec);
    if (!create_) Append(Piece::Kind::kAsReceived, avail.substr(0, n), out);
    start_ += n;
    if (ec == http::error::need_more) return false;
    if (ec) {
      Refuse(absl::StrCat("malformed request body: ", ec.message()), out);
      return true;
    }
  }
  FinishRequest(out);
  return true;
}

void DockerRequestRewriter::FinishRequest(Output* out) {
  if (create_) {
    absl::StatusOr<std::string> body =
        AddLabelToCreateBody(parser_->body, label_key_, label_value_);
    if (!body.ok()) return Refuse(absl::StrCat("container create: ", body.status().message()), out);
    out->pieces.push_back(
        {Piece::Kind::kLabelledCreate, parser_->CreateHeader(body->size()) + *body});
  }
  const bool upgrade = parser_->upgrade();
  parser_.reset();
  create_ = false;
  phase_ = upgrade ? Phase::kRaw : Phase::kBetweenRequests;
}

void DockerRequestRewriter::Refuse(std::string why, Output* out) {
  parser_.reset();
  header_.clear();
  phase_ = Phase::kRefused;
  out->refusal = std::move(why);
}

// Bytes as received join the piece before them when it is as received too.
void DockerRequestRewriter::Append(Piece::Kind kind, std::string_view bytes, Output* out) {
  if (bytes.empty()) return;
  if (kind == Piece::Kind::kAsReceived && !out->pieces.empty() &&
      out->pieces.back().kind == Piece::Kind::kAsReceived)
    out->pieces.back().bytes.append(bytes);
  else
    out->pieces.push_back({kind, std::string(bytes)});
}

absl::Status DockerRequestRewriter::EndOfInput() const {
  switch (phase_) {
    case Phase::kBetweenRequests:
    case Phase::kRaw:
      return absl::OkStatus();
    case Phase::kHeader:
    case Phase::kBody:
      return absl::FailedPreconditionError(
          "the client closed its connection in the middle of a request");
    case Phase::kRefused:
      break;
  }
  return absl::FailedPreconditionError("the connection was refused already");
}

}  // namespace cb
