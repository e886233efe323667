// A child's stdin, stdout and stderr (util/process.cc's part, not for callers
// of util/process.h): what each is opened to before the start, and what keeps
// them open until the child holds its own copies.
#pragma once

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "util/process.h"

namespace cb::process_internal {

// Whether the child's output reaches its log through us (redacted), or is
// captured into ProcessResult::output: in both, the child writes into a pipe.
inline bool RedactsLog(const ProcessSpec& spec) {
  return !spec.log_file.empty() && spec.log_redactor != nullptr;
}
inline bool Captures(const ProcessSpec& spec) {
  return spec.log_file.empty() && spec.capture;
}

// A file descriptor closed at the end of its scope.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

class ChildStdio {
 public:
  explicit ChildStdio(boost::asio::io_context& ctx) : reader_(ctx), writer_(ctx) {}

  // stdin: the spec's text, else /dev/null unless inherited; stdout and
  // stderr: appended to the log file (through a pipe we read when the log is
  // redacted), else into a capture pipe, else ours. False, with `error` set,
  // when one cannot be opened.
  bool Open(const ProcessSpec& spec, const std::string& exe, std::string* error);

  // What the child's stdin, stdout and stderr are made from.
  int in_fd() const { return in_fd_; }
  int out_fd() const { return out_fd_; }
  int err_fd() const { return err_fd_; }

  // Once the child runs it holds its own copies: the pipe's end comes when it
  // (and whatever it started) is done writing.
  void CloseParentEnds();

  // The pipe's end that we read, when the output passes through us.
  boost::asio::readable_pipe& reader() { return reader_; }
  // The log file we write the redacted output to, or null.
  FILE* redacted_log() const { return keeps_log_ ? log_.get() : nullptr; }

 private:
  bool OpenStdinText(const std::string& text, std::string* error);
  bool OpenDevNull(std::string* error);
  bool OpenLogFile(const std::filesystem::path& file, std::string* error);
  bool OpenCapturePipe(const std::string& exe, std::string* error);

  Fd devnull_;
  Fd stdin_pipe_;           // its read end, until the child holds its own copy
  bool keeps_log_ = false;  // we write the log (redacted) from the pipe
  std::unique_ptr<FILE, int (*)(FILE*)> log_{nullptr, &std::fclose};
  boost::asio::readable_pipe reader_;
  boost::asio::writable_pipe writer_;
  int in_fd_ = STDIN_FILENO;
  int out_fd_ = STDOUT_FILENO;
  int err_fd_ = STDERR_FILENO;
};

}  // namespace cb::process_internal
