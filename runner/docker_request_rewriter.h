// The request side of the per-attempt Docker proxy (runner/docker_proxy.h),
// without sockets or threads: the bytes a client sends in, the bytes to send
// the daemon out. Everything passes byte for byte, except a container create
// (POST [/vN.NN]/containers/create[?query]): its JSON body gets the attempt's
// label in `Labels`, with Content-Length fixed. After a request asking for an
// upgrade (exec start, attach) the rest of the stream is raw and passes as is.
// Responses are none of its business.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cb {

// True for a request docker's router would take as container create: POST
// to /containers/create or /v<digits and dots>/containers/create, with any
// query string, after percent-decoding the path.
bool IsContainerCreate(std::string_view method, std::string_view target);

// A create request's JSON body with `label_key`=`label_value` in `Labels`
// (absent, null or an object; Go matches keys case-insensitively, so an
// object under `labels` is merged in and the key dropped). Whitespace only
// counts as {}. An error for anything else (not JSON, not an object, Labels
// of another type).
absl::StatusOr<std::string> AddLabelToCreateBody(std::string_view body, std::string_view label_key,
                                                 std::string_view label_value);

// One client connection's requests, as they arrive in reads of any size.
class DockerRequestRewriter {
 public:
  // Where in the client's stream the rewriter is.
  enum class Phase {
    kBetweenRequests,  // nothing of the next request seen yet
    kHeader,           // part of a request's header, not all of it
    kBody,             // a request's body (a create's is held back until complete)
    kRaw,              // after an upgrade request: everything passes as it is
    kRefused,          // a request the proxy cannot forward: nothing more is taken
  };

  // Bytes for the daemon. A labelled create is a piece of its own: the
  // caller may have something to do before it is sent (cbrun makes its
  // marker file), and counts it.
  struct Piece {
    enum class Kind { kAsReceived, kLabelledCreate };
    Kind kind = Kind::kAsReceived;
    std::string bytes;
  };
  struct Output {
    std::vector<Piece> pieces;  // to send to the daemon, in order
    std::string refusal;        // set when the phase became kRefused: why (after `pieces`)
  };

  DockerRequestRewriter(std::string label_key, std::string label_value);
  ~DockerRequestRewriter();
  DockerRequestRewriter(const DockerRequestRewriter&) = delete;
  DockerRequestRewriter& operator=(const DockerRequestRewriter&) = delete;

  // The next bytes from the client. Whatever can be forwarded is in the
  // output (a request's header as soon as it is complete, its body as it
  // comes); the rest is kept for the next call. Nothing after a refusal.
  Output Feed(std::string_view bytes);

  // The client's input has ended: OK when that is a clean end (between
  // requests, or of a raw stream after an upgrade), an error saying why not
  // (a request cut short). Nothing is fed after this.
  absl::Status EndOfInput() const;

  Phase phase() const { return phase_; }

 private:
  class Parser;  // Boost.Beast's request framing, in the .cc

  bool TakeHeader(Output* out);
  bool TakeBody(Output* out);
  void FinishRequest(Output* out);
  void Refuse(std::string why, Output* out);
  static void Append(Piece::Kind kind, std::string_view bytes, Output* out);

  const std::string label_key_;
  const std::string label_value_;
  Phase phase_ = Phase::kBetweenRequests;
  std::unique_ptr<Parser> parser_;  // of the request under way; null between requests
  bool create_ = false;             // the request under way is a container create
  std::string header_;              // the header under way, as the parser took it
  std::string pending_;             // received; pending_[start_..] not yet taken by the parser
  size_t start_ = 0;
};

}  // namespace cb
