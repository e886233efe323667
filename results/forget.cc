#include "results/forget.h"

#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/naming.h"
#include "core/record_copy.h"

namespace cb {
namespace fs = std::filesystem;

absl::StatusOr<ForgetFilter> ParseForgetFilter(const ForgetArgs& args) {
  ForgetFilter f;
  f.tag = ParseTag(args.tag);
  if (!f.tag && args.tag != "any")
    return absl::InvalidArgumentError(
        absl::StrCat("--tag \"", args.tag, "\": use pass, fail, infra_error or any"));
  f.run = args.run;
  for (const std::string& word : args.settings) {
    std::optional<Setting> setting = ParseSetting(word);
    if (!setting)
      return absl::InvalidArgumentError(
          absl::StrCat("--settings \"", word, "\": use solo, coop-comm or coop-nocomm"));
    f.settings.insert(*setting);
  }
  f.repo = args.repo;
  if (!args.reason.empty()) {
    f.reason = ParseReason(args.reason);
    if (!f.reason)
      return absl::InvalidArgumentError(absl::StrCat("--reason \"", args.reason, "\": use one of ",
                                                     absl::StrJoin(AllReasonNames(), ", ")));
  }
  return f;
}

std::vector<RecordRow> SelectForForget(const std::vector<RecordRow>& rows, const ForgetFilter& f) {
  std::vector<RecordRow> out;
  for (const RecordRow& r : rows) {
    if (f.tag && r.tag != *f.tag) continue;
    if (!f.run.empty() && r.run_name != f.run) continue;
    if (!f.settings.empty() && !f.settings.count(r.setting)) continue;
    if (!f.repo.empty() && r.pair.repo != f.repo) continue;
    if (f.reason && r.reason != *f.reason) continue;
    out.push_back(r);
  }
  return out;
}

std::string ForgetStamp() {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone());
}

fs::path NewForgottenFolder(const fs::path& out) {
  std::error_code ec;
  fs::path dest = out / "forgotten" / ForgetStamp();
  for (int n = 2; fs::exists(dest, ec); ++n)
    dest = out / "forgotten" / absl::StrCat(ForgetStamp(), "-", n);
  return dest;
}

absl::StatusOr<size_t> MoveRecords(const fs::path& out, const std::vector<RecordRow>& rows,
                                   const fs::path& dest) {
  size_t moved = 0;
  for (const RecordRow& r : rows) {
    const fs::path from = out / r.rel_path;
    const fs::path to = dest / r.rel_path;
    std::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (ec)
      return absl::InternalError(absl::StrCat("cannot create ", to.parent_path().string(), ": ",
                                              ec.message(), " (", moved, " records moved so far)"));
    if (fs::exists(to, ec))
      return absl::AlreadyExistsError(absl::StrCat(to.string(), " exists; nothing overwritten (",
                                                   moved, " records moved so far)"));
    // The record's second link (core/record_copy.h) goes, or the next cbrun
    // would restore what was forgotten; the record itself is kept in `dest`.
    const fs::path copy = RecordCopyPath(PairLogDir(out, r.run_name, r.pair));
    if (fs::equivalent(copy, from, ec)) fs::remove(copy, ec);
    fs::rename(from, to, ec);  // same file system: OUT/forgotten is inside OUT
    if (ec)
      return absl::InternalError(absl::StrCat("cannot move ", from.string(), " to ", to.string(),
                                              ": ", ec.message(), " (", moved,
                                              " records moved so far)"));
    ++moved;
  }
  return moved;
}

absl::StatusOr<std::vector<RecordRow>> ChooseRecords(const ForgetArgs& args) {
  absl::StatusOr<ForgetFilter> filter = ParseForgetFilter(args);
  if (!filter.ok()) return filter.status();
  std::error_code ec;
  if (!fs::is_directory(args.out, ec))
    return absl::NotFoundError(absl::StrCat("--out ", args.out, ": no such folder"));
  return SelectForForget(LoadRecords(args.out).rows, *filter);
}

absl::Status RunForget(const ForgetArgs& args, std::ostream& os) {
  absl::StatusOr<std::vector<RecordRow>> chosen_or = ChooseRecords(args);
  if (!chosen_or.ok()) return chosen_or.status();
  const std::vector<RecordRow>& chosen = *chosen_or;
  const fs::path out = args.out;
  if (chosen.empty()) {
    os << "cbgen forget: no record matches; nothing moved\n";
    return absl::OkStatus();
  }
  const fs::path dest = NewForgottenFolder(out);
  for (const RecordRow& r : chosen)
    os << (args.dry_run ? "would forget " : "forget ") << (out / r.rel_path).string() << " ("
       << SettingName(r.setting) << " " << r.pair.repo << "/" << r.pair.task_id << " ["
       << r.pair.feature_a << "," << r.pair.feature_b << "]: " << TagName(r.tag) << ", "
       << ReasonName(r.reason) << ")\n";
  if (args.dry_run) {
    os << "cbgen forget: " << chosen.size() << " record" << (chosen.size() == 1 ? "" : "s")
       << " match (dry run: nothing moved)\n";
    return absl::OkStatus();
  }
  absl::StatusOr<size_t> moved = MoveRecords(out, chosen, dest);
  if (!moved.ok()) return moved.status();
  os << "cbgen forget: moved " << *moved << " record" << (*moved == 1 ? "" : "s") << " to "
     << dest.string() << "/; run ninja to run those pairs again\n";
  return absl::OkStatus();
}

}  // namespace cb
