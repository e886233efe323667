#include "generator/report.h"

#include <iostream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/atomic_file.h"
#include "common/json_read.h"
#include "generator/report_csv.h"
#include "generator/report_data.h"
#include "generator/report_html.h"
#include "generator/report_summary.h"
#include "generator/report_text.h"

namespace cb {
namespace fs = std::filesystem;

absl::Status RunReport(const ReportArgs& args, std::ostream& os, std::ostream& err) {
  const fs::path out = args.out;
  std::error_code ec;
  if (!fs::is_directory(out, ec))
    return absl::NotFoundError(absl::StrCat(
        "--out ", out.string(), ": no such folder; run ninja first, or pass the --out given to cbgen"));
  const fs::path build_file = args.build_file.empty() ? DefaultBuildFile(out) : fs::path(args.build_file);
  absl::StatusOr<std::optional<std::vector<PlannedRun>>> planned = ReadPlannedRuns(build_file);
  if (!planned.ok()) return planned.status();
  if (!planned->has_value() && !args.build_file.empty())
    return absl::NotFoundError(absl::StrCat("--build-file ", build_file.string(), ": no such file"));

  RecordSet records = LoadRecords(out);
  for (const std::string& p : records.problems) err << "cbgen report: warning: skipped " << p << "\n";
  const Summary summary = Summarize(records.rows, *planned);
  const std::string source =
      absl::StrCat(out.string(), "/",
                   planned->has_value() ? absl::StrCat(" (plan: ", build_file.string(), ")") : "");

  if (!args.html.empty()) {
    std::ostringstream html;
    WriteReportHtml(summary, "CooperBench results", source, html);
    if (absl::Status s = WriteFileAtomically(args.html, html.str()); !s.ok()) return s;
  }
  if (!args.csv.empty()) {
    std::ostringstream csv;
    WriteRecordsCsv(records.rows, csv);
    if (absl::Status s = WriteFileAtomically(args.csv, csv.str()); !s.ok()) return s;
  }
  if (args.json) {
    boost::json::object doc = SummaryToJson(summary);
    doc["out"] = out.string();
    doc["build_file"] = planned->has_value() ? boost::json::value(build_file.string())
                                             : boost::json::value(nullptr);
    boost::json::array problems;
    for (const std::string& p : records.problems) problems.push_back(boost::json::value(p));
    doc["unreadable"] = std::move(problems);
    os << PrettyJson(doc);
  } else {
    WriteReportText(summary, source, os);
    if (!args.html.empty()) os << "\nHTML report: " << args.html << "\n";
    if (!args.csv.empty()) os << "CSV (one row per record): " << args.csv << "\n";
  }
  return absl::OkStatus();
}

Subcommand AddReportCommand(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report", "Summarize the records under OUT: pass rates, coordination gap, cost, difficulty");
  sub->add_option("--out", args->out, "Folder of the records (cbgen --out)")->capture_default_str();
  sub->add_option("--build-file", args->build_file,
                  "build.ninja with the planned pairs (default: next to OUT)");
  sub->add_flag("--json", args->json, "Print JSON instead of tables");
  sub->add_option("--html", args->html, "Also write a self-contained HTML page with charts");
  sub->add_option("--csv", args->csv, "Also write one CSV row per record");
  return Subcommand{sub, [args] {
                      absl::Status s = RunReport(*args, std::cout, std::cerr);
                      if (!s.ok()) {
                        std::cerr << "cbgen report: error: " << s.message() << "\n";
                        return 1;
                      }
                      return 0;
                    }};
}

}  // namespace cb
