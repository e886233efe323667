// The three experiment settings and how each maps onto upstream's flags.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "absl/strings/string_view.h"

namespace cb {

enum class Setting { kSolo, kCoopComm, kCoopNocomm };

// All settings in scheduling priority order: solo, coop-comm, coop-nocomm.
const std::vector<Setting>& AllSettings();

// "solo", "coop-comm", "coop-nocomm": the names users type and records carry.
absl::string_view SettingName(Setting s);
std::optional<Setting> ParseSetting(absl::string_view name);

// Suffix of the default run name: command-a-<suffix>.
absl::string_view SettingRunSuffix(Setting s);

// Upstream's --setting value and the folder it writes under: "solo" or "coop".
absl::string_view UpstreamSetting(Setting s);

bool NeedsRedis(Setting s);

}  // namespace cb
