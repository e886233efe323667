#include "results/pair_page_files.h"

#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "util/atomic_file.h"
#include "core/attempt_file.h"
#include "util/json_read.h"
#include "results/report_html.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

bool IsDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}
bool IsFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// A text file as a page embeds it: whole-file counts, the head within the caps
// (memory stays bounded however large the file is).
TextFile ReadTextFile(const fs::path& path, std::string name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    TextFile missing;
    missing.name = std::move(name);
    missing.path = path.string();
    return missing;
  }
  std::string kept;
  long long bytes = 0, newlines = 0;
  char last = '\n';
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    const std::streamsize n = in.gcount();
    bytes += n;
    for (std::streamsize i = 0; i < n; ++i) newlines += buf[i] == '\n';
    last = buf[n - 1];
    if (static_cast<long long>(kept.size()) <= kEmbedMaxBytes) kept.append(buf, n);
  }
  TextFile f = TextFromString(std::move(name), path.string(), kept);
  f.bytes = bytes;
  f.lines = newlines + (bytes > 0 && last != '\n' ? 1 : 0);
  f.capped = f.capped || static_cast<long long>(kept.size()) < bytes;
  return f;
}

// A JSON field's text (a string, or the JSON of anything else).
std::string TextOf(const boost::json::value* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

// An epoch-seconds timestamp as UTC ISO; a string as written.
std::string TimeOf(const boost::json::value* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_number()) {
    const double s = v->to_number<double>();
    return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(static_cast<int64_t>(s)),
                            absl::UTCTimeZone());
  }
  return TextOf(v);
}

void ReadEval(const fs::path& file, RecordEvidence* e) {
  absl::StatusOr<boost::json::value> doc = ReadJsonFile(file);
  if (!doc.ok() || !doc->is_object()) {
    e->problems.push_back(absl::StrCat(
        file.string(), ": unreadable: ", doc.ok() ? "not an object" : doc.status().message()));
    return;
  }
  e->eval_path = file.string();
  const int ids[] = {e->row.pair.feature_a, e->row.pair.feature_b};
  for (int i = 0; i < 2; ++i) {
    FeatureEval f;
    f.feature = ids[i];
    const std::string key = absl::StrCat("feature", i + 1);
    const boost::json::value* fv = Field(*doc, key);
    if (fv && fv->is_object()) {
      f.passed = BoolField(*fv, "passed");
      f.tests_passed = IntField(*fv, "tests_passed");
      f.tests_failed = IntField(*fv, "tests_failed");
    }
    f.test_output = TextFromString(absl::StrCat("feature ", ids[i], " test output"), "",
                                   fv ? TextOf(Field(*fv, "test_output")) : "");
    e->features.push_back(std::move(f));
  }
  if (std::optional<std::string> err = StringField(*doc, "error")) e->eval_error = err;
  if (const boost::json::value* m = Field(*doc, "merge"); m && m->is_object()) {
    e->merge_status = StringField(*m, "status");
    e->merge_strategy = StringField(*m, "strategy");
    const std::string diff = TextOf(Field(*m, "diff"));
    if (!diff.empty()) e->merge_diff = TextFromString("merge diff", "", diff);
  }
}

void ReadConversation(const fs::path& file, RecordEvidence* e) {
  if (!IsFile(file)) return e->problems.push_back(absl::StrCat(file.string(), ": missing"));
  absl::StatusOr<boost::json::value> doc = ReadJsonFile(file);
  if (!doc.ok() || !doc->is_array()) {
    e->problems.push_back(absl::StrCat(
        file.string(), ": unreadable: ", doc.ok() ? "not a list" : doc.status().message()));
    return;
  }
  e->conversation_found = true;
  for (const boost::json::value& m : doc->as_array()) {
    if (!m.is_object() || BoolField(m, "received").value_or(false)) continue;
    e->messages.push_back(AgentMessage{TextOf(Field(m, "from")), TextOf(Field(m, "to")),
                                       TimeOf(Field(m, "timestamp")), IntField(m, "feature_id"),
                                       TextOf(Field(m, "message"))});
  }
}

// The folder of agent attempt `n`: under OUT's log tree, or as recorded.
fs::path AgentDir(const fs::path& out, const RecordRow& row, const AttemptRow& a) {
  const fs::path under_out = AgentAttemptDir(PairLogDir(out, row.run_name, row.pair), a.n);
  if (IsDir(under_out) || a.log_dir.empty()) return under_out;
  return a.log_dir;
}

// Upstream's folder of the pair inside the attempt's --log-dir (the attempt
// folder, or its logs/ for releases without --log-dir).
fs::path UpstreamDir(const fs::path& agent_dir, const RecordRow& row) {
  for (const fs::path& root : {agent_dir, agent_dir / "logs"}) {
    fs::path d = UpstreamPairDir(root, row.run_name, UpstreamSetting(row.setting), row.pair);
    if (IsDir(d)) return d;
  }
  return UpstreamPairDir(agent_dir, row.run_name, UpstreamSetting(row.setting), row.pair);
}

}  // namespace

RecordEvidence LoadRecordEvidence(const fs::path& out, const RecordRow& row) {
  RecordEvidence e;
  e.row = row;
  const AttemptRow* agent = nullptr;
  for (const AttemptRow& a : row.attempt_list)
    if (a.phase == Phase::kAgent) agent = &a;
  if (agent == nullptr) return e;
  const fs::path dir = AgentDir(out, row, *agent);
  e.agent_dir = dir.string();
  const fs::path up = UpstreamDir(dir, row);
  if (row.setting == Setting::kSolo) {
    e.patches.push_back(ReadTextFile(up / "solo.patch", "solo.patch"));
  } else {
    for (int f : {row.pair.feature_a, row.pair.feature_b}) {
      const std::string name = absl::StrCat("agent", f, ".patch");
      e.patches.push_back(ReadTextFile(up / name, name));
    }
  }
  fs::path eval = up / "eval.json";
  for (const AttemptRow& a : row.attempt_list)
    if (a.phase == Phase::kEval && a.evaluates == agent->n &&
        IsFile(EvalAttemptDir(dir, a.n) / "eval.json"))
      eval = EvalAttemptDir(dir, a.n) / "eval.json";
  if (IsFile(eval))
    ReadEval(eval, &e);
  else
    e.problems.push_back(absl::StrCat("no eval.json in ", up.string()));
  if (row.setting == Setting::kCoopComm) ReadConversation(up / "conversation.json", &e);
  return e;
}

fs::path HtmlIndexPath(const fs::path& path) {
  const std::string ext = path.extension().string();
  const bool file = !IsDir(path) && !path.string().empty() && path.string().back() != '/' &&
                    (ext == ".html" || ext == ".htm");
  return file ? path : path / "index.html";
}

absl::Status WriteHtmlReport(const fs::path& path, const Summary& summary,
                             const std::vector<RecordRow>& rows, const fs::path& out,
                             const std::string& source) {
  const fs::path index = HtmlIndexPath(path);
  const fs::path pages = index.parent_path() / kPairPagesFolder;
  std::map<PairId, std::vector<const RecordRow*>> by_pair;
  for (const RecordRow& r : rows) by_pair[r.pair].push_back(&r);
  for (auto& [pair, records] : by_pair) {
    PairPage page;
    page.pair = pair;
    page.index_href = absl::StrCat("../", index.filename().string());
    std::sort(records.begin(), records.end(), [](const RecordRow* a, const RecordRow* b) {
      return std::tie(a->run_name, a->rel_path) < std::tie(b->run_name, b->rel_path);
    });
    for (const RecordRow* r : records) page.records.push_back(LoadRecordEvidence(out, *r));
    std::ostringstream html;
    WritePairPage(page, html);
    if (absl::Status s = WriteFileAtomically(pages / PairPageFileName(pair), html.str(),
                                             Overwrite::kReplace, Durability::kVolatile);
        !s.ok())
      return s;
  }
  std::ostringstream html;
  HtmlIndex options{"CooperBench results", source, &rows, absl::StrCat(kPairPagesFolder, "/")};
  WriteReportHtml(summary, options, html);
  return WriteFileAtomically(index, html.str());
}

}  // namespace cb
