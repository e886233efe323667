// The request side of the Docker proxy (runner/docker_request_rewriter.h),
// without sockets: request texts in, the bytes for the daemon out. A create
// gets the label; everything else, and everything after an upgrade, passes
// byte for byte, however the bytes are split into reads.
#include "runner/docker_request_rewriter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

namespace {

using cb::DockerRequestRewriter;
using Kind = DockerRequestRewriter::Piece::Kind;
using Phase = DockerRequestRewriter::Phase;

constexpr char kKey[] = "cbrun.attempt";
constexpr char kValue[] = "A.1";

// What one rewriter made of `reads`, fed in order.
struct Rewritten {
  std::string forwarded;             // every piece, in order
  std::vector<std::string> creates;  // the labelled creates among them
  std::vector<Kind> kinds;           // of every piece, in order
  std::string refusal;               // the first refusal
  Phase phase = Phase::kBetweenRequests;
  absl::Status end;  // EndOfInput after the last read
};

Rewritten FeedReads(const std::vector<std::string>& reads) {
  DockerRequestRewriter r(kKey, kValue);
  Rewritten w;
  for (const std::string& read : reads) {
    DockerRequestRewriter::Output out = r.Feed(read);
    for (const DockerRequestRewriter::Piece& p : out.pieces) {
      w.forwarded += p.bytes;
      w.kinds.push_back(p.kind);
      if (p.kind == Kind::kLabelledCreate) w.creates.push_back(p.bytes);
    }
    if (w.refusal.empty()) w.refusal = out.refusal;
  }
  w.phase = r.phase();
  w.end = r.EndOfInput();
  return w;
}

Rewritten FeedWhole(const std::string& text) {
  return FeedReads({text});
}

// `text` in reads of `size` bytes.
std::vector<std::string> Split(const std::string& text, size_t size) {
  std::vector<std::string> reads;
  for (size_t i = 0; i < text.size(); i += size) reads.push_back(text.substr(i, size));
  return reads;
}

// "header\r\n\r\nbody" of one request with Content-Length.
struct Request {
  std::string head, body;
};
Request SplitRequest(const std::string& s) {
  const size_t end = s.find("\r\n\r\n");
  if (end == std::string::npos) return {s, ""};
  return {s.substr(0, end + 4), s.substr(end + 4)};
}

std::string WithLength(const std::string& head, const std::string& body) {
  return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// ---------------------------------------------------------------------------
// The pure pieces: which requests are creates, and the label edit.

TEST(IsContainerCreate, MatchesDockersRouter) {
  for (const char* t :
       {"/containers/create", "/containers/create?name=x&platform=", "/v1.41/containers/create",
        "/v1.41/containers/create?name=minisweagent-1", "/v1/containers/create",
        "/containers/cr%65ate", "http://docker/v1.41/containers/create"})
    EXPECT_TRUE(cb::IsContainerCreate("POST", t)) << t;
  for (const char* t : {"/containers/create/", "/containers/json", "/v1.41/containers/abc/start",
                        "/vx/containers/create", "/v/containers/create", "/containers/create2",
                        "/exec/create", "/containers/cr%zzate", "/images/create"})
    EXPECT_FALSE(cb::IsContainerCreate("POST", t)) << t;
  EXPECT_FALSE(cb::IsContainerCreate("GET", "/containers/create"));
  EXPECT_FALSE(cb::IsContainerCreate("post", "/containers/create"));
}

boost::json::object Labels(const absl::StatusOr<std::string>& body) {
  EXPECT_TRUE(body.ok()) << body.status();
  if (!body.ok()) return {};
  return boost::json::parse(*body).as_object().at("Labels").as_object();
}

TEST(AddLabelToCreateBody, AbsentNullOrObject) {
  using boost::json::object;
  EXPECT_EQ(Labels(cb::AddLabelToCreateBody(R"({"Image":"i"})", "cbrun.attempt", "A.1")),
            (object{{"cbrun.attempt", "A.1"}}));
  EXPECT_EQ(
      Labels(cb::AddLabelToCreateBody(R"({"Image":"i","Labels":null})", "cbrun.attempt", "A.1")),
      (object{{"cbrun.attempt", "A.1"}}));
  EXPECT_EQ(Labels(cb::AddLabelToCreateBody(R"({"Labels":{"k":"v","cbrun.attempt":"forged"}})",
                                            "cbrun.attempt", "A.1")),
            (object{{"k", "v"}, {"cbrun.attempt", "A.1"}}));
  // Go matches keys case-insensitively: "labels" ends up in the same map.
  auto merged = cb::AddLabelToCreateBody(R"({"labels":{"a":"1"},"Labels":{"b":"2"}})",
                                         "cbrun.attempt", "A.1");
  EXPECT_EQ(Labels(merged), (object{{"a", "1"}, {"b", "2"}, {"cbrun.attempt", "A.1"}}));
  EXPECT_FALSE(boost::json::parse(*merged).as_object().contains("labels"));
  // Everything else is kept.
  auto body = cb::AddLabelToCreateBody(
      R"({"Image":"i","Cmd":["sleep","1"],"HostConfig":{"Memory":1073741824}})", "cbrun.attempt",
      "A.1");
  ASSERT_TRUE(body.ok());
  const boost::json::object o = boost::json::parse(*body).as_object();
  EXPECT_EQ(o.at("Image"), "i");
  EXPECT_EQ(o.at("HostConfig").at("Memory").to_number<int64_t>(), 1073741824);
  EXPECT_EQ(Labels(cb::AddLabelToCreateBody("  \r\n", "cbrun.attempt", "A.1")),
            (object{{"cbrun.attempt", "A.1"}}));
}

TEST(AddLabelToCreateBody, RefusesWhatItCannotLabel) {
  for (const char* bad : {"not json", "[1,2]", "null", R"({"Labels":["a=b"]})",
                          R"({"Labels":"a=b"})", R"({"Image":"i")"})
    EXPECT_FALSE(cb::AddLabelToCreateBody(bad, "cbrun.attempt", "A.1").ok()) << bad;
}

// ---------------------------------------------------------------------------
// The rewriter.

const std::string kPing = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";

TEST(DockerRequestRewriter, RequestsThatAreNotCreatesPassUntouched) {
  const std::string requests =
      kPing +
      "GET /v1.41/containers/json?all=1 HTTP/1.1\r\nHost: docker\r\nUser-Agent: t\r\n\r\n" +
      WithLength("POST /v1.41/containers/abc/wait?condition=next-exit HTTP/1.1\r\nHost: docker\r\n"
                 "Content-Type: application/json\r\n",
                 "{\"a\":\"xyz\"}") +
      WithLength("POST /v1.41/exec/create HTTP/1.1\r\n", "{\"Cmd\":[\"ls\"]}") +
      WithLength("POST /images/create?fromImage=x HTTP/1.1\r\n", "") +
      WithLength("POST /containers/create/ HTTP/1.1\r\n", "not json, not a create") +
      "GET /containers/create HTTP/1.1\r\n\r\n" +
      "DELETE /v1.41/containers/abc?force=1 HTTP/1.0\r\nhost:   docker  \r\n\r\n";
  const Rewritten w = FeedWhole(requests);
  EXPECT_EQ(w.forwarded, requests);
  EXPECT_EQ(w.kinds, std::vector<Kind>{Kind::kAsReceived}) << "one piece for one read";
  EXPECT_TRUE(w.creates.empty());
  EXPECT_EQ(w.refusal, "");
  EXPECT_EQ(w.phase, Phase::kBetweenRequests);
  EXPECT_TRUE(w.end.ok()) << w.end;
}

TEST(DockerRequestRewriter, ACreateGetsTheLabelAndItsLength) {
  const std::string body = R"({"Image":"img","Labels":{"keep":"me"},"Cmd":["sleep","9"]})";
  const Rewritten w = FeedWhole(WithLength(
      "POST /v1.41/containers/create?name=x HTTP/1.1\r\nHost: docker\r\n"
      "Content-Type: application/json\r\nX-Other: 1\r\nExpect: 100-continue\r\n",
      body));
  ASSERT_EQ(w.creates.size(), 1u) << w.refusal;
  EXPECT_EQ(w.kinds, std::vector<Kind>{Kind::kLabelledCreate});
  const Request create = SplitRequest(w.creates[0]);
  EXPECT_EQ(create.head,
            "POST /v1.41/containers/create?name=x HTTP/1.1\r\nHost: docker\r\n"
            "Content-Type: application/json\r\nX-Other: 1\r\nContent-Length: " +
                std::to_string(create.body.size()) + "\r\n\r\n")
      << "the same fields, in order, without Expect, with the new length";
  const boost::json::object o = boost::json::parse(create.body).as_object();
  EXPECT_EQ(o.at("Labels"), (boost::json::object{{"keep", "me"}, {kKey, kValue}}));
  EXPECT_EQ(o.at("Cmd"), (boost::json::array{"sleep", "9"}));
  EXPECT_EQ(o.at("Image"), "img");
  EXPECT_EQ(w.phase, Phase::kBetweenRequests);
  EXPECT_TRUE(w.end.ok());
}

TEST(DockerRequestRewriter, EveryFormOfTheCreatePathIsLabelled) {
  for (const char* target : {"/containers/create", "/v1.41/containers/create?name=n",
                             "/containers/cr%65ate", "http://docker/v1.41/containers/create"}) {
    const Rewritten w =
        FeedWhole(WithLength(std::string("POST ") + target + " HTTP/1.1\r\nHost: d\r\n", "{}"));
    ASSERT_EQ(w.creates.size(), 1u) << target << ": " << w.refusal;
    EXPECT_EQ(w.creates[0].rfind(std::string("POST ") + target + " HTTP/1.1\r\n", 0), 0u)
        << "the target is kept as sent";
    EXPECT_EQ(boost::json::parse(SplitRequest(w.creates[0]).body).at("Labels").at(kKey), kValue);
  }
}

TEST(DockerRequestRewriter, AChunkedCreateIsLabelledWithAContentLength) {
  const std::string request =
      "POST /containers/create HTTP/1.1\r\nHost: docker\r\n"
      "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
      "7\r\n{\"Image\r\nc;ext=1\r\n\":\"i\",\"Label\r\n8\r\ns\":null}\r\n0\r\nX-Trailer: t\r\n\r\n";
  const Rewritten w = FeedWhole(request);
  ASSERT_EQ(w.creates.size(), 1u) << w.refusal;
  const Request create = SplitRequest(w.creates[0]);
  EXPECT_EQ(create.head,
            "POST /containers/create HTTP/1.1\r\nHost: docker\r\n"
            "Content-Type: application/json\r\nContent-Length: " +
                std::to_string(create.body.size()) + "\r\n\r\n");
  const boost::json::object o = boost::json::parse(create.body).as_object();
  EXPECT_EQ(o.at("Image"), "i");
  EXPECT_EQ(o.at("Labels"), (boost::json::object{{kKey, kValue}}));
}

TEST(DockerRequestRewriter, AChunkedBodyThatIsNoCreatePassesByteForByte) {
  const std::string request =
      "POST /v1.41/build HTTP/1.1\r\nHost: docker\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
  EXPECT_EQ(FeedWhole(request).forwarded, request);
  EXPECT_EQ(FeedReads(Split(request, 1)).forwarded, request);
}

// A connection's worth of requests of every kind, a create among them.
const std::string kMixed =
    kPing +
    WithLength("POST /v1.41/containers/create?name=a HTTP/1.1\r\nHost: docker\r\n",
               R"({"Image":"i","Labels":{"x":"y"}})") +
    "POST /v1.41/build HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
    "POST /containers/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" +
    WithLength("POST /v1.41/containers/a/wait HTTP/1.1\r\n", "{}");

TEST(DockerRequestRewriter, PipelinedRequestsComeOutInOrder) {
  const Rewritten w = FeedWhole(kMixed);
  EXPECT_EQ(w.refusal, "");
  EXPECT_EQ(w.kinds, (std::vector<Kind>{Kind::kAsReceived, Kind::kLabelledCreate,
                                        Kind::kAsReceived, Kind::kLabelledCreate,
                                        Kind::kAsReceived}));
  ASSERT_EQ(w.creates.size(), 2u);
  EXPECT_EQ(w.forwarded.find(kPing), 0u);
  EXPECT_EQ(w.forwarded.find("POST /v1.41/containers/create?name=a"), kPing.size());
  EXPECT_NE(w.forwarded.find("3\r\nabc\r\n0\r\n\r\n"), std::string::npos);
  EXPECT_NE(w.forwarded.rfind("POST /v1.41/containers/a/wait HTTP/1.1\r\nContent-Length: 2"
                              "\r\n\r\n{}"),
            std::string::npos);
  EXPECT_EQ(boost::json::parse(SplitRequest(w.creates[0]).body).at("Labels"),
            (boost::json::object{{"x", "y"}, {kKey, kValue}}));
  EXPECT_TRUE(w.end.ok());
}

TEST(DockerRequestRewriter, HowTheBytesAreSplitIntoReadsChangesNothing) {
  const Rewritten whole = FeedWhole(kMixed);
  for (size_t size : {1, 2, 3, 5, 7, 13, 64, 1000}) {
    const Rewritten split = FeedReads(Split(kMixed, size));
    EXPECT_EQ(split.forwarded, whole.forwarded) << "reads of " << size;
    EXPECT_EQ(split.creates, whole.creates) << "reads of " << size;
    EXPECT_EQ(split.refusal, "");
    EXPECT_TRUE(split.end.ok());
  }
}

TEST(DockerRequestRewriter, AHeaderGoesOnAsSoonAsItIsCompleteAndABodyAsItComes) {
  DockerRequestRewriter r(kKey, kValue);
  const std::string head = "POST /v1.41/images/load HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
  EXPECT_TRUE(r.Feed(head.substr(0, 20)).pieces.empty()) << "half a header is held back";
  EXPECT_EQ(r.phase(), Phase::kHeader);
  DockerRequestRewriter::Output out = r.Feed(head.substr(20) + "01234");
  ASSERT_EQ(out.pieces.size(), 1u);
  EXPECT_EQ(out.pieces[0].bytes, head + "01234");
  EXPECT_EQ(r.phase(), Phase::kBody);
  out = r.Feed("56789");
  ASSERT_EQ(out.pieces.size(), 1u);
  EXPECT_EQ(out.pieces[0].bytes, "56789");
  EXPECT_EQ(r.phase(), Phase::kBetweenRequests);
}

TEST(DockerRequestRewriter, ACreateIsHeldBackUntilItsBodyIsComplete) {
  DockerRequestRewriter r(kKey, kValue);
  const std::string create = WithLength("POST /containers/create HTTP/1.1\r\n", R"({"Image":"i"})");
  EXPECT_TRUE(r.Feed(create.substr(0, create.size() - 1)).pieces.empty());
  EXPECT_EQ(r.phase(), Phase::kBody);
  EXPECT_FALSE(r.EndOfInput().ok());
  DockerRequestRewriter::Output out = r.Feed(create.substr(create.size() - 1));
  ASSERT_EQ(out.pieces.size(), 1u);
  EXPECT_EQ(out.pieces[0].kind, Kind::kLabelledCreate);
}

TEST(DockerRequestRewriter, AfterAnUpgradeEverythingPassesAsItIs) {
  const std::string body = R"({"Detach":false,"Tty":false})";
  const std::string upgrade = WithLength(
      "POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\n"
      "Upgrade: tcp\r\nContent-Type: application/json\r\n",
      body);
  // Raw stdin in the same read as the request, then a create-looking text:
  // none of it is HTTP any more.
  const char raw1_bytes[] = "\x00\xff not http\r\n\r\n";
  const std::string raw1(raw1_bytes, sizeof raw1_bytes - 1);
  const std::string raw2 = WithLength("POST /containers/create HTTP/1.1\r\n", "{}");
  for (size_t size : {1, 4, 1000}) {
    const Rewritten w = FeedReads(Split(upgrade + raw1 + raw2, size));
    EXPECT_EQ(w.forwarded, upgrade + raw1 + raw2) << "reads of " << size;
    EXPECT_TRUE(w.creates.empty());
    EXPECT_EQ(w.refusal, "");
    EXPECT_EQ(w.phase, Phase::kRaw);
    EXPECT_TRUE(w.end.ok()) << "the end of a raw stream (stdin) is a clean end";
  }
  // Attach, with no body at all.
  const std::string attach =
      "POST /v1.41/containers/abc/attach?stream=1&stdin=1 HTTP/1.1\r\n"
      "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
  const Rewritten w = FeedReads({attach, raw1, "GET / HTTP/1.1\r\n"});
  EXPECT_EQ(w.forwarded, attach + raw1 + "GET / HTTP/1.1\r\n");
  EXPECT_EQ(w.phase, Phase::kRaw);
}

TEST(DockerRequestRewriter, WhatItCannotHandleIsRefusedAndNothingOfItForwarded) {
  struct Case {
    std::string request, refusal;
  };
  const std::vector<Case> cases = {
      {"NOT HTTP AT ALL\r\n\r\n", "malformed request"},
      {"GET /_ping HTTP/1.1\r\nHost docker\r\n\r\n", "malformed request"},
      {"POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "malformed request"},
      {"POST /x HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
       "malformed request"},
      {"POST /containers/create HTTP/1.1\r\nContent-Length: 5\r\n\r\n[1,2]",
       "container create: body is not a JSON object"},
      {"POST /containers/create HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}",
       "container create with Content-Encoding gzip"},
      {"POST /containers/create HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
       "container create with Transfer-Encoding gzip, chunked"},
      {"POST /containers/create HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n{}",
       "malformed request body"},
  };
  for (const Case& c : cases) {
    const Rewritten w = FeedWhole(kPing + c.request + kPing);
    EXPECT_EQ(w.forwarded, kPing) << "only the request before: " << c.request;
    EXPECT_EQ(w.refusal.rfind(c.refusal, 0), 0u) << w.refusal << " for " << c.request;
    EXPECT_EQ(w.phase, Phase::kRefused);
  }
  // A bad body of a request that is not a create: its header and the body up
  // to the fault have gone on already.
  const std::string bad_chunk = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
  const Rewritten w = FeedWhole(bad_chunk);
  EXPECT_EQ(w.forwarded, "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(w.refusal.rfind("malformed request body", 0), 0u) << w.refusal;
}

TEST(DockerRequestRewriter, NothingIsTakenAfterARefusal) {
  DockerRequestRewriter r(kKey, kValue);
  EXPECT_FALSE(r.Feed("BAD\r\n\r\n").refusal.empty());
  const DockerRequestRewriter::Output out = r.Feed(kPing);
  EXPECT_TRUE(out.pieces.empty());
  EXPECT_EQ(out.refusal, "") << "refused once";
  EXPECT_FALSE(r.EndOfInput().ok());
}

TEST(DockerRequestRewriter, AnEndInTheMiddleOfARequestIsNotClean) {
  EXPECT_TRUE(FeedReads({}).end.ok()) << "a connection that sent nothing";
  EXPECT_TRUE(FeedWhole(kPing).end.ok());
  EXPECT_EQ(FeedWhole(kPing + "GET /events HTTP/1.1\r\nHo").end.message(),
            "the client closed its connection in the middle of a request");
  EXPECT_FALSE(FeedWhole("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nab").end.ok());
  EXPECT_FALSE(FeedWhole("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n")
                   .end.ok());
}

}  // namespace
