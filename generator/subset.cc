#include "generator/subset.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "util/json_read.h"
#include "core/naming.h"

namespace cb {
namespace {

absl::Status Bad(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

std::optional<long long> AsInt(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<long long>(v.get_uint64());
  return std::nullopt;
}

}  // namespace

absl::StatusOr<std::vector<SubsetEntry>> ParseSubset(absl::string_view text,
                                                     absl::string_view source) {
  absl::StatusOr<boost::json::value> doc = ParseJson(text, source);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object()) return Bad(source, "expected a JSON object with a \"tasks\" array");
  const boost::json::value* tasks = Field(*doc, "tasks");
  if (tasks == nullptr || !tasks->is_array())
    return Bad(source, "expected a \"tasks\" array at the top level");

  std::vector<SubsetEntry> entries;
  std::set<std::pair<std::string, long long>> seen_tasks;
  size_t index = 0;
  for (const boost::json::value& t : tasks->get_array()) {
    std::string where = absl::StrFormat("%s: tasks[%d]", source, index++);
    if (!t.is_object()) return Bad(where, "expected an object with \"repo\" and \"task_id\"");
    SubsetEntry e;
    std::optional<std::string> repo = StringField(t, "repo");
    if (!repo) return Bad(where, "\"repo\" must be a string naming a dataset folder");
    if (absl::Status s = CheckRepoName(*repo); !s.ok()) return Bad(where, s.message());
    e.repo = *repo;
    const boost::json::value* id = Field(t, "task_id");
    std::optional<long long> task_id = id ? AsInt(*id) : std::nullopt;
    if (!task_id || *task_id < 0)
      return Bad(where,
                 absl::StrCat("\"task_id\" of ", e.repo, " must be a whole number >= 0, got ",
                              id ? boost::json::serialize(*id) : "nothing"));
    e.task_id = *task_id;
    where = absl::StrFormat("%s (%s/%d)", where, e.repo, e.task_id);
    if (!seen_tasks.insert({e.repo, e.task_id}).second)
      return Bad(where, "this task is listed twice; merge its pairs into one entry");

    if (const boost::json::value* pairs = Field(t, "pairs"); pairs && !pairs->is_null()) {
      if (!pairs->is_array()) return Bad(where, "\"pairs\" must be an array of [a, b] pairs");
      std::vector<std::pair<int, int>> list;
      std::set<std::pair<int, int>> seen_pairs;
      for (const boost::json::value& p : pairs->get_array()) {
        const std::string shown = boost::json::serialize(p);
        if (!p.is_array() || p.get_array().size() != 2)
          return Bad(where, absl::StrCat("pair ", shown, " must be two feature numbers"));
        std::optional<long long> a = AsInt(p.get_array()[0]);
        std::optional<long long> b = AsInt(p.get_array()[1]);
        if (!a || !b || *a < 1 || *b < 1 || *a > 100000 || *b > 100000)
          return Bad(where, absl::StrCat("pair ", shown, " must hold two whole numbers >= 1"));
        if (*a == *b)
          return Bad(where, absl::StrCat("pair ", shown, " pairs a feature with itself"));
        std::pair<int, int> norm{static_cast<int>(std::min(*a, *b)),
                                 static_cast<int>(std::max(*a, *b))};
        if (!seen_pairs.insert(norm).second)
          return Bad(where, absl::StrCat("pair ", shown, " is listed twice"));
        list.push_back(norm);
      }
      e.pairs = std::move(list);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace cb
