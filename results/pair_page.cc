#include "results/pair_page.h"

#include <cctype>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "results/html_figures.h"

namespace cb {

TextFile TextFromString(std::string name, std::string path, absl::string_view text) {
  TextFile f;
  f.name = std::move(name);
  f.path = std::move(path);
  f.found = true;
  f.bytes = static_cast<long long>(text.size());
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == absl::string_view::npos ? text.size() : end + 1;
    ++f.lines;
    if (!f.capped && f.lines <= kEmbedMaxLines &&
        static_cast<long long>(f.head.size() + end - start) <= kEmbedMaxBytes)
      f.head.append(text.data() + start, end - start);
    else
      f.capped = true;
    start = end;
  }
  return f;
}

std::string PairPageFileName(const PairId& pair) {
  std::string repo;
  bool changed = pair.repo.empty();
  for (char c : pair.repo.substr(0, 80)) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    repo += safe ? c : '_';
    changed = changed || !safe;
  }
  changed = changed || pair.repo.size() > 80;
  if (changed) {  // FNV-1a of the whole name keeps two unsafe names apart
    uint32_t h = 2166136261u;
    for (unsigned char c : pair.repo) h = (h ^ c) * 16777619u;
    absl::StrAppend(&repo, "-", absl::StrFormat("%08x", h));
  }
  return absl::StrFormat("%s-task%d-f%d_f%d.html", repo, pair.task_id, pair.feature_a,
                         pair.feature_b);
}

std::string CostText(const std::optional<double>& cost) {
  return cost ? absl::StrFormat("$%.2f", *cost) : "unknown";
}

namespace {

constexpr char kPairCss[] =
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:6px;"
    "font-size:12px;margin:4px 0}\n"
    ".add{background:#e6ffec;color:#116329}.del{background:#ffebe9;color:#82071e}"
    ".hunk{background:#ddf4ff;color:#0550ae}.meta{font-weight:bold}\n"
    "details{margin:6px 0}summary{cursor:pointer}section{border-top:2px solid #ccc;"
    "margin-top:2em}.msg{border-left:3px solid #4e79a7;padding-left:8px;margin:8px 0}\n"
    ".pass{color:#116329}.fail{color:#82071e}.infra_error{color:#9a6700}\n";

// The class of a patch line by its first characters.
const char* DiffClass(absl::string_view line) {
  if (absl::StartsWith(line, "+++") || absl::StartsWith(line, "---") ||
      absl::StartsWith(line, "diff ") || absl::StartsWith(line, "index "))
    return "meta";
  if (absl::StartsWith(line, "@@")) return "hunk";
  if (absl::StartsWith(line, "+")) return "add";
  if (absl::StartsWith(line, "-")) return "del";
  return nullptr;
}

// A <details> block of a text: its size, collapsed when long, cut when huge.
void WriteTextBlock(const TextFile& f, bool diff, std::ostream& os) {
  if (!f.found) {
    os << "<p class=\"note\">" << HtmlEscape(f.name) << ": not found"
       << (f.path.empty() ? "" : absl::StrCat(" (", f.path, ")")) << "</p>\n";
    return;
  }
  os << "<details" << (f.lines <= kOpenLines ? " open" : "") << "><summary>" << HtmlEscape(f.name)
     << ": " << f.lines << " line" << (f.lines == 1 ? "" : "s") << ", " << f.bytes << " bytes"
     << (f.lines > kOpenLines ? " (collapsed: click to show)" : "") << "</summary>\n";
  if (f.capped)
    os << "<p class=\"note\">Too long to embed: showing the first "
       << TextFromString("", "", f.head).lines << " of " << f.lines << " lines"
       << (f.path.empty() ? "" : absl::StrCat("; the whole file: ", HtmlEscape(f.path)))
       << ".</p>\n";
  else if (!f.path.empty())
    os << "<p class=\"note\">" << HtmlEscape(f.path) << "</p>\n";
  os << "<pre" << (diff ? " class=\"diff\"" : "") << ">";
  for (absl::string_view line : absl::StrSplit(absl::StripSuffix(f.head, "\n"), '\n')) {
    const char* cls = diff ? DiffClass(line) : nullptr;
    if (cls) os << "<span class=\"" << cls << "\">";
    os << HtmlEscape(line);
    if (cls) os << "</span>";
    os << "\n";
  }
  os << "</pre>\n</details>\n";
}

std::string Cell(absl::string_view s) {
  return absl::StrCat("<td>", HtmlEscape(s), "</td>");
}

std::string Optional(const std::optional<long long>& n) {
  return n ? absl::StrCat(*n) : "unknown";
}

void WriteAttempts(const RecordRow& r, std::ostream& os) {
  os << "<table>\n<tr><th>attempt</th><th>phase</th><th>tag</th><th>reason</th><th>cost</th>"
        "<th>duration s</th><th>log folder</th></tr>\n";
  for (const AttemptRow& a : r.attempt_list) {
    const std::string which =
        a.phase == Phase::kEval ? absl::StrCat(a.evaluates, " eval-", a.n) : absl::StrCat(a.n);
    os << "<tr>" << Cell(which) << Cell(PhaseName(a.phase)) << Cell(TagName(a.tag))
       << Cell(ReasonName(a.reason)) << Cell(CostText(a.cost_usd))
       << Cell(absl::StrFormat("%.1f", a.duration_s)) << Cell(a.log_dir) << "</tr>\n";
  }
  os << "</table>\n";
}

void WriteEvaluation(const RecordEvidence& e, std::ostream& os) {
  os << "<h4>Evaluation</h4>\n";
  if (e.eval_path.empty()) {
    os << "<p class=\"note\">No eval.json found.</p>\n";
    return;
  }
  os << "<p class=\"note\">" << HtmlEscape(e.eval_path) << "</p>\n";
  if (e.eval_error) os << "<p>Error: " << HtmlEscape(*e.eval_error) << "</p>\n";
  os << "<table>\n<tr><th>feature</th><th>passed</th><th>tests passed</th><th>tests failed</th>"
        "</tr>\n";
  for (const FeatureEval& f : e.features)
    os << "<tr>" << Cell(absl::StrCat(f.feature))
       << Cell(f.passed ? (*f.passed ? "yes" : "no") : "unknown") << Cell(Optional(f.tests_passed))
       << Cell(Optional(f.tests_failed)) << "</tr>\n";
  os << "</table>\n";
  for (const FeatureEval& f : e.features) WriteTextBlock(f.test_output, false, os);
  if (e.row.setting != Setting::kSolo) {
    os << "<p>Merge: " << HtmlEscape(e.merge_status.value_or("unknown")) << ", strategy "
       << HtmlEscape(e.merge_strategy.value_or("unknown")) << "</p>\n";
    if (e.merge_diff) WriteTextBlock(*e.merge_diff, true, os);
  }
}

void WriteMessages(const RecordEvidence& e, std::ostream& os) {
  os << "<h4>Messages (" << e.messages.size() << " sent";
  if (e.row.messages_sent) os << "; result.json: " << *e.row.messages_sent;
  os << ")</h4>\n";
  if (!e.conversation_found) os << "<p class=\"note\">No conversation.json found.</p>\n";
  if (e.messages.empty()) return;
  os << "<ol class=\"messages\">\n";
  for (const AgentMessage& m : e.messages)
    os << "<li class=\"msg\"><b>" << HtmlEscape(m.from) << " &rarr; " << HtmlEscape(m.to) << "</b>"
       << (m.feature_id ? absl::StrCat(" (feature ", *m.feature_id, ")") : "") << " "
       << "<span class=\"note\">" << HtmlEscape(m.time) << "</span><pre>" << HtmlEscape(m.message)
       << "</pre></li>\n";
  os << "</ol>\n";
}

// "$0.40", "$0.40 + 1 attempt of unknown cost", "unknown" (never $0 when unknown).
std::string RecordCost(const RecordRow& r) {
  const long long n = r.cost_unknown_attempts;
  if (n == 0) return absl::StrFormat("$%.2f", r.cost_usd);
  const std::string unknown = absl::StrCat(n, " attempt", n == 1 ? "" : "s", " of unknown cost");
  if (r.cost_usd == 0) return absl::StrCat("unknown (", unknown, ")");
  return absl::StrCat(absl::StrFormat("$%.2f", r.cost_usd), " + ", unknown);
}

std::string RunAnchor(const RecordRow& r) {
  std::string id = "run-";
  for (char c : r.run_name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return id;
}

void WriteRecord(const RecordEvidence& e, std::ostream& os) {
  const RecordRow& r = e.row;
  os << "<section id=\"" << HtmlEscape(RunAnchor(r)) << "\">\n<h2>" << HtmlEscape(r.run_name)
     << "</h2>\n<p>" << HtmlEscape(SettingName(r.setting)) << ", model "
     << HtmlEscape(r.model.empty() ? "unknown" : r.model) << ", agent "
     << HtmlEscape(r.agent.empty() ? "unknown" : r.agent) << ": <b class=\"" << TagName(r.tag)
     << "\">" << TagName(r.tag) << "</b> (" << HtmlEscape(ReasonName(r.reason)) << ")"
     << (r.detail.empty() ? "" : absl::StrCat(": ", HtmlEscape(r.detail))) << "</p>\n";
  os << "<p class=\"note\">Record: " << HtmlEscape(r.rel_path.string()) << "; cost "
     << RecordCost(r) << "</p>\n";
  WriteAttempts(r, os);
  for (const std::string& p : e.problems) os << "<p class=\"note\">" << HtmlEscape(p) << "</p>\n";
  if (e.agent_dir.empty()) {
    os << "<p class=\"note\">No agent attempt: nothing to show.</p>\n</section>\n";
    return;
  }
  os << "<p class=\"note\">Files of agent attempt " << HtmlEscape(e.agent_dir) << "</p>\n";
  if (r.setting == Setting::kCoopComm) WriteMessages(e, os);
  os << "<h4>Patches</h4>\n";
  for (const TextFile& p : e.patches) WriteTextBlock(p, true, os);
  WriteEvaluation(e, os);
  os << "</section>\n";
}

}  // namespace

void WritePairPage(const PairPage& page, std::ostream& os) {
  const PairId& p = page.pair;
  const std::string title = absl::StrFormat("%s task %d, features %d and %d", p.repo, p.task_id,
                                            p.feature_a, p.feature_b);
  os << HtmlHead(title, kPairCss) << "<p><a href=\"" << HtmlEscape(page.index_href)
     << "\">&larr; the report</a></p>\n<h1>" << HtmlEscape(title) << "</h1>\n";
  os << "<table>\n<tr><th>run</th><th>setting</th><th>model</th><th>tag</th><th>reason</th>"
        "<th>cost</th></tr>\n";
  for (const RecordEvidence& e : page.records)
    os << "<tr><td><a href=\"#" << HtmlEscape(RunAnchor(e.row)) << "\">"
       << HtmlEscape(e.row.run_name) << "</a></td>" << Cell(SettingName(e.row.setting))
       << Cell(e.row.model) << Cell(TagName(e.row.tag)) << Cell(ReasonName(e.row.reason))
       << Cell(RecordCost(e.row)) << "</tr>\n";
  os << "</table>\n";
  for (const RecordEvidence& e : page.records) WriteRecord(e, os);
  os << "</body>\n</html>\n";
}

}  // namespace cb
