// What the installed cooperbench is: its release (the distribution's metadata,
// read in the interpreter its script starts) and what its `run` accepts (from
// `cooperbench run --help`). Upstream has no --version flag in any release.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cb {

// A cooperbench version "0.0.19" as numbers, compared part by part.
struct ReleaseVersion {
  std::vector<int> parts;
  std::string text;
  friend bool operator<(const ReleaseVersion& a, const ReleaseVersion& b) {
    return a.parts < b.parts;
  }
};
std::optional<ReleaseVersion> ParseReleaseVersion(absl::string_view text);

// The releases cbrun was tested against (tests/integration/upstream_test.cc runs each).
// Older ones are refused; newer ones run, with a warning (UntestedReleaseWarning).
inline constexpr char kOldestSupportedRelease[] = "0.0.11";
inline constexpr char kNewestSupportedRelease[] = "0.0.19";  // the newest tested
// The newest release whose changes upstream's CHANGELOG lists (the contract's
// "Newer releases"); of later ones nothing is known here.
inline constexpr char kNewestKnownRelease[] = "0.0.28";

// How cbgen treats a release.
enum class ReleaseSupport {
  kUnreadable,     // not a version like 0.0.19: refused
  kTooOld,         // before kOldestSupportedRelease: refused
  kTested,         // kOldestSupportedRelease to kNewestSupportedRelease
  kNewerUntested,  // after kNewestSupportedRelease: runs, with a warning
};
// Pure.
ReleaseSupport ClassifyRelease(absl::string_view version);
// Whether cbgen and cbrun run this release (tested, or newer with a warning).
inline bool ReleaseRuns(ReleaseSupport s) {
  return s == ReleaseSupport::kTested || s == ReleaseSupport::kNewerUntested;
}

// A change after the newest tested release, from upstream's CHANGELOG.
struct ReleaseChange {
  const char* since;  // "0.0.23"
  const char* what;
};
// Every known change after kNewestSupportedRelease, oldest first.
const std::vector<ReleaseChange>& ChangesAfterTested();

// Pure: what to tell the user about a release newer than the tested ones:
// that it runs untested, the tested range, the known changes up to `version`
// (and that nothing is known past kNewestKnownRelease), and how to install a
// tested one. One line.
std::string UntestedReleaseWarning(absl::string_view version);
// Before this release `run` has no --log-dir/--dataset-dir and the agent
// `mini_swe_agent` (v1) exists; from it on the mini-SWE-agent is mini_swe_agent_v2.
inline constexpr char kMiniSweAgentV1[] = "mini_swe_agent";
inline constexpr char kMiniSweAgentV2[] = "mini_swe_agent_v2";

struct CooperbenchRelease {
  std::string executable;        // absolute path of the cooperbench script
  std::string interpreter;       // what its #! line starts (for asking Python questions)
  std::string version;           // "0.0.19"
  bool has_log_dir = false;      // `run` accepts --log-dir
  bool has_dataset_dir = false;  // `run` accepts --dataset-dir

  ReleaseSupport Support() const { return ClassifyRelease(version); }
  // mini_swe_agent where the release still has it, else mini_swe_agent_v2
  // (newer, untested releases too).
  std::string DefaultAgent() const;
  // "release 0.0.19 (supported: 0.0.11 to 0.0.19)", "release 0.0.28 (newer
  // than the tested 0.0.11 to 0.0.19: untested)", "release 0.0.10 (older than
  // the supported 0.0.11 to 0.0.19)".
  std::string Describe() const;
  boost::json::value ToJson() const;
  static std::optional<CooperbenchRelease> FromJson(const boost::json::value& v);
};

// Pure: the interpreter command of a script from its first two lines
// ("#!/usr/bin/python3", "#!/usr/bin/env python3", and pip's
// "#!/bin/sh" + "'''exec' \"/long/path/python\" ..." form). Empty when none.
std::vector<std::string> InterpreterOf(absl::string_view script_head);

// Pure: which of the flags cbrun relies on `run --help` lists.
void ReadRunHelp(absl::string_view help, CooperbenchRelease* release);

// Finds `cooperbench` (a bare name is looked up on PATH), asks its interpreter
// for the distribution's version and `run --help` for the flags. An error says
// what is wrong and what to install.
absl::StatusOr<CooperbenchRelease> ProbeCooperbench(const std::string& cooperbench);

// The same without asking `run --help` (has_log_dir and has_dataset_dir stay
// false): enough to know the release and its mini-SWE-agent, in one Python
// start instead of two.
absl::StatusOr<CooperbenchRelease> ProbeCooperbenchRelease(const std::string& cooperbench);

// Asks cooperbench's own interpreter whether its litellm has a price for
// `model`: ok with the price per token, or an error saying why not.
absl::StatusOr<std::string> ProbeModelPrice(const CooperbenchRelease& release,
                                            const std::string& model);

}  // namespace cb
