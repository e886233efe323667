#include "runner/attempt_history.h"

#include <sys/stat.h>

#include <system_error>

#include "absl/time/time.h"
#include "core/attempt_file.h"
#include "runner/attempt_files.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// Seconds from the attempt's start to the last thing its cooperbench wrote.
double DurationUntilLastLog(const AttemptRecord& a, const fs::path& dir) {
  absl::Time started;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, a.started_at, &started, &err)) return 0;
  struct stat st {};
  if (::stat((dir / "cooperbench.log").c_str(), &st) != 0) return 0;
  const double s = static_cast<double>(st.st_mtime) - static_cast<double>(absl::ToUnixSeconds(started));
  return s > 0 ? s : 0;
}

// An attempt whose cbrun died during it: what its folder still says.
AttemptRecord Unfinished(const std::optional<AttemptFile>& file, Phase phase, int n, int evaluates,
                         const fs::path& dir, const PairAttemptsQuery& q) {
  AttemptRecord a = file ? file->attempt : AttemptRecord{};
  a.n = n;
  a.phase = phase;
  a.evaluates = evaluates;
  a.log_dir = dir.string();
  a.tag = Tag::kInfraError;
  a.reason = Reason::kInterrupted;
  a.detail = "cbrun ended during this attempt";
  a.duration_s = DurationUntilLastLog(a, dir);
  if (phase == Phase::kEval) {  // no model calls
    a.cost_usd = 0;
    a.input_tokens = a.output_tokens = 0;
    return a;
  }
  AttemptEvidence evidence;  // started, never seen to end
  ReadAttemptFiles(q.log_root_of(dir), q.run_name, q.setting, q.pair, &evidence);
  const AttemptUsage usage = UsageOf(evidence);
  a.cost_usd = usage.cost_usd;
  a.input_tokens = usage.input_tokens;
  a.output_tokens = usage.output_tokens;
  return a;
}

AttemptRecord Load(const fs::path& dir, Phase phase, int n, int evaluates,
                   const PairAttemptsQuery& q) {
  absl::StatusOr<std::optional<AttemptFile>> file = ReadAttemptFile(dir);
  if (file.ok() && *file && (*file)->ended) {
    AttemptRecord a = (*file)->attempt;
    a.n = n;  // the folder is the truth of where it is
    a.phase = phase;
    a.evaluates = evaluates;
    return a;
  }
  AttemptRecord a = Unfinished(file.ok() ? *file : std::nullopt, phase, n, evaluates, dir, q);
  if (!file.ok())
    a.detail = absl::StrCat("its attempt file is unreadable (", file.status().message(), ")");
  return a;
}

}  // namespace

std::vector<AttemptRecord> LoadEarlierAttempts(const PairAttemptsQuery& q) {
  std::vector<AttemptRecord> attempts;
  for (const auto& [n, dir] : NumberedDirs(q.pair_log_dir, "attempt-")) {
    attempts.push_back(Load(dir, Phase::kAgent, n, 0, q));
    for (const auto& [m, eval_dir] : NumberedDirs(dir, "eval-"))
      attempts.push_back(Load(eval_dir, Phase::kEval, m, n, q));
  }
  return attempts;
}

}  // namespace cb
