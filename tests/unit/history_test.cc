// What cbgen reads from OUT's records before planning: a record's pair from
// its path alone, and one walk giving durations (own run prefix) and every
// record (any prefix).
#include "generator/history.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/record.h"
#include "test_util.h"

namespace cb {
namespace {

namespace fs = std::filesystem;

TEST(RecordedPairFromPath, ReadsRunRepoTaskAndPair) {
  auto rec =
      RecordedPairFromPath("/x/out/command-a-solo/dspy_task/task8394/f3_f4.json", "command-a-solo");
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->run_name, "command-a-solo");
  EXPECT_EQ(rec->pair, (PairId{"dspy_task", 8394, 3, 4}));
}

TEST(RecordedPairFromPath, RefusesWhatCbgenNeverNames) {
  for (const char* path : {
           "out/r-solo/dspy_task/task8394/notes.json",   // not fA_fB
           "out/r-solo/dspy_task/task8394/f4_f3.json",   // not smaller first
           "out/r-solo/dspy_task/task08394/f3_f4.json",  // not as cbgen spells the id
           "out/r-solo/dspy_task/8394/f3_f4.json",       // no "task"
           "out/r-solo/dspy_task/task8394/f+3_f4.json",  // not as cbgen spells a feature
           "out/r-solo/Dspy Task/task8394/f3_f4.json",   // not a repo folder name
       })
    EXPECT_FALSE(RecordedPairFromPath(path, "r-solo").has_value()) << path;
  EXPECT_FALSE(RecordedPairFromPath("out/r solo/dspy_task/task8394/f3_f4.json", "r solo"));
}

TEST(ReadOutHistory, OneWalkForDurationsAndEveryRecord) {
  cbtest::TempDir dir;
  const fs::path out = dir / "out";
  auto record = [&](const std::string& run, int a, int b, double duration) {
    Record r;  // as cbrun writes it
    r.setting = absl::EndsWith(run, "-coop-comm") ? Setting::kCoopComm : Setting::kSolo;
    r.run_name = run;
    r.pair = PairId{"dspy_task", 8394, a, b};
    r.model = "command-a-03-2025";
    r.agent = "mini_swe_agent";
    r.duration_s = duration;
    const fs::path p = out / run / "dspy_task/task8394" / (PairFolder(a, b) + ".json");
    fs::create_directories(p.parent_path());
    ASSERT_TRUE(WriteRecord(p, r).ok());
  };
  record("command-a-solo", 1, 2, 10);
  record("command-a-coop-comm", 1, 2, 30);
  record("gpt-4o-solo", 3, 4, 99);
  cbtest::WriteText(out / "command-a-solo/dspy_task/task8394/f2_f3.json", "not json");
  // Not a record the reports can read (no tag, setting or cost): no duration.
  cbtest::WriteText(out / "command-a-solo/dspy_task/task8394/f1_f3.json",
                    R"({"repo":"dspy_task","task_id":8394,"features":[1,3],"duration_s":5})");
  fs::create_directories(out / "logs/command-a-solo/dspy_task/task8394/f1_f2");
  cbtest::WriteText(out / "logs/command-a-solo/dspy_task/task8394/f1_f2.json", "{}");

  const OutHistory h = ReadOutHistory(out, "command-a");
  // Durations: own prefix only, any setting, unreadable records left out.
  EXPECT_EQ(h.durations, (DurationHistory{{PairId{"dspy_task", 8394, 1, 2}, 20.0}}));
  // Records: every one, whatever its prefix or content; logs/ is not a run folder.
  std::set<std::string> names;
  for (const RecordedPair& r : h.records)
    names.insert(absl::StrCat(r.run_name, " ", r.pair.feature_a, "_", r.pair.feature_b));
  EXPECT_EQ(names, (std::set<std::string>{"command-a-coop-comm 1_2", "command-a-solo 1_2",
                                          "command-a-solo 1_3", "command-a-solo 2_3",
                                          "gpt-4o-solo 3_4"}));
  // Makers: the model and agent of each own run's readable records, once.
  ASSERT_EQ(h.makers.count("command-a-solo"), 1u);
  ASSERT_EQ(h.makers.at("command-a-solo").size(), 1u);
  EXPECT_EQ(h.makers.at("command-a-solo")[0].model, "command-a-03-2025");
  EXPECT_EQ(h.makers.at("command-a-solo")[0].agent, "mini_swe_agent");
  EXPECT_EQ(h.makers.count("gpt-4o-solo"), 0u);
  EXPECT_TRUE(ReadOutHistory(dir / "missing", "command-a").records.empty());
}

}  // namespace
}  // namespace cb
