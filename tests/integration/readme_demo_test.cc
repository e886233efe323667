// The README's demo ("See it work without cooperbench"), run as written: its shell block is read
// from README.md and run in a fresh folder that sees this checkout's tests/ (the demo's paths are
// relative to the checkout) with this build's cbgen and cbrun first on PATH. Issue 24 item 12: the
// report it ends with looks like a real experiment's (a gap, failures and their reasons), not 200
// passes.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_replace.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;

// The first ```sh block after the demo's heading, or "".
std::string DemoBlock() {
  const std::string readme = cbtest::ReadText(cbtest::SourceDir() / "README.md");
  const size_t heading = readme.find("### See it work without cooperbench");
  if (heading == std::string::npos) return "";
  const size_t open = readme.find("```sh\n", heading);
  if (open == std::string::npos) return "";
  const size_t start = open + 6;
  return readme.substr(start, readme.find("```", start) - start);
}

TEST(ReadmeDemo, RunsAsWrittenAndItsReportShowsAMix) {
  const std::string block = DemoBlock();
  ASSERT_NE(block.find("cbgen report"), std::string::npos) << "no demo block in README.md";
  ASSERT_NE(block.find("/tmp/cbgen-demo-dataset"), std::string::npos) << block;
  cbtest::TempDir dir;
  fs::create_directory_symlink(cbtest::SourceDir() / "tests", dir / "tests");
  // The dataset in this test's own folder, not the shared /tmp one.
  const std::string commands =
      absl::StrReplaceAll(block, {{"/tmp/cbgen-demo-dataset", (dir / "dataset").string()}});
  const std::string bin = fs::path(cbtest::Cbgen()).parent_path().string();
  cbtest::CommandResult r = cbtest::Run(
      "PATH=" + cbtest::Sh(bin) + ":\"$PATH\"; export PATH; set -e\n" + commands, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.output.substr(r.output.size() > 4000 ? r.output.size() - 4000 : 0);
  EXPECT_EQ(cbtest::FindRecords(dir / "out").size(), 200u);
  const std::string& out = r.output;
  for (const char* want : {"Coordination gap", "coop-nocomm  gap +", "Failure reasons",
                           "tests_failed"})
    EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
  EXPECT_EQ(out.find("gap +0.0 points"), std::string::npos) << out;
}

}  // namespace
