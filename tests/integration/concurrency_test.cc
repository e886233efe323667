// Issue 5, item 3: two ninja processes on one folder never run the same pair
// twice: the per-pair lock makes the loser wait, find the record and leave.
#include <gtest/gtest.h>

#include "interrupt_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

TEST(Concurrency, TwoNinjasOnOneFolderStartEachPairExactlyOnce) {
  Experiment x;
  const fs::path subset = WriteMiniSubset(x, AllTenPairs());
  // Slow enough that both ninjas reach the same pairs while they run.
  cbtest::WriteText(x.plan(), R"({"default":["pass:1"]})");
  ASSERT_EQ(GenerateCloud(x, subset, "solo,coop-nocomm").exit_code, 0);

  const std::string cmd = x.Env() + KeyEnv() + "exec ninja -j3";
  Job first(cmd, x.dir.path(), x.dir / "ninja1.log");
  Job second(cmd, x.dir.path(), x.dir / "ninja2.log");
  std::optional<int> a = first.Wait(300);
  std::optional<int> b = second.Wait(300);
  ASSERT_TRUE(a && b) << "a ninja did not finish";
  EXPECT_EQ(*a, 0) << cbtest::ReadText(x.dir / "ninja1.log");
  EXPECT_EQ(*b, 0) << cbtest::ReadText(x.dir / "ninja2.log");

  const auto records = cbtest::FindRecords(x.out());
  ASSERT_EQ(records.size(), 20u);
  EXPECT_EQ(ExpectRecordsParse(x.out()), 20u);
  const auto calls = CallsPerPair(x);
  EXPECT_EQ(calls.size(), 20u);
  for (const auto& [pair, n] : calls) EXPECT_EQ(n, 1) << pair << " started " << n << " times";
  for (const fs::path& r : records) {
    boost::json::value v = cbtest::ReadJson(r);
    EXPECT_EQ(v.at("tag"), "pass") << r;
    EXPECT_EQ(v.at("agent_attempts"), 1) << r;
  }
  // Both really worked on the same pairs: the loser of a lock saw the record.
  const std::string both =
      cbtest::ReadText(x.dir / "ninja1.log") + cbtest::ReadText(x.dir / "ninja2.log");
  EXPECT_NE(both.find("recorded meanwhile by another runner"), std::string::npos) << both;
  EXPECT_TRUE(Leftovers(x.out()).empty());
}

}  // namespace
