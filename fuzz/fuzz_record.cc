// The readers of what cbrun and cbgen wrote: a record (ParseRecord, used by
// report/status/forget) and the `: run` edges of a build.ninja
// (ParsePlannedRuns). Never crash; errors name the source.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "common/json_read.h"
#include "generator/report_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<boost::json::value> v = cb::ParseJson(text, "rec.json");
  if (v.ok()) {
    absl::StatusOr<cb::RecordRow> row = cb::ParseRecord(*v, "rec.json");
    if (!row.ok() && row.status().message().find("rec.json") == absl::string_view::npos)
      std::abort();
  }
  absl::StatusOr<std::vector<cb::PlannedRun>> runs = cb::ParsePlannedRuns(text, "build.ninja");
  if (!runs.ok() && runs.status().message().find("build.ninja") == absl::string_view::npos)
    std::abort();
  return 0;
}
