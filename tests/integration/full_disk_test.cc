// Issue 5, item 4: OUT on a full (or read-only) file system. ninja and cbgen
// fail with a clear message and a non-zero exit; no record is ever truncated,
// no temporary file is left behind, and a failed cbgen leaves build.ninja and
// config.json as they were. Needs root to mount a tiny tmpfs.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "interrupt_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

// A tmpfs of `size` (e.g. "24k") mounted on `dir` for the test's lifetime.
class TinyMount {
 public:
  TinyMount(const fs::path& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    const std::string opts = "size=" + size + ",mode=0755";
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) == 0)
      mounted_ = true;
    else
      why_ = std::string("mount -t tmpfs -o ") + opts + " tmpfs " + dir.string() + ": " +
             std::strerror(errno);
  }
  ~TinyMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  const std::string& why_not() const { return why_; }
  bool Remount(unsigned long flags, const std::string& size) {
    const std::string opts = "size=" + size;
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | flags, opts.c_str()) == 0;
  }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string why_;
};

#define REQUIRE_MOUNT(m)                                                         \
  do {                                                                           \
    if (!(m).why_not().empty()) {                                                \
      if (cbtest::InCi()) FAIL() << "CI must allow mounting: " << (m).why_not(); \
      GTEST_SKIP() << "skipped: cannot mount a tmpfs (" << (m).why_not() << ")"; \
    }                                                                            \
  } while (0)

// Fills the file system holding `dir` until a write fails with ENOSPC.
void Fill(const fs::path& dir) {
  std::ofstream f(dir / "filler", std::ios::binary);
  const std::string block(1024, 'x');
  for (int i = 0; i < 1 << 20 && f; ++i) f.write(block.data(), block.size()), f.flush();
}

TEST(FullDisk, NinjaFailsClearlyAndEveryRecordParses) {
  Experiment x;
  TinyMount mount(x.out(), "24k");
  REQUIRE_MOUNT(mount);
  const fs::path subset = WriteMiniSubset(x, AllTenPairs());
  cbtest::CommandResult gen = GenerateCloud(x, subset, "solo");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;

  cbtest::CommandResult run = NinjaWithKey(x, "-j2 -k 0");
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("No space left on device"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("free some disk space"), std::string::npos) << run.output;
  // Whatever got written is whole; nothing half-written is left lying around.
  ExpectRecordsParse(x.out());
  EXPECT_TRUE(Leftovers(x.out()).empty()) << Leftovers(x.out()).front();
  EXPECT_LT(cbtest::FindRecords(x.out()).size(), 10u) << "24 kB cannot hold every record";
}

// An attempt that failed because OUT is full is the disk's fault, not the
// pair's: recording it as infra_error would make the pair "finished" for good.
TEST(FullDisk, AFullDiskIsNotRecordedAsTheOutcomeOfAPair) {
  Experiment x;
  TinyMount mount(x.out(), "24k");
  REQUIRE_MOUNT(mount);
  const fs::path subset = WriteMiniSubset(x, AllTenPairs());
  ASSERT_EQ(GenerateCloud(x, subset, "solo").exit_code, 0);
  cbtest::CommandResult run = NinjaWithKey(x, "-j2 -k 0");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("no record was written"), std::string::npos) << run.output;
  for (const fs::path& r : cbtest::FindRecords(x.out()))
    EXPECT_EQ(cbtest::ReadJson(r).at("tag"), "pass") << r << ": " << cbtest::ReadText(r);
}

TEST(FullDisk, CbgenFailsAndLeavesBuildNinjaAndConfigAsTheyWere) {
  Experiment x;
  TinyMount mount(x.out(), "24k");
  REQUIRE_MOUNT(mount);
  const fs::path subset = WriteMiniSubset(x, {{1, 2}});
  ASSERT_EQ(GenerateCloud(x, subset, "solo").exit_code, 0);
  const fs::path ninja_file = x.dir / "build.ninja";
  const std::string ninja_before = cbtest::ReadText(ninja_file);
  const auto mtime_before = fs::last_write_time(ninja_file);
  const std::string config_before = cbtest::ReadText(x.out() / "config.json");
  const std::string plan_before = cbtest::ReadText(x.out() / "plan.json");

  Fill(x.out());
  cbtest::CommandResult gen = GenerateCloud(x, subset, "solo", "--timeout 99");
  EXPECT_NE(gen.exit_code, 0) << gen.output;
  EXPECT_NE(gen.output.find("No space left on device"), std::string::npos) << gen.output;
  // It names the file it could not write (plan.json comes first, then config.json).
  EXPECT_TRUE(gen.output.find("out/plan.json") != std::string::npos ||
              gen.output.find("out/config.json") != std::string::npos)
      << gen.output;
  EXPECT_EQ(cbtest::ReadText(ninja_file), ninja_before);
  EXPECT_EQ(fs::last_write_time(ninja_file), mtime_before);
  EXPECT_EQ(cbtest::ReadText(x.out() / "config.json"), config_before);
  EXPECT_EQ(cbtest::ReadText(x.out() / "plan.json"), plan_before);
  EXPECT_TRUE(Leftovers(x.out()).empty());
}

TEST(FullDisk, ReadOnlyOutFailsWithAClearMessage) {
  Experiment x;
  TinyMount mount(x.out(), "64k");
  REQUIRE_MOUNT(mount);
  const fs::path subset = WriteMiniSubset(x, {{1, 2}});
  ASSERT_EQ(GenerateCloud(x, subset, "solo").exit_code, 0);
  ASSERT_TRUE(mount.Remount(MS_RDONLY, "64k")) << std::strerror(errno);

  cbtest::CommandResult run = NinjaWithKey(x);
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("Read-only file system"), std::string::npos) << run.output;
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
  EXPECT_EQ(x.Calls(), 0u) << "nothing is paid for when nothing can be recorded";

  const std::string ninja_before = cbtest::ReadText(x.dir / "build.ninja");
  cbtest::CommandResult gen = GenerateCloud(x, subset, "solo", "--timeout 99");
  EXPECT_NE(gen.exit_code, 0) << gen.output;
  EXPECT_NE(gen.output.find("Read-only file system"), std::string::npos) << gen.output;
  EXPECT_NE(gen.output.find("--out"), std::string::npos) << "names the fix: " << gen.output;
  EXPECT_EQ(cbtest::ReadText(x.dir / "build.ninja"), ninja_before);
}

}  // namespace
