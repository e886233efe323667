#include "util/process_output.h"

#include <algorithm>

namespace cb::process_internal {

void CappedOutput::Write(absl::string_view bytes) {
  if (output_->size() < limit_)
    output_->append(bytes.data(), std::min(bytes.size(), limit_ - output_->size()));
}

void RedactedLog::Append(const std::string& text) {
  if (text.empty()) return;
  std::fwrite(text.data(), 1, text.size(), log_);
  std::fflush(log_);
}

void OutputPump::ReadSome() {
  pipe_.async_read_some(boost::asio::buffer(buf_),
                        [this](const boost::system::error_code& ec, size_t n) {
                          if (n > 0) sink_.Write(absl::string_view(buf_.data(), n));
                          if (!ec) return ReadSome();
                          sink_.Finish();
                          ended_ = true;
                          on_end_();
                        });
}

}  // namespace cb::process_internal
