#include "runner/services.h"

namespace cb {

std::unique_ptr<AttemptServices> MakeServices(const RunConfig&, const std::filesystem::path&,
                                              Launcher&) {
  return std::make_unique<NoServices>();
}

}  // namespace cb
