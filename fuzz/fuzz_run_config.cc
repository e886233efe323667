// RunConfig::FromJson on arbitrary JSON: never crashes; an accepted config
// survives ToJson -> FromJson unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "util/json_read.h"
#include "core/run_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<boost::json::value> v = cb::ParseJson(text, "config.json");
  if (!v.ok()) return 0;
  absl::StatusOr<cb::RunConfig> config = cb::RunConfig::FromJson(*v, "config.json");
  if (!config.ok()) {
    if (config.status().message().find("config.json") == absl::string_view::npos) std::abort();
    return 0;
  }
  const boost::json::value once = config->ToJson();
  absl::StatusOr<cb::RunConfig> again = cb::RunConfig::FromJson(once, "again");
  if (!again.ok() || again->ToJson() != once) std::abort();
  return 0;
}
