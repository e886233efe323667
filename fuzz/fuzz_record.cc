// The readers of what cbrun and cbgen wrote: a record (ParseRecord, used by
// report/status/forget) and OUT/plan.json (ParsePlanFile). Never crash; errors
// name the source.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "util/json_read.h"
#include "core/plan_file.h"
#include "results/report_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<boost::json::value> v = cb::ParseJson(text, "rec.json");
  if (v.ok()) {
    absl::StatusOr<cb::RecordRow> row = cb::ParseRecord(*v, "rec.json");
    if (!row.ok() && row.status().message().find("rec.json") == absl::string_view::npos)
      std::abort();
  }
  absl::StatusOr<cb::PlanFile> plan = cb::ParsePlanFile(text, "plan.json");
  if (!plan.ok() && plan.status().message().find("plan.json") == absl::string_view::npos)
    std::abort();
  return 0;
}
