// Headless Chromium for the HTML report's tests: render a page, collect its
// console. Without chromium a test fails in CI and skips elsewhere.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "test_util.h"

namespace cbtest {

// Runs headless Chromium on `page`; returns its exit code and puts the console
// lines ("...:CONSOLE:N] message, source: ...") in `console`.
inline int RunChromium(const std::filesystem::path& work, const std::string& action,
                       const std::filesystem::path& page, std::string* console,
                       std::string* output) {
  const std::filesystem::path profile = work / ("profile-" + std::to_string(::rand()));
  const std::string cmd =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir=" +
      Sh(profile.string()) + " --enable-logging=stderr --v=0 " + action + " " +
      Sh("file://" + page.string()) + " 2>" + Sh((work / "stderr.txt").string());
  CommandResult r = Run(cmd, work);
  *output = r.output;
  std::istringstream err(ReadText(work / "stderr.txt"));
  console->clear();
  for (std::string line; std::getline(err, line);)
    if (line.find(":CONSOLE") != std::string::npos) *console += line + "\n";
  return r.exit_code;
}

}  // namespace cbtest

// Fails in CI, skips elsewhere, without chromium.
#define REQUIRE_CHROMIUM()                                                                      \
  do {                                                                                          \
    if (cbtest::Run("command -v chromium").exit_code != 0) {                                    \
      if (cbtest::InCi()) FAIL() << "chromium is required in CI (apt-get install -y chromium)"; \
      GTEST_SKIP() << "skipped: chromium is not installed (apt-get install -y chromium)";       \
    }                                                                                           \
  } while (0)
