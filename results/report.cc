#include "results/report.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "util/atomic_file.h"
#include "util/json_read.h"
#include "results/report_csv.h"
#include "results/report_data.h"
#include "results/pair_page_files.h"
#include "results/report_html.h"
#include "results/report_summary.h"
#include "results/report_text.h"

namespace cb {
namespace fs = std::filesystem;

namespace {

// OUT/plan.json, checked against --build-file; nullopt when there is none
// and none was asked for.
absl::StatusOr<std::optional<PlanFile>> ReadReportPlan(const ReportArgs& args,
                                                       const fs::path& out) {
  std::error_code ec;
  if (!fs::is_directory(out, ec))
    return absl::NotFoundError(
        absl::StrCat("--out ", out.string(),
                     ": no such folder; run ninja first, or pass the --out given to cbgen"));
  if (!args.build_file.empty() && !fs::exists(args.build_file, ec))
    return absl::NotFoundError(absl::StrCat("--build-file ", args.build_file, ": no such file"));
  absl::StatusOr<std::optional<PlanFile>> plan = ReadPlanOf(out, args.build_file);
  if (plan.ok() && !plan->has_value() && !args.build_file.empty())
    return absl::NotFoundError(
        absl::StrCat("--build-file ", args.build_file, ": its plan ", PlanFilePath(out).string(),
                     " is missing; run cbgen again to write it (or pass the --out of that build)"));
  return plan;
}

// --html FILE and --csv FILE, each written atomically.
absl::Status WriteReportFiles(const ReportArgs& args, const Summary& summary,
                              const RecordSet& records, const std::string& source) {
  if (!args.html.empty())
    if (absl::Status s = WriteHtmlReport(args.html, summary, records.rows, args.out, source);
        !s.ok())
      return s;
  if (!args.csv.empty()) {
    std::ostringstream csv;
    WriteRecordsCsv(records.rows, csv);
    if (absl::Status s = WriteFileAtomically(args.csv, csv.str()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// --json: the summary with where it came from and the unreadable records.
boost::json::object ReportJson(const Summary& summary, const fs::path& out,
                               const std::optional<PlanFile>& plan, const RecordSet& records) {
  boost::json::object doc = SummaryToJson(summary);
  doc["out"] = out.string();
  doc["plan"] = plan ? boost::json::value(PlanFilePath(out).string()) : boost::json::value(nullptr);
  doc["build_file"] = plan ? boost::json::value(plan->build_file) : boost::json::value(nullptr);
  boost::json::array problems;
  for (const std::string& p : records.problems) problems.push_back(boost::json::value(p));
  doc["unreadable"] = std::move(problems);
  return doc;
}

}  // namespace

absl::Status RunReport(const ReportArgs& args, std::ostream& os, std::ostream& err) {
  const fs::path out = args.out;
  absl::StatusOr<std::optional<PlanFile>> plan = ReadReportPlan(args, out);
  if (!plan.ok()) return plan.status();
  std::optional<std::vector<PlannedRun>> planned;
  if (plan->has_value()) planned = (*plan)->runs;

  const RecordSet records = LoadRecords(out);
  for (const std::string& p : records.problems)
    err << "cbgen report: warning: skipped " << p << "\n";
  const Summary summary = Summarize(records.rows, planned);
  const std::string source = absl::StrCat(
      out.string(), "/", planned ? absl::StrCat(" (plan: ", PlanFilePath(out).string(), ")") : "");
  if (absl::Status s = WriteReportFiles(args, summary, records, source); !s.ok()) return s;
  if (args.json) {
    os << PrettyJson(ReportJson(summary, out, *plan, records));
  } else {
    WriteReportText(summary, source, os);
    if (!args.html.empty())
      os << "\nHTML report: " << HtmlIndexPath(args.html).lexically_normal().string() << "\n";
    if (!args.csv.empty()) os << "CSV (one row per record): " << args.csv << "\n";
  }
  return absl::OkStatus();
}

}  // namespace cb
