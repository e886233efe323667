// Issue 4, disk: before a pull, Docker's root dir must have --min-free-gb per
// image still to pull; the message names the dir, free and needed space, and
// how to move Docker's data root. (End to end on a tmpfs:
// integration/disk_check_e2e_test.cc.)
#include <gtest/gtest.h>

#include "core/disk_check.h"
#include "test_util.h"

namespace {

TEST(CheckDisk, EnoughRoomOrNothingToPullIsFine) {
  EXPECT_TRUE(cb::CheckDisk({"/var/lib/docker", 50'000'000'000ull, 20, 2}).ok());
  EXPECT_TRUE(cb::CheckDisk({"/var/lib/docker", 40'000'000'000ull, 20, 2}).ok());
  EXPECT_TRUE(cb::CheckDisk({"/var/lib/docker", 1000, 0, 2}).ok());
}

TEST(CheckDisk, TooLittleNamesDirFreeNeededAndTheFix) {
  absl::Status s = cb::CheckDisk({"/var/lib/docker", 39'000'000'000ull, 20, 2});
  ASSERT_FALSE(s.ok());
  const std::string m(s.message());
  for (const char* want : {"/var/lib/docker", "39.0 GB free", "20 images", "40.0 GB", "data-root",
                           "/etc/docker/daemon.json", "--min-free-gb"})
    EXPECT_NE(m.find(want), std::string::npos) << want << " in: " << m;
}

TEST(ImagesStillToPull, CountsMissingStamps) {
  cbtest::TempDir dir;
  EXPECT_EQ(cb::ImagesStillToPull(dir / "images", 26), 26);
  cbtest::WriteText(dir / "images" / "a-task1.stamp", "{}");
  cbtest::WriteText(dir / "images" / "b-task2.stamp", "{}");
  cbtest::WriteText(dir / "images" / "notes.txt", "");
  EXPECT_EQ(cb::ImagesStillToPull(dir / "images", 26), 24);
  EXPECT_EQ(cb::ImagesStillToPull(dir / "images", 1), 0);
}

}  // namespace
