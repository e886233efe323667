// `cbgen forget --tag TAG [--setting S] [--repo R] [--reason W]`: moves the
// matching records to OUT/forgotten/<timestamp>/ (same relative paths, never
// deleted), so the next `ninja` runs exactly those pairs again. Its command
// line: report/commands.h.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "report/report_data.h"

namespace cb {

struct ForgetFilter {
  std::string tag;  // pass, fail or infra_error (required)
  std::optional<Setting> setting;
  std::string repo;    // empty: any
  std::string reason;  // empty: any
};

// Checks the filter's words; errors say what is accepted.
absl::Status CheckForgetFilter(const ForgetFilter& f);

// The records the filter selects. Pure.
std::vector<RecordRow> SelectForForget(const std::vector<RecordRow>& rows, const ForgetFilter& f);

// "20261124T093136Z": the folder name under OUT/forgotten/.
std::string ForgetStamp();

// Moves `rows` from OUT/<rel> to `dest`/<rel>. Returns how many moved; on a
// failure, the ones moved so far stay moved and the error names the file.
absl::StatusOr<size_t> MoveRecords(const std::filesystem::path& out,
                                   const std::vector<RecordRow>& rows,
                                   const std::filesystem::path& dest);

struct ForgetArgs {
  std::string out = "out";
  std::string tag, setting, repo, reason;
  bool dry_run = false;
};

absl::Status RunForget(const ForgetArgs& args, std::ostream& os);

}  // namespace cb
