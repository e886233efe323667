#include "core/cooperbench_release.h"

#include <unistd.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "util/json_read.h"
#include "util/process.h"

namespace cb {
namespace {

// Python start-up plus importing cooperbench's CLI can take seconds on a cold disk.
constexpr double kProbeTimeoutS = 60;

// Run as `INTERPRETER -c kVersionProgram SCRIPT`: the version the script itself
// sees (a running script has its own folder first on sys.path). It first looks
// for the distribution's metadata folder on sys.path itself, in
// importlib.metadata's order (folder by folder, the name normalized), because
// importing importlib.metadata costs ~35 ms of a ~45 ms probe that every
// `cbgen` without --agent pays; anything unusual (a zipped egg, a custom
// finder) falls back to importlib.metadata.
constexpr char kVersionProgram[] =
    "import os, sys\n"
    "sys.path.insert(0, os.path.dirname(os.path.realpath(sys.argv[1])))\n"
    "def scan():\n"
    "    for d in sys.path:\n"
    "        try:\n"
    "            names = sorted(os.listdir(d or '.'))\n"
    "        except OSError:\n"
    "            continue\n"
    "        for n in names:\n"
    "            base, ext = os.path.splitext(n)\n"
    "            if ext not in ('.dist-info', '.egg-info'):\n"
    "                continue\n"
    "            if base.split('-')[0].lower().replace('.', '_') != 'cooperbench':\n"
    "                continue\n"
    "            meta = 'METADATA' if ext == '.dist-info' else 'PKG-INFO'\n"
    "            try:\n"
    "                with open(os.path.join(d or '.', n, meta), encoding='utf-8') as f:\n"
    "                    for line in f:\n"
    "                        if line.startswith('Version:'):\n"
    "                            return line.split(':', 1)[1].strip()\n"
    "                        if not line.strip():\n"
    "                            break\n"
    "            except OSError:\n"
    "                pass\n"
    "    return None\n"
    "v = scan()\n"
    "if v is None:\n"
    "    import importlib.metadata as m\n"
    "    v = m.version('cooperbench')\n"
    "print(v)\n";

// Run as `INTERPRETER -c kPriceProgram MODEL`: what litellm charges per token,
// after registering LITELLM_MODEL_REGISTRY_PATH as upstream's agent does.
constexpr char kPriceProgram[] =
    "import json, os, sys\n"
    "import litellm\n"
    "p = os.environ.get('LITELLM_MODEL_REGISTRY_PATH')\n"
    "if p:\n"
    "    litellm.utils.register_model(json.load(open(p)))\n"
    "try:\n"
    "    info = litellm.get_model_info(sys.argv[1])\n"
    "except Exception as e:\n"
    "    print('unpriced:', str(e).splitlines()[0] if str(e) else type(e).__name__)\n"
    "    sys.exit(3)\n"
    "i, o = info.get('input_cost_per_token') or 0, info.get('output_cost_per_token') or 0\n"
    "if not i and not o:\n"
    "    print('unpriced: litellm lists the model with a price of 0')\n"
    "    sys.exit(3)\n"
    "print('USD %g per input token, %g per output token' % (i, o))\n";

// The last line that is not blank: a program's answer after any warnings
// its imports printed first.
std::string LastLine(const std::string& text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  return lines.empty() ? "" : std::string(absl::StripAsciiWhitespace(lines.back()));
}

}  // namespace

std::optional<ReleaseVersion> ParseReleaseVersion(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  ReleaseVersion v;
  v.text = std::string(text);
  for (absl::string_view part : absl::StrSplit(text, '.')) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n < 0) return std::nullopt;
    v.parts.push_back(n);
  }
  if (v.parts.empty()) return std::nullopt;
  return v;
}

ReleaseSupport ClassifyRelease(absl::string_view version) {
  std::optional<ReleaseVersion> v = ParseReleaseVersion(version);
  if (!v) return ReleaseSupport::kUnreadable;
  if (*v < *ParseReleaseVersion(kOldestSupportedRelease)) return ReleaseSupport::kTooOld;
  if (*ParseReleaseVersion(kNewestSupportedRelease) < *v) return ReleaseSupport::kNewerUntested;
  return ReleaseSupport::kTested;
}

const std::vector<ReleaseChange>& ChangesAfterTested() {
  // The contract's "Newer releases" (upstream's CHANGELOG and the few newer
  // files read): nothing listed changes run's or eval's flags, the log layout
  // or the fields of result.json and eval.json.
  static const std::vector<ReleaseChange> changes = {
      {"0.0.20", "optional token-id capture, off by default"},
      {"0.0.23",
       "an agent's work is graded from the pull request it opens, and an agent that opens none "
       "submits nothing (\"NO PR OPENED by <agent>: submitting nothing\", an empty patch), which "
       "cbgen records as fail/no_submission"},
      {"0.0.24", "an agent that opened no pull request is graded from its branch diff"},
      {"0.0.25", "sandbox commands get stdin from /dev/null and a per-command timeout (300 s)"},
      {"0.0.28", "test files the agent wrote are stripped from its patch"},
  };
  return changes;
}

std::string UntestedReleaseWarning(absl::string_view version) {
  std::optional<ReleaseVersion> v = ParseReleaseVersion(version);
  std::vector<std::string> known;
  for (const ReleaseChange& c : ChangesAfterTested())
    if (v && !(*v < *ParseReleaseVersion(c.since)))
      known.push_back(absl::StrCat(c.since, ": ", c.what));
  std::string text =
      absl::StrCat("cooperbench ", version, " is newer than the releases cbgen was tested with (",
                   kOldestSupportedRelease, " to ", kNewestSupportedRelease,
                   "): it runs, untested. Known to differ (upstream's CHANGELOG): ",
                   known.empty() ? "nothing cbgen relies on" : absl::StrJoin(known, "; "),
                   "; no change to run's or eval's flags or files is listed");
  if (v && *ParseReleaseVersion(kNewestKnownRelease) < *v)
    absl::StrAppend(&text, "; nothing is known of releases after ", kNewestKnownRelease);
  absl::StrAppend(&text,
                  ". For a tested release: pip install 'cooperbench>=", kOldestSupportedRelease,
                  ",<=", kNewestSupportedRelease, "'");
  return text;
}

std::string CooperbenchRelease::DefaultAgent() const {
  std::optional<ReleaseVersion> v = ParseReleaseVersion(version);
  return v && *v < *ParseReleaseVersion("0.0.12") ? kMiniSweAgentV1 : kMiniSweAgentV2;
}

std::string CooperbenchRelease::Describe() const {
  const std::string range = absl::StrCat(kOldestSupportedRelease, " to ", kNewestSupportedRelease);
  switch (Support()) {
    case ReleaseSupport::kTested:
      return absl::StrCat("release ", version, " (supported: ", range, ")");
    case ReleaseSupport::kNewerUntested:
      return absl::StrCat("release ", version, " (newer than the tested ", range, ": untested)");
    case ReleaseSupport::kTooOld:
      return absl::StrCat("release ", version, " (older than the supported ", range, ")");
    case ReleaseSupport::kUnreadable: break;
  }
  return absl::StrCat("release \"", version, "\" (not a version; supported: ", range, ")");
}

boost::json::value CooperbenchRelease::ToJson() const {
  return boost::json::object{{"executable", executable},
                             {"interpreter", interpreter},
                             {"version", version},
                             {"has_log_dir", has_log_dir},
                             {"has_dataset_dir", has_dataset_dir}};
}

std::optional<CooperbenchRelease> CooperbenchRelease::FromJson(const boost::json::value& v) {
  CooperbenchRelease r;
  std::optional<std::string> exe = StringField(v, "executable");
  std::optional<std::string> version = StringField(v, "version");
  std::optional<bool> log_dir = BoolField(v, "has_log_dir");
  std::optional<bool> dataset_dir = BoolField(v, "has_dataset_dir");
  if (!exe || !version || !log_dir || !dataset_dir) return std::nullopt;
  r.executable = *exe;
  r.interpreter = StringField(v, "interpreter").value_or("");
  r.version = *version;
  r.has_log_dir = *log_dir;
  r.has_dataset_dir = *dataset_dir;
  return r;
}

std::vector<std::string> InterpreterOf(absl::string_view head) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, '\n');
  if (lines.empty() || !absl::ConsumePrefix(&lines[0], "#!")) return {};
  std::vector<std::string> cmd = absl::StrSplit(absl::StripAsciiWhitespace(lines[0]),
                                                absl::ByAnyChar(" \t"), absl::SkipEmpty());
  // pip writes "#!/bin/sh" + "'''exec' "/path/python" "$0" "$@"" when the
  // interpreter's path is too long for a #! line.
  if (!cmd.empty() && (cmd[0] == "/bin/sh" || cmd[0] == "/bin/bash") && lines.size() > 1) {
    absl::string_view second = lines[1];
    if (absl::ConsumePrefix(&second, "'''exec' \"")) {
      size_t end = second.find('"');
      if (end != absl::string_view::npos) return {std::string(second.substr(0, end))};
    }
  }
  return cmd;
}

void ReadRunHelp(absl::string_view help, CooperbenchRelease* release) {
  release->has_log_dir = absl::StrContains(help, "--log-dir");
  release->has_dataset_dir = absl::StrContains(help, "--dataset-dir");
}

absl::StatusOr<CooperbenchRelease> ProbeCooperbenchRelease(const std::string& cooperbench) {
  CooperbenchRelease r;
  r.executable = FindExecutable(cooperbench);
  if (r.executable.empty() || ::access(r.executable.c_str(), X_OK) != 0)
    return absl::NotFoundError(absl::StrCat(
        cooperbench, " not found", cooperbench.find('/') == std::string::npos ? " on PATH" : "",
        ": install it (pip install 'cooperbench>=", kOldestSupportedRelease,
        ",<=", kNewestSupportedRelease, "') or pass --cooperbench PATH"));
  std::string head(256, '\0');
  {
    std::ifstream in(r.executable, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
  }
  std::vector<std::string> interpreter = InterpreterOf(head);
  if (interpreter.empty())
    return absl::FailedPreconditionError(
        absl::StrCat(r.executable,
                     " has no #! line naming a Python interpreter, so its release cannot be "
                     "read: pass --cooperbench with the script pip installed"));
  r.interpreter = absl::StrJoin(interpreter, " ");

  std::vector<std::string> ask_version = interpreter;
  ask_version.insert(ask_version.end(), {"-c", kVersionProgram, r.executable});
  ProcessResult version = Capture(ask_version, kProbeTimeoutS);
  if (!version.ok() || !ParseReleaseVersion(LastLine(version.output)))
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the release of ", r.executable, " (", r.interpreter, " says: ",
                     version.timed_out ? "no answer"
                     : version.started ? FirstLine(version.output)
                                       : version.start_error,
                     "): reinstall it with pip install 'cooperbench>=", kOldestSupportedRelease,
                     ",<=", kNewestSupportedRelease, "'"));
  r.version = LastLine(version.output);
  return r;
}

absl::StatusOr<CooperbenchRelease> ProbeCooperbench(const std::string& cooperbench) {
  absl::StatusOr<CooperbenchRelease> probed = ProbeCooperbenchRelease(cooperbench);
  if (!probed.ok()) return probed.status();
  CooperbenchRelease& r = *probed;
  ProcessResult help = Capture({r.executable, "run", "--help"}, kProbeTimeoutS);
  if (!help.ok())
    return absl::FailedPreconditionError(absl::StrCat(r.executable, " run --help failed (",
                                                      help.timed_out ? "no answer"
                                                      : help.started ? FirstLine(help.output)
                                                                     : help.start_error,
                                                      "): check that cooperbench ", r.version,
                                                      " is installed completely"));
  ReadRunHelp(help.output, &r);
  return probed;
}

absl::StatusOr<std::string> ProbeModelPrice(const CooperbenchRelease& release,
                                            const std::string& model) {
  std::vector<std::string> argv = absl::StrSplit(release.interpreter, ' ', absl::SkipEmpty());
  argv.insert(argv.end(), {"-c", kPriceProgram, model});
  // litellm would otherwise fetch its price list from the network at import.
  ProcessResult price = Capture(argv, kProbeTimeoutS, {{"LITELLM_LOCAL_MODEL_COST_MAP", "True"}});
  if (price.ok()) return LastLine(price.output);
  return absl::NotFoundError(price.exit_code == 3
                                 ? LastLine(price.output)
                                 : absl::StrCat("cannot ask litellm: ", price.started
                                                                            ? LastLine(price.output)
                                                                            : price.start_error));
}

}  // namespace cb
