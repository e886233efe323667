#include "core/naming.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace cb {

std::string ImageRepoName(absl::string_view repo_folder) {
  absl::string_view base = repo_folder;
  absl::ConsumeSuffix(&base, "_task");
  return absl::StrReplaceAll(base, {{"_", "-"}});
}

std::string ImageName(absl::string_view registry_prefix, absl::string_view repo_folder,
                      long long task_id) {
  return absl::StrCat(registry_prefix, "/cooperbench-", ImageRepoName(repo_folder), ":task",
                      task_id);
}

std::string CanonicalImageName(absl::string_view repo_folder, long long task_id) {
  return ImageName("akhatua", repo_folder, task_id);
}

std::string PairFolder(int a, int b) {
  return absl::StrFormat("f%d_f%d", a, b);
}

std::string TaskFolder(long long task_id) {
  return absl::StrCat("task", task_id);
}

std::optional<long long> ParseTaskFolder(absl::string_view name) {
  absl::string_view digits = name;
  long long id = 0;
  if (!absl::ConsumePrefix(&digits, "task") || !absl::SimpleAtoi(digits, &id) || id < 0 ||
      TaskFolder(id) != name)
    return std::nullopt;
  return id;
}

std::string FeatureFolder(int feature) {
  return absl::StrCat("feature", feature);
}

std::optional<int> ParseFeatureFolder(absl::string_view name) {
  absl::string_view digits = name;
  int n = 0;
  if (!absl::ConsumePrefix(&digits, "feature") || !absl::SimpleAtoi(digits, &n) || n < 0 ||
      FeatureFolder(n) != name)
    return std::nullopt;
  return n;
}

std::optional<std::pair<int, int>> ParsePairFolder(absl::string_view name) {
  absl::string_view rest = name;
  if (!absl::ConsumePrefix(&rest, "f")) return std::nullopt;
  const size_t sep = rest.find("_f");
  int a = 0, b = 0;
  if (sep == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(0, sep), &a) ||
      !absl::SimpleAtoi(rest.substr(sep + 2), &b) || a < 0 || a >= b || PairFolder(a, b) != name)
    return std::nullopt;
  return std::make_pair(a, b);
}

std::string ShortTaskName(absl::string_view repo_folder, long long task_id) {
  return absl::StrCat(ImageRepoName(repo_folder), "/", task_id);
}

std::string RecordRunFolder(absl::string_view out, absl::string_view run_name) {
  const absl::string_view sep = out.empty() || out.back() == '/' ? "" : "/";
  return absl::StrCat(out, sep, run_name, "/");
}

std::string RecordTaskFolder(absl::string_view repo_folder, long long task_id) {
  return absl::StrCat(repo_folder, "/task", task_id, "/");
}

void AppendRecordFileName(std::string* path, int feature_a, int feature_b) {
  absl::StrAppend(path, "f", feature_a, "_f", feature_b, ".json");
}

std::string RecordPathText(absl::string_view out, absl::string_view run_name, const PairId& p) {
  std::string path =
      absl::StrCat(RecordRunFolder(out, run_name), RecordTaskFolder(p.repo, p.task_id));
  AppendRecordFileName(&path, p.feature_a, p.feature_b);
  return path;
}

std::filesystem::path RecordPath(const std::filesystem::path& out, absl::string_view run_name,
                                 const PairId& p) {
  return RecordPathText(out.string(), run_name, p);
}

std::filesystem::path PairLogDir(const std::filesystem::path& out, absl::string_view run_name,
                                 const PairId& p) {
  return out / "logs" / std::string(run_name) / p.repo / TaskFolder(p.task_id) /
         PairFolder(p.feature_a, p.feature_b);
}

std::filesystem::path ImageStampPath(const std::filesystem::path& out,
                                     absl::string_view repo_folder, long long task_id) {
  return out / "images" / absl::StrCat(repo_folder, "-", TaskFolder(task_id), ".stamp");
}

std::filesystem::path UpstreamPairDir(const std::filesystem::path& log_dir,
                                      absl::string_view run_name,
                                      absl::string_view upstream_setting, const PairId& p) {
  return log_dir / std::string(run_name) / std::string(upstream_setting) / p.repo /
         std::to_string(p.task_id) / PairFolder(p.feature_a, p.feature_b);
}

namespace {
bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool IsAlnum(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z');
}
}  // namespace

absl::Status CheckRepoName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("repository name is empty");
  if (!IsLowerAlnum(name.front()))
    return absl::InvalidArgumentError(
        absl::StrFormat("repository name \"%s\" must start with a lowercase letter or digit",
                        absl::CHexEscape(name)));
  for (char c : name) {
    if (!(IsLowerAlnum(c) || c == '_' || c == '.' || c == '-'))
      return absl::InvalidArgumentError(absl::StrFormat(
          "repository name \"%s\" has the character '%s'; only lowercase letters, digits, "
          "'_', '.' and '-' can appear in Docker image names and paths cbgen writes",
          absl::CHexEscape(name), absl::CHexEscape(std::string(1, c))));
  }
  return absl::OkStatus();
}

absl::Status CheckRunName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("run name is empty");
  for (char c : name) {
    if (!(IsAlnum(c) || c == '_' || c == '.' || c == '-'))
      return absl::InvalidArgumentError(absl::StrFormat(
          "run name \"%s\" has the character '%s'; use letters, digits, '_', '.' and '-'",
          absl::CHexEscape(name), absl::CHexEscape(std::string(1, c))));
  }
  if (name.front() == '.' || name.front() == '-')
    return absl::InvalidArgumentError(
        absl::StrFormat("run name \"%s\" must not start with '.' or '-'", name));
  return absl::OkStatus();
}

}  // namespace cb
