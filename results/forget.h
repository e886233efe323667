// `cbgen forget --tag TAG [--settings S,..] [--run RUN] [--repo R] [--reason W]`: moves the
// matching records to OUT/forgotten/<timestamp>/ (same relative paths, never
// deleted), so the next `ninja` runs exactly those pairs again.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/reason.h"
#include "core/setting.h"
#include "core/tag.h"
#include "results/report_data.h"

namespace cb {

// The command line's words, as given.
struct ForgetArgs {
  std::string out = "out";
  std::string tag, repo, reason;      // tag required ("any": every tag); the others empty: any
  std::vector<std::string> settings;  // --settings (or --setting) solo,coop-comm; empty: any
  std::string run;                    // a run name (a folder of OUT); empty: any
  bool dry_run = false;
};

struct ForgetFilter {
  std::optional<Tag> tag = Tag::kInfraError;  // nullopt: any (--tag any)
  std::set<Setting> settings;                 // empty: any
  std::string repo;                           // empty: any
  std::optional<Reason> reason;               // nullopt: any
  std::string run;                            // empty: any
};

// Reads the words of --tag, --settings and --reason; an error names the
// option, the word and the words accepted.
absl::StatusOr<ForgetFilter> ParseForgetFilter(const ForgetArgs& args);

// The records the filter selects. Pure.
std::vector<RecordRow> SelectForForget(const std::vector<RecordRow>& rows, const ForgetFilter& f);

// "20261124T093136Z": the folder name under OUT/forgotten/.
std::string ForgetStamp();
// OUT/forgotten/<stamp> (or <stamp>-N) that does not exist yet.
std::filesystem::path NewForgottenFolder(const std::filesystem::path& out);

// Moves `rows` from OUT/<rel> to `dest`/<rel>. Returns how many moved; on a
// failure, the ones moved so far stay moved and the error names the file.
absl::StatusOr<size_t> MoveRecords(const std::filesystem::path& out,
                                   const std::vector<RecordRow>& rows,
                                   const std::filesystem::path& dest);

// The records under args.out that args' filters choose (empty: none match),
// as forget and reeval take them. An error for a bad filter or a missing OUT.
absl::StatusOr<std::vector<RecordRow>> ChooseRecords(const ForgetArgs& args);
absl::Status RunForget(const ForgetArgs& args, std::ostream& os);

}  // namespace cb
