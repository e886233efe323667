// Issue 4, disk: the end-to-end half, on a 24 kB tmpfs: with too little room
// under Docker's root dir, ninja stops before the first pull and the message
// names the dir, free and needed space, and how to move Docker's data root.
// (The check itself: unit/disk_check_test.cc.)
#include <gtest/gtest.h>

#include <sys/mount.h>

#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;

TEST(DiskEndToEnd, SmallDockerRootStopsNinjaBeforeTheFirstPull) {
  CBTEST_REQUIRE_DOCKER();
  cbtest::Experiment x;
  const fs::path small = x.dir / "docker-root";
  fs::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=24k") != 0) {
    if (cbtest::InCi()) FAIL() << "mount -t tmpfs needs root in CI: " << std::strerror(errno);
    GTEST_SKIP() << "skipped: cannot mount a tmpfs (needs root)";
  }
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{small};
  // A docker whose root dir is the tmpfs and which has none of the images.
  const fs::path docker = x.dir / "docker";
  cbtest::WriteText(docker,
                    "#!/bin/sh\n"
                    "case \"$1\" in\n"
                    "  info) echo " +
                        cbtest::Sh(small.string()) +
                        " ;;\n"
                        "  image) exit 1 ;;\n"
                        "  pull) echo \"$*\" >>" +
                        cbtest::Sh((x.dir / "pulls").string()) +
                        "; exit 1 ;;\n"
                        "  *) exec docker \"$@\" ;;\n"
                        "esac\n");
  fs::permissions(docker, fs::perms::owner_all);
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 1);
  ASSERT_EQ(x.Generate(cbtest::Sh(subset.string()),
                       "--settings solo --docker " + cbtest::Sh(docker.string()))
                .exit_code,
            0);
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "");
  EXPECT_NE(run.exit_code, 0);
  for (const std::string& want : {small.string(), std::string("kB free"), std::string("2.0 GB"),
                                  std::string("data-root"), std::string("/etc/docker/daemon.json")})
    EXPECT_NE(run.output.find(want), std::string::npos) << want << " in: " << run.output;
  EXPECT_FALSE(fs::exists(x.dir / "pulls"))
      << "pulled anyway: " << cbtest::ReadText(x.dir / "pulls");
  EXPECT_EQ(x.Calls(), 0u);
}

}  // namespace
