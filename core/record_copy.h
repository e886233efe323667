// A second hard link of each record, under the pair's log folder, so that a
// record Ninja deletes is not paid for twice.
//
//
// When ninja is interrupted it deletes the output of every edge still running
// whose file changed: a record cbrun has just written, while cbrun (or a wrapper
// around it) is still exiting, is lost with it. The copy brings it back. Ninja's
// own log tells the two ways a record can vanish apart: an entry for the record
// at least as new as the copy means Ninja finished that edge after this very
// record existed, so the user deleted it on purpose (to run the pair again); no
// such entry means Ninja never accepted it, so it was the interrupt. With the
// log lost too, paying twice is the worse mistake: the record is restored.
#pragma once

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cb {

// OUT/logs/RUN/REPO/taskID/fA_fB/record.json
std::filesystem::path RecordCopyPath(const std::filesystem::path& pair_log_dir);

// Links `copy` to the record just written (replacing an older copy).
absl::Status KeepRecordCopy(const std::filesystem::path& record, const std::filesystem::path& copy);

enum class Recovery {
  kNothing,   // no copy: the pair has never been recorded
  kRestored,  // the record is back (Ninja had deleted it)
  kSetAside,  // the user deleted it: the copy moved aside, the pair runs again
};
struct RecoveryResult {
  Recovery recovery = Recovery::kNothing;
  std::string message;
};

// For a missing record: restores it from `copy` unless `ninja_log` shows Ninja
// accepted that very record (then moves the copy aside as record.deleted-N.json).
// `record_as_ninja_names_it` is the output path as written in build.ninja.
absl::StatusOr<RecoveryResult> RecoverRecord(const std::filesystem::path& record,
                                             absl::string_view record_as_ninja_names_it,
                                             const std::filesystem::path& copy,
                                             const std::filesystem::path& ninja_log);

// The mtime (nanoseconds) Ninja logged for `output` in a .ninja_log (v5), the
// last entry winning; -1 when the log or the entry is missing.
long long NinjaLoggedMtime(const std::filesystem::path& ninja_log, absl::string_view output);

}  // namespace cb
