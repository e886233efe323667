// The record's second link: kept on write, restored after Ninja deleted the
// record, set aside when Ninja's log shows the user deleted it on purpose.
#include "core/record_copy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.h"

namespace {
namespace fs = std::filesystem;

long long MtimeNs(const fs::path& p) {
  struct stat st;
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
}

struct RecordCopy : testing::Test {
  cbtest::TempDir dir;
  fs::path record = dir / "out/run/repo/task1/f1_f2.json";
  fs::path copy = dir / "out/logs/run/repo/task1/f1_f2/record.json";
  fs::path log = dir / ".ninja_log";
  const std::string ninja_name = "out/run/repo/task1/f1_f2.json";

  void SetUp() override {
    fs::create_directories(record.parent_path());
    fs::create_directories(copy.parent_path());
    cbtest::WriteText(record, "{\"tag\":\"pass\"}\n");
    ASSERT_TRUE(cb::KeepRecordCopy(record, copy).ok());
  }
  void Log(long long mtime) {
    cbtest::WriteText(log, "# ninja log v5\n1\t9\t5\tother.json\tab\n1\t9\t" +
                               std::to_string(mtime) + "\t" + ninja_name + "\tcd\n");
  }
};

TEST_F(RecordCopy, IsASecondLinkOfTheRecord) {
  EXPECT_TRUE(fs::equivalent(record, copy));
  EXPECT_EQ(cb::RecordCopyPath(dir / "x"), dir / "x/record.json");
}

TEST_F(RecordCopy, NinjaLogLastEntryForTheOutputWins) {
  cbtest::WriteText(log, "# ninja log v5\n1\t2\t100\ta b.json\th\n3\t4\t200\ta b.json\th\n");
  EXPECT_EQ(cb::NinjaLoggedMtime(log, "a b.json"), 200);
  EXPECT_EQ(cb::NinjaLoggedMtime(log, "a"), -1);
  EXPECT_EQ(cb::NinjaLoggedMtime(dir / "missing", "a b.json"), -1);
}

TEST_F(RecordCopy, RecordNinjaNeverAcceptedIsRestored) {
  Log(MtimeNs(copy) - 1);  // an older acceptance: an earlier record, not this one
  fs::remove(record);
  absl::StatusOr<cb::RecoveryResult> r = cb::RecoverRecord(record, ninja_name, copy, log);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recovery, cb::Recovery::kRestored);
  EXPECT_EQ(cbtest::ReadText(record), "{\"tag\":\"pass\"}\n");
}

TEST_F(RecordCopy, WithoutNinjaLogTheRecordIsRestored) {
  fs::remove(record);
  absl::StatusOr<cb::RecoveryResult> r = cb::RecoverRecord(record, ninja_name, copy, log);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recovery, cb::Recovery::kRestored);
  EXPECT_TRUE(fs::exists(record));
}

TEST_F(RecordCopy, RecordTheUserDeletedAfterNinjaAcceptedItIsSetAside) {
  Log(MtimeNs(copy));
  fs::remove(record);
  absl::StatusOr<cb::RecoveryResult> r = cb::RecoverRecord(record, ninja_name, copy, log);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recovery, cb::Recovery::kSetAside);
  EXPECT_FALSE(fs::exists(record));
  EXPECT_FALSE(fs::exists(copy));
  EXPECT_EQ(cbtest::ReadText(copy.parent_path() / "record.deleted-1.json"), "{\"tag\":\"pass\"}\n");
}

TEST_F(RecordCopy, NoCopyMeansNothingToRecover) {
  fs::remove(record);
  fs::remove(copy);
  absl::StatusOr<cb::RecoveryResult> r = cb::RecoverRecord(record, ninja_name, copy, log);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->recovery, cb::Recovery::kNothing);
}

}  // namespace
