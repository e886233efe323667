// `cbgen report`, `cbgen status`, `cbgen forget` and `cbgen reeval`: their options, and
// running one on stdout/stderr. The results library behind them (results/)
// takes plain structs and streams and prints nothing itself.
#include <iostream>
#include <memory>

#include "core/exit_codes.h"
#include "app/cli.h"
#include "results/forget.h"
#include "results/reeval.h"
#include "results/report.h"
#include "results/status.h"

namespace cb {
namespace {

int ExitCode(const absl::Status& s, const char* command) {
  if (s.ok()) return kExitOk;
  std::cerr << command << ": error: " << s.message() << "\n";
  return kExitFailed;
}

// --out and --build-file, as report and status both take them.
void AddOutOptions(CLI::App* sub, std::string& out, std::string& build_file) {
  sub->add_option("--out", out, "Folder of the records (cbgen --out)")->capture_default_str();
  sub->add_option("--build-file", build_file,
                  "build.ninja whose planned pairs to count (its plan is OUT/plan.json)");
}

}  // namespace

RunSubcommand AddReportOptions(CLI::App* sub) {
  auto args = std::make_shared<ReportArgs>();
  AddOutOptions(sub, args->out, args->build_file);
  sub->add_flag("--json", args->json, "Print JSON instead of tables");
  sub->add_option("--html", args->html,
                  "Also write an HTML report: FILE.html (any other name is a folder: "
                  "DIR/index.html) with SVG "
                  "figures, and one self-contained page per pair in pairs/ beside it (no "
                  "scripts, nothing fetched)");
  sub->add_option("--csv", args->csv, "Also write one CSV row per record");
  return [args] { return ExitCode(RunReport(*args, std::cout, std::cerr), "cbgen report"); };
}

RunSubcommand AddStatusOptions(CLI::App* sub) {
  auto args = std::make_shared<StatusArgs>();
  AddOutOptions(sub, args->out, args->build_file);
  sub->add_flag("--json", args->json, "Print JSON");
  return [args] { return ExitCode(RunStatus(*args, std::cout), "cbgen status"); };
}

RunSubcommand AddForgetOptions(CLI::App* sub) {
  auto args = std::make_shared<ForgetArgs>();
  sub->add_option("--tag", args->tag, "pass, fail, infra_error, or any (every tag)")->required();
  AddListOption(sub, "--settings,--setting", &args->settings,
                "Only these settings (comma-separated): solo, coop-comm, coop-nocomm");
  sub->add_option("--run", args->run, "Only this run name (a folder of --out, e.g. command-a-solo)");
  sub->add_option("--repo", args->repo, "Only this repository folder (e.g. dspy_task)");
  sub->add_option("--reason", args->reason, "Only this reason (e.g. rate_limited)");
  sub->add_flag("--dry-run", args->dry_run, "List the records, move nothing");
  sub->add_option("--out", args->out, "Folder of the records (cbgen --out)")->capture_default_str();
  return [args] { return ExitCode(RunForget(*args, std::cout), "cbgen forget"); };
}

RunSubcommand AddReevalOptions(CLI::App* sub) {
  auto args = std::make_shared<ForgetArgs>();
  sub->add_option("--tag", args->tag, "pass, fail, infra_error, or any (every tag)")->required();
  AddListOption(sub, "--settings,--setting", &args->settings,
                "Only these settings (comma-separated): solo, coop-comm, coop-nocomm");
  sub->add_option("--run", args->run, "Only this run name (a folder of --out, e.g. command-a-solo)");
  sub->add_option("--repo", args->repo, "Only this repository folder (e.g. dspy_task)");
  sub->add_option("--reason", args->reason, "Only this reason (e.g. eval_error)");
  sub->add_flag("--dry-run", args->dry_run, "List the records, change nothing");
  sub->add_option("--out", args->out, "Folder of the records (cbgen --out)")->capture_default_str();
  return [args] { return ExitCode(RunReeval(*args, std::cout), "cbgen reeval"); };
}

}  // namespace cb
