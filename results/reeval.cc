#include "results/reeval.h"

#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/attempt_file.h"
#include "util/json_read.h"
#include "core/naming.h"
#include "core/record.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// The attempts a record lists (none when it cannot be read).
std::vector<AttemptRecord> AttemptsOf(const boost::json::value& record) {
  absl::StatusOr<Record> r = Record::FromJson(record, "record");
  return r.ok() ? std::move(r->attempts) : std::vector<AttemptRecord>();
}

// upstream's result.json under an agent attempt's folder: --log-dir is the
// folder itself (0.0.12+), or ./logs in it (0.0.11, run in the folder).
bool LeftAResult(const fs::path& attempt_dir, const RecordRow& row) {
  std::error_code ec;
  for (const fs::path& root : {attempt_dir, attempt_dir / "logs"})
    if (fs::exists(UpstreamPairDir(root, row.run_name, UpstreamSetting(row.setting), row.pair) /
                       "result.json",
                   ec))
      return true;
  return false;
}

// Records made before attempt files existed keep their attempts in the record
// only: each gets its file back, so the next record lists them all.
absl::Status KeepAttemptFiles(const fs::path& pair_log_dir,
                              const std::vector<AttemptRecord>& attempts) {
  for (const AttemptRecord& a : attempts) {
    const fs::path dir = a.phase == Phase::kEval
                             ? EvalAttemptDir(AgentAttemptDir(pair_log_dir, a.evaluates), a.n)
                             : AgentAttemptDir(pair_log_dir, a.n);
    std::error_code ec;
    if (!fs::is_directory(dir, ec) || fs::exists(dir / kAttemptFileName, ec)) continue;
    if (absl::Status s = WriteAttemptFile(dir, AttemptFile{a, true}); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string Describe(const RecordRow& r) {
  return absl::StrCat(SettingName(r.setting), " ", r.pair.repo, "/", r.pair.task_id, " [",
                      r.pair.feature_a, ",", r.pair.feature_b, "]: ", TagName(r.tag), ", ",
                      ReasonName(r.reason));
}

}  // namespace

std::optional<int> AgentAttemptToReevaluate(const fs::path& out, const RecordRow& row,
                                            const boost::json::value& record) {
  const std::vector<AttemptRecord> attempts = AttemptsOf(record);
  const fs::path pair_log_dir = PairLogDir(out, row.run_name, row.pair);
  for (auto a = attempts.rbegin(); a != attempts.rend(); ++a)
    if (a->phase == Phase::kAgent && LeftAResult(AgentAttemptDir(pair_log_dir, a->n), row))
      return a->n;
  return std::nullopt;
}

absl::Status RunReeval(const ForgetArgs& args, std::ostream& os) {
  absl::StatusOr<std::vector<RecordRow>> chosen_or = ChooseRecords(args);
  if (!chosen_or.ok()) return chosen_or.status();
  const std::vector<RecordRow>& chosen = *chosen_or;
  const fs::path out = args.out;
  if (chosen.empty()) {
    os << "cbgen reeval: no record matches; nothing changed\n";
    return absl::OkStatus();
  }
  const fs::path dest = NewForgottenFolder(out);
  size_t requested = 0, skipped = 0;
  for (const RecordRow& r : chosen) {
    absl::StatusOr<boost::json::value> record = ReadJsonFile(out / r.rel_path);
    if (!record.ok()) return record.status();
    const std::optional<int> agent = AgentAttemptToReevaluate(out, r, *record);
    if (!agent) {
      os << "skip " << (out / r.rel_path).string() << " (" << Describe(r)
         << "): its agents never finished, nothing to evaluate (cbgen forget runs them again)\n";
      ++skipped;
      continue;
    }
    os << (args.dry_run ? "would re-evaluate " : "re-evaluate ") << (out / r.rel_path).string()
       << " (" << Describe(r) << "), agent attempt " << *agent << "\n";
    if (args.dry_run) continue;
    const fs::path pair_log_dir = PairLogDir(out, r.run_name, r.pair);
    if (absl::Status s = KeepAttemptFiles(pair_log_dir, AttemptsOf(*record)); !s.ok()) return s;
    absl::StatusOr<size_t> moved = MoveRecords(out, {r}, dest);
    if (!moved.ok())
      return absl::Status(moved.status().code(), absl::StrCat(moved.status().message(), "; ",
                                                              requested, " re-evaluations asked"));
    if (absl::Status s = WriteReevalRequest(pair_log_dir, *agent); !s.ok()) return s;
    ++requested;
  }
  const size_t n = chosen.size() - skipped;
  if (args.dry_run) {
    os << "cbgen reeval: " << n << " record" << (n == 1 ? "" : "s")
       << " would be evaluated again (dry run: nothing changed)\n";
    return absl::OkStatus();
  }
  os << "cbgen reeval: moved " << requested << " record" << (requested == 1 ? "" : "s") << " to "
     << dest.string() << "/; run ninja to evaluate the agents' kept work again (no agent runs)\n";
  return absl::OkStatus();
}

}  // namespace cb
