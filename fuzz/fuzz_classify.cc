// Classify on whatever cooperbench may leave behind. Input layout: byte 0
// picks how the process ended, the rest is "RESULT\0EVAL" (either may be
// missing or malformed, as after a crash). Never crashes; a verdict always has
// a reason; only infra errors are retryable; usage is never negative.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "util/json_read.h"
#include "runner/attempt_files.h"
#include "runner/classify.h"

namespace {

void Read(absl::string_view text, std::optional<boost::json::value>* value, std::string* problem) {
  if (text.empty()) {
    *problem = "missing";
    return;
  }
  absl::StatusOr<boost::json::value> v = cb::ParseJson(text, "result.json");
  if (!v.ok())
    *problem = std::string(v.status().message());
  else if (!v->is_object())
    *problem = "not a JSON object";
  else
    *value = std::move(*v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t how = data[0];
  absl::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t nul = rest.find('\0');
  absl::string_view result_text = rest.substr(0, nul);
  absl::string_view eval_text = nul == absl::string_view::npos ? "" : rest.substr(nul + 1);

  cb::AttemptEvidence e;
  switch (how % 5) {
    case 0: e.process.exit_code = 0; break;
    case 1: e.process.exit_code = how / 5; break;
    case 2: e.process.signal = 1 + how % 31; break;
    case 3:
      e.process.signal = 15;
      e.process.timed_out = true;
      break;
    case 4:
      e.process.started = false;
      e.process.start_error = std::string(result_text);
      break;
  }
  Read(result_text, &e.result, &e.result_problem);
  Read(eval_text, &e.eval, &e.eval_problem);
  const cb::Verdict v = cb::Classify(e);
  if (v.reason == cb::Reason::kUnknown) std::abort();  // classification always names why
  if (v.fatal && v.tag != cb::Tag::kInfraError) std::abort();
  if (v.retryable() && v.tag != cb::Tag::kInfraError) std::abort();
  const cb::AttemptUsage u = cb::UsageOf(e);
  (void)u;
  (void)cb::ReadErrorText(rest);
  return 0;
}
