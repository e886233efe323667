// The one walk over OUT's records: what it visits and what it leaves out, for
// report/status/forget, --budget-warn and the history behind longest-first.
#include "core/records_tree.h"

#include <gtest/gtest.h>

#include <set>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;

std::set<std::string> Visited(const fs::path& out, absl::string_view run_prefix = "") {
  std::set<std::string> seen;
  cb::ForEachRecordFile(
      out,
      [&](const fs::path& file, absl::string_view run_folder) {
        const std::string rel = file.lexically_relative(out).string();
        EXPECT_EQ(rel.substr(0, rel.find('/')), run_folder) << rel;
        EXPECT_TRUE(seen.insert(rel).second) << "twice: " << rel;
      },
      run_prefix);
  return seen;
}

TEST(RecordsTree, VisitsRecordsOnlyAtTheirDepthOutsideOutsOwnFolders) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  for (const char* file :
       {"command-a-solo/dspy_task/task1/f1_f2.json", "command-a-solo/dspy_task/task1/f1_f3.json",
        "command-a-coop-comm/dspy_task/task1/f1_f2.json",
        "other-solo/go_chi_task/task26/f1_f2.json",
        // Not records:
        "config.json", "plan.json", "command-a-solo/stray.json", "command-a-solo/dspy_task/x.json",
        "command-a-solo/dspy_task/task1/f1_f2/deeper.json",
        "command-a-solo/dspy_task/task1/.f1_f4.json.tmp.AbC123",
        "command-a-solo/dspy_task/task1/notes.txt",
        "logs/command-a-solo/dspy_task/task1/f1_f2.json",
        "forgotten/20260101T000000Z/command-a-solo/dspy_task/task1.json", "forgotten/x/y/z.json",
        "services/a/b/c.json", "images/a/b/c.json", "locks/a/b/c.json"})
    cbtest::WriteText(out / file, "{}");
  fs::create_directories(out / "command-a-solo/dspy_task/task1/f9_f10.json");  // a folder
  EXPECT_EQ(Visited(out), (std::set<std::string>{"command-a-coop-comm/dspy_task/task1/f1_f2.json",
                                                 "command-a-solo/dspy_task/task1/f1_f2.json",
                                                 "command-a-solo/dspy_task/task1/f1_f3.json",
                                                 "other-solo/go_chi_task/task26/f1_f2.json"}));
  EXPECT_EQ(Visited(out, "command-a-"),
            (std::set<std::string>{"command-a-coop-comm/dspy_task/task1/f1_f2.json",
                                   "command-a-solo/dspy_task/task1/f1_f2.json",
                                   "command-a-solo/dspy_task/task1/f1_f3.json"}));
  EXPECT_TRUE(Visited(dir / "missing").empty());
}

TEST(RecordsTree, ReservedFolders) {
  for (const char* name : {"logs", "images", "services", "forgotten", "locks"})
    EXPECT_TRUE(cb::IsReservedOutFolder(name)) << name;
  EXPECT_FALSE(cb::IsReservedOutFolder("command-a-solo"));
}

}  // namespace
