// Issue 4, `cbgen doctor`: one line per check, a clear verdict, the key's
// name but never its value, non-zero exit when a check fails.
#include <gtest/gtest.h>

#include "services_test_util.h"

namespace {

using cbtest::Sh;

std::string Doctor(const std::string& env, const std::string& args) {
  return env + " " + Sh(cbtest::Cbgen()) + " doctor --dataset-dir " +
         Sh(cbtest::DatasetDir().string()) + " --cooperbench " + Sh(cbtest::FakeCooperbench()) +
         " " + args;
}

TEST(Doctor, MissingKeyFailsNamingIt) {
  CBTEST_REQUIRE_DOCKER();
  cbtest::TempDir dir;
  cbtest::CommandResult r =
      cbtest::Run(Doctor("env -u COHERE_API_KEY", "flash --settings solo"), dir.path());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("FAIL  COHERE_API_KEY: COHERE_API_KEY is not set"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ok    docker: daemon"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok    cooperbench:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("release 0.0.19 (supported: 0.0.11 to 0.0.19)"), std::string::npos)
      << "the release and the supported range are shown: " << r.output;
  EXPECT_NE(r.output.find("mini-SWE-agent mini_swe_agent_v2"), std::string::npos) << r.output;
  // The double has no litellm: doctor says the price is unknown and how to register one.
  EXPECT_NE(r.output.find("warn  price: cooperbench's litellm has no price for command-a-03-2025"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("LITELLM_MODEL_REGISTRY_PATH"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok    dataset:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("20 tasks, 50 pairs"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("doctor: 1 of 5 checks failed"), std::string::npos) << r.output;
}

TEST(Doctor, AllGoodNeverPrintsTheKey) {
  CBTEST_REQUIRE_DOCKER();
  cbtest::TempDir dir;
  const int port = cbtest::FreePort();
  cbtest::CommandResult r =
      cbtest::Run(Doctor("COHERE_API_KEY=cbtest-secret-4711",
                         "flash --redis redis://127.0.0.1:" + std::to_string(port)),
                  dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("cbtest-secret-4711"), std::string::npos) << "the key leaked";
  EXPECT_NE(r.output.find("ok    COHERE_API_KEY: set"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok    redis: not running at redis://127.0.0.1:" + std::to_string(port) +
                          "; cbrun will start"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("doctor: all 6 checks passed (1 with a warning)"), std::string::npos)
      << r.output;
}

TEST(Doctor, OtherKeyVariableRemoteRedisAndMissingPieces) {
  CBTEST_REQUIRE_OWN_NETWORK();  // the remote Redis is pinged in the test's own namespace
  cbtest::TempDir dir;
  cbtest::CommandResult r = cbtest::Run(
      cbtest::InOwnNetwork(
          "COHERE_API_KEY=x env -u CBTEST_NO_SUCH_KEY " + Sh(cbtest::Cbgen()) +
          " doctor nosuchsubset --dataset-dir " + Sh(cbtest::DatasetDir().string()) +
          " --cooperbench /nonexistent/cooperbench --api-key-env CBTEST_NO_SUCH_KEY"
          " --redis redis://192.0.2.1:6379 --settings coop-comm --docker /nonexistent/docker"),
      dir.path());
  EXPECT_NE(r.exit_code, 0);
  for (const char* want : {"FAIL  docker: cannot run /nonexistent/docker",
                           "FAIL  cooperbench: /nonexistent/cooperbench not found",
                           "FAIL  CBTEST_NO_SUCH_KEY: CBTEST_NO_SUCH_KEY is not set",
                           "FAIL  redis: Redis at redis://192.0.2.1:6379",
                           "FAIL  dataset:", "doctor: 5 of 5 checks failed"})
    EXPECT_NE(r.output.find(want), std::string::npos) << want << "\n" << r.output;
}

TEST(Doctor, ReadsTheBuildsConfig) {
  cbtest::Experiment x;
  ASSERT_EQ(
      x.Generate("flash",
                 "--settings solo --api-key-env CBTEST_FROM_CONFIG --docker /nonexistent/docker")
          .exit_code,
      0);
  cbtest::CommandResult r =
      cbtest::Run("env -u CBTEST_FROM_CONFIG " + Sh(cbtest::Cbgen()) + " doctor", x.dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("FAIL  CBTEST_FROM_CONFIG: CBTEST_FROM_CONFIG is not set"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("FAIL  docker: cannot run /nonexistent/docker"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ok    cooperbench:"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("redis"), std::string::npos) << "solo needs no Redis: " << r.output;
}

// Issue 24 item 1: a build on a cloud backend has no image targets, and its preflight checks no
// Docker; doctor agrees, from the build's config.json or from --backend, with no daemon at all.
TEST(Doctor, ACloudBackendNeedsNoDocker) {
  cbtest::Experiment x;
  ASSERT_EQ(x.Generate("flash", "--backend modal --settings solo --docker /nonexistent/docker")
                .exit_code,
            0);
  cbtest::CommandResult r =
      cbtest::Run("COHERE_API_KEY=x " + Sh(cbtest::Cbgen()) + " doctor flash", x.dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok    docker: not needed: the build in out has no image to pull"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("FAIL"), std::string::npos) << r.output;

  // No build yet: --backend says it.
  cbtest::TempDir dir;
  r = cbtest::Run(Doctor("COHERE_API_KEY=x", "flash --settings solo --backend gcp --docker "
                                             "/nonexistent/docker"),
                  dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok    docker: not needed: the gcp backend runs the sandboxes"),
            std::string::npos)
      << r.output;
  // --backend docker over a cloud build's config: Docker is checked.
  r = cbtest::Run("COHERE_API_KEY=x " + Sh(cbtest::Cbgen()) + " doctor flash --backend docker",
                  x.dir.path());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("FAIL  docker: cannot run /nonexistent/docker"), std::string::npos)
      << r.output;
  // An unknown backend is refused by name.
  r = cbtest::Run(Doctor("COHERE_API_KEY=x", "flash --backend modla"), dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("unknown backend \"modla\": use docker, modal or gcp"),
            std::string::npos)
      << r.output;
}

// Issue 24 item 1: a daemon that does not answer is named with docker's own words (its stdout
// is an empty line, its error on stderr), never with an empty reason.
TEST(Doctor, ADaemonThatDoesNotAnswerIsNamedWithDockersWords) {
  cbtest::TempDir dir;
  const std::filesystem::path docker = dir / "docker";
  cbtest::WriteText(docker,
                    "#!/bin/sh\necho\necho 'Cannot connect to the Docker daemon at "
                    "unix:///run/cbtest-none.sock. Is the docker daemon running?' >&2\nexit 1\n");
  std::filesystem::permissions(docker, std::filesystem::perms::owner_all);
  cbtest::CommandResult r = cbtest::Run(
      Doctor("COHERE_API_KEY=x", "flash --settings solo --docker " + Sh(docker.string())),
      dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("FAIL  docker: the Docker daemon does not answer (Cannot connect to the "
                          "Docker daemon at unix:///run/cbtest-none.sock. Is the docker daemon "
                          "running?): start dockerd, or set DOCKER_HOST"),
            std::string::npos)
      << r.output;
}

// A cooperbench script whose distribution metadata says `version`; `run`
// is the double's.
std::string InstallWithVersion(const std::filesystem::path& dir, const std::string& version) {
  const std::filesystem::path bin = dir / "bin";
  std::filesystem::create_directories(bin / ("cooperbench-" + version + ".dist-info"));
  cbtest::WriteText(bin / ("cooperbench-" + version + ".dist-info") / "METADATA",
                    "Metadata-Version: 2.1\nName: cooperbench\nVersion: " + version + "\n");
  const std::filesystem::path script = bin / "cooperbench";
  cbtest::WriteText(script, "#!/usr/bin/python3\nimport os, sys\nos.execv(" + std::string("'") +
                                cbtest::FakeCooperbench() + "', sys.argv)\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  return script.string();
}

// Older releases are refused; newer ones pass with a warning
// (tests/integration/newer_release_test.cc).
TEST(Doctor, RefusesAReleaseOlderThanTheOldestSupportedSayingWhatToInstall) {
  cbtest::TempDir dir;
  for (const char* version : {"0.0.9", "0.0.10"}) {
    const std::string exe = InstallWithVersion(dir.path() / version, version);
    cbtest::CommandResult r = cbtest::Run("COHERE_API_KEY=x " + Sh(cbtest::Cbgen()) +
                                              " doctor --settings solo --cooperbench " + Sh(exe) +
                                              " --dataset-dir " + Sh(cbtest::DatasetDir().string()),
                                          dir.path());
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(std::string("FAIL  cooperbench: ") + exe + " is release " + version +
                            ", older than the oldest supported release 0.0.11 (tested: 0.0.11 to "
                            "0.0.19): pip install 'cooperbench>=0.0.11,<=0.0.19'"),
              std::string::npos)
        << r.output;
  }
}

// The release as importlib.metadata names it: the distribution's folder
// found whatever its spelling ("CooperBench-..."), on sys.path, first match.
TEST(Doctor, ReadsTheReleaseWhateverTheMetadataFolderSpelling) {
  cbtest::TempDir dir;
  const std::string exe = InstallWithVersion(dir.path(), "0.0.14");
  std::filesystem::rename(dir.path() / "bin" / "cooperbench-0.0.14.dist-info",
                          dir.path() / "bin" / "CooperBench-0.0.14.dist-info");
  cbtest::CommandResult r = cbtest::Run("COHERE_API_KEY=x " + Sh(cbtest::Cbgen()) +
                                            " doctor --settings solo --cooperbench " + Sh(exe) +
                                            " --dataset-dir " + Sh(cbtest::DatasetDir().string()),
                                        dir.path());
  EXPECT_NE(r.output.find("release 0.0.14 (supported: 0.0.11 to 0.0.19)"), std::string::npos)
      << r.output;
}

TEST(Doctor, ACooperbenchWithoutReadableReleaseFails) {
  // `cooperbench --version` exists in no release; a script whose interpreter
  // cannot name the distribution is refused, not trusted.
  cbtest::TempDir dir;
  const std::filesystem::path script = dir.path() / "cooperbench";
  cbtest::WriteText(script, "#!/bin/sh\necho cooperbench 9.9\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  cbtest::CommandResult r = cbtest::Run(
      "COHERE_API_KEY=x " + Sh(cbtest::Cbgen()) + " doctor --settings solo --cooperbench " +
          Sh(script.string()) + " --dataset-dir " + Sh(cbtest::DatasetDir().string()),
      dir.path());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("FAIL  cooperbench: cannot read the release of"), std::string::npos)
      << r.output;
}

}  // namespace
