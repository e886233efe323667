#include "util/process_stdio.h"

#include <fcntl.h>

#include <boost/asio/connect_pipe.hpp>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cb::process_internal {

namespace fs = std::filesystem;

bool ChildStdio::Open(const ProcessSpec& spec, const std::string& exe, std::string* error) {
  if (!spec.stdin_text.empty()) {
    if (!OpenStdinText(spec.stdin_text, error)) return false;
  } else if (!spec.inherit_stdin && !OpenDevNull(error)) {
    return false;
  }
  if (!spec.log_file.empty()) {
    if (!OpenLogFile(spec.log_file, error)) return false;
    if (!RedactsLog(spec)) return true;
    keeps_log_ = true;
    return OpenCapturePipe(exe, error);
  }
  if (spec.capture) return OpenCapturePipe(exe, error);
  return true;
}

void ChildStdio::CloseParentEnds() {
  if (!keeps_log_) log_.reset();
  if (writer_.is_open()) writer_.close();
  if (stdin_pipe_.fd >= 0) ::close(std::exchange(stdin_pipe_.fd, -1));
}

// A pipe filled with `text` and closed at our end: the child reads the text,
// then end of file.
bool ChildStdio::OpenStdinText(const std::string& text, std::string* error) {
  if (text.size() > kMaxStdinText) {
    *error = absl::StrCat("the text for the child's stdin is ", text.size(),
                          " bytes, more than the ", kMaxStdinText, " a pipe holds");
    return false;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *error = absl::StrCat("cannot make a pipe for stdin: ", std::strerror(errno));
    return false;
  }
  stdin_pipe_.fd = fds[0];
  Fd write_end(fds[1]);
  const ssize_t n = ::write(write_end.fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    *error = absl::StrCat("cannot write the child's stdin: ", std::strerror(errno));
    return false;
  }
  in_fd_ = stdin_pipe_.fd;
  return true;
}

bool ChildStdio::OpenDevNull(std::string* error) {
  devnull_.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull_.fd < 0) {
    *error = absl::StrCat("cannot open /dev/null: ", std::strerror(errno));
    return false;
  }
  in_fd_ = devnull_.fd;
  return true;
}

bool ChildStdio::OpenLogFile(const fs::path& file, std::string* error) {
  std::error_code dir_ec;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), dir_ec);
  log_.reset(std::fopen(file.c_str(), "ae"));
  if (log_ == nullptr) {
    *error = absl::StrCat("cannot open log file ", file.string(), ": ", std::strerror(errno));
    return false;
  }
  out_fd_ = err_fd_ = ::fileno(log_.get());
  return true;
}

bool ChildStdio::OpenCapturePipe(const std::string& exe, std::string* error) {
  boost::system::error_code ec;
  boost::asio::connect_pipe(reader_, writer_, ec);
  if (ec) {
    *error = absl::StrCat("cannot make a pipe for ", exe, ": ", ec.message());
    return false;
  }
  out_fd_ = err_fd_ = writer_.native_handle();
  return true;
}

}  // namespace cb::process_internal
