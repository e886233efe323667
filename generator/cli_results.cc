// `cbgen report`, `cbgen status`, `cbgen forget` and `cbgen reeval`: their options, and
// running one on stdout/stderr. The results library behind them (report/)
// takes plain structs and streams and prints nothing itself.
#include <iostream>
#include <memory>

#include "generator/cli.h"
#include "report/forget.h"
#include "report/reeval.h"
#include "report/report.h"
#include "report/status.h"

namespace cb {
namespace {

int ExitCode(const absl::Status& s, const char* command) {
  if (s.ok()) return 0;
  std::cerr << command << ": error: " << s.message() << "\n";
  return 1;
}

// --out and --build-file, as report and status both take them.
void AddOutOptions(CLI::App* sub, std::string& out, std::string& build_file) {
  sub->add_option("--out", out, "Folder of the records (cbgen --out)")->capture_default_str();
  sub->add_option("--build-file", build_file,
                  "build.ninja whose planned pairs to count (its plan is OUT/plan.json)");
}

}  // namespace

Subcommand AddReportCommand(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report", "Summarize the records under OUT: pass rates, coordination gap, cost, difficulty");
  AddOutOptions(sub, args->out, args->build_file);
  sub->add_flag("--json", args->json, "Print JSON instead of tables");
  sub->add_option("--html", args->html,
                  "Also write an HTML report: FILE (or DIR/index.html for --html DIR/) with SVG "
                  "figures, and one self-contained page per pair in pairs/ beside it (no "
                  "scripts, nothing fetched)");
  sub->add_option("--csv", args->csv, "Also write one CSV row per record");
  return Subcommand{
      sub, [args] { return ExitCode(RunReport(*args, std::cout, std::cerr), "cbgen report"); }};
}

Subcommand AddStatusCommand(CLI::App& app) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* sub = app.add_subcommand(
      "status",
      "While ninja runs: done / running / pending per setting, spend, running pairs, ETA");
  AddOutOptions(sub, args->out, args->build_file);
  sub->add_flag("--json", args->json, "Print JSON");
  return Subcommand{sub, [args] { return ExitCode(RunStatus(*args, std::cout), "cbgen status"); }};
}

Subcommand AddForgetCommand(CLI::App& app) {
  auto args = std::make_shared<ForgetArgs>();
  CLI::App* sub = app.add_subcommand(
      "forget", "Move matching records to OUT/forgotten/ so the next ninja runs those pairs again");
  sub->add_option("--tag", args->tag, "pass, fail or infra_error")->required();
  sub->add_option("--setting", args->setting, "Only this setting: solo, coop-comm, coop-nocomm");
  sub->add_option("--repo", args->repo, "Only this repository folder (e.g. dspy_task)");
  sub->add_option("--reason", args->reason, "Only this reason (e.g. rate_limited)");
  sub->add_flag("--dry-run", args->dry_run, "List the records, move nothing");
  sub->add_option("--out", args->out, "Folder of the records (cbgen --out)")->capture_default_str();
  return Subcommand{sub, [args] { return ExitCode(RunForget(*args, std::cout), "cbgen forget"); }};
}

Subcommand AddReevalCommand(CLI::App& app) {
  auto args = std::make_shared<ForgetArgs>();
  CLI::App* sub = app.add_subcommand(
      "reeval",
      "Evaluate matching records' kept agent work again on the next ninja (no agent runs, no "
      "model cost); the old records move to OUT/forgotten/");
  sub->add_option("--tag", args->tag, "pass, fail or infra_error")->required();
  sub->add_option("--setting", args->setting, "Only this setting: solo, coop-comm, coop-nocomm");
  sub->add_option("--repo", args->repo, "Only this repository folder (e.g. dspy_task)");
  sub->add_option("--reason", args->reason, "Only this reason (e.g. eval_error)");
  sub->add_flag("--dry-run", args->dry_run, "List the records, change nothing");
  sub->add_option("--out", args->out, "Folder of the records (cbgen --out)")->capture_default_str();
  return Subcommand{sub, [args] { return ExitCode(RunReeval(*args, std::cout), "cbgen reeval"); }};
}

}  // namespace cb
