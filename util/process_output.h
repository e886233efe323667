// A child's output on its way through us (util/process.cc's part, not for
// callers of util/process.h): read from the pipe the child writes into, then
// kept up to a cap (Capture, ProcessSpec::capture) or written to its log a
// line at a time, redacted (ProcessSpec::log_redactor).
#pragma once

#include <array>
#include <boost/asio/readable_pipe.hpp>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "util/redact.h"

namespace cb::process_internal {

// Where the output goes.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void Write(absl::string_view bytes) = 0;
  // The output ended: what is held back goes out.
  virtual void Finish() = 0;
};

// Keeps up to `limit` bytes in `*output`; the rest is dropped.
class CappedOutput final : public OutputSink {
 public:
  CappedOutput(std::string* output, size_t limit) : output_(output), limit_(limit) {}
  void Write(absl::string_view bytes) override;
  void Finish() override {}

 private:
  std::string* const output_;
  const size_t limit_;
};

// Appends to `log` a line at a time through the redactor (a secret split
// across two writes is still caught), flushed at once: a log read while the
// child runs, or after we were killed, holds what was written.
class RedactedLog final : public OutputSink {
 public:
  RedactedLog(FILE* log, const Redactor& redactor) : log_(log), stream_(redactor) {}
  void Write(absl::string_view bytes) override { Append(stream_.Feed(bytes)); }
  void Finish() override { Append(stream_.Finish()); }

 private:
  void Append(const std::string& text);
  FILE* const log_;
  StreamRedactor stream_;
};

// Reads `pipe` into `sink` until the pipe's end (every writer closed it, or
// Close() was called), then calls `on_end` once.
class OutputPump {
 public:
  OutputPump(boost::asio::readable_pipe& pipe, OutputSink& sink, std::function<void()> on_end)
      : pipe_(pipe), sink_(sink), on_end_(std::move(on_end)) {}

  void Start() { ReadSome(); }
  bool ended() const { return ended_; }
  // Stops waiting for writers that still hold the pipe (not the child's output).
  void Close() {
    if (pipe_.is_open()) pipe_.close();
  }

 private:
  void ReadSome();

  boost::asio::readable_pipe& pipe_;
  OutputSink& sink_;
  const std::function<void()> on_end_;
  bool ended_ = false;
  std::array<char, 4096> buf_;  // bytes read at a time
};

}  // namespace cb::process_internal
