#include "core/setting.h"

namespace cb {

const std::vector<Setting>& AllSettings() {
  static const std::vector<Setting> all = {Setting::kSolo, Setting::kCoopComm,
                                           Setting::kCoopNocomm};
  return all;
}

absl::string_view SettingName(Setting s) {
  switch (s) {
    case Setting::kSolo: return "solo";
    case Setting::kCoopComm: return "coop-comm";
    case Setting::kCoopNocomm: return "coop-nocomm";
  }
  return "?";
}

std::optional<Setting> ParseSetting(absl::string_view name) {
  for (Setting s : AllSettings())
    if (SettingName(s) == name) return s;
  return std::nullopt;
}

absl::string_view SettingRunSuffix(Setting s) {
  return SettingName(s);
}

absl::string_view UpstreamSetting(Setting s) {
  return s == Setting::kSolo ? "solo" : "coop";
}

bool NeedsRedis(Setting s) {
  return s == Setting::kCoopComm;
}

}  // namespace cb
