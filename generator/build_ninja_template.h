// The fixed text of build.ninja (templates/build.ninja.in), embedded at build time.
#pragma once

namespace cb {
extern const char kBuildNinjaTemplate[];
}
