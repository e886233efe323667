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
  cbtest::CommandResult r = cbtest::Run(Doctor("env -u COHERE_API_KEY", "flash --settings solo"), dir.path());
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("FAIL  COHERE_API_KEY: COHERE_API_KEY is not set"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ok    docker: daemon"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok    cooperbench:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0.0.14"), std::string::npos) << "the version is shown: " << r.output;
  EXPECT_NE(r.output.find("ok    dataset:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("20 tasks, 50 pairs"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("doctor: 1 of 4 checks failed"), std::string::npos) << r.output;
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
  EXPECT_NE(r.output.find("doctor: all 5 checks passed"), std::string::npos) << r.output;
}

TEST(Doctor, OtherKeyVariableRemoteRedisAndMissingPieces) {
  cbtest::TempDir dir;
  cbtest::CommandResult r = cbtest::Run(
      "COHERE_API_KEY=x env -u CBTEST_NO_SUCH_KEY " + Sh(cbtest::Cbgen()) +
          " doctor nosuchsubset --dataset-dir " + Sh(cbtest::DatasetDir().string()) +
          " --cooperbench /nonexistent/cooperbench --api-key-env CBTEST_NO_SUCH_KEY"
          " --redis redis://192.0.2.1:6379 --settings coop-comm --docker /nonexistent/docker",
      dir.path());
  EXPECT_NE(r.exit_code, 0);
  for (const char* want :
       {"FAIL  docker: cannot run /nonexistent/docker", "FAIL  cooperbench: /nonexistent/cooperbench not found",
        "FAIL  CBTEST_NO_SUCH_KEY: CBTEST_NO_SUCH_KEY is not set", "FAIL  redis: Redis at redis://192.0.2.1:6379",
        "FAIL  dataset:", "doctor: 5 of 5 checks failed"})
    EXPECT_NE(r.output.find(want), std::string::npos) << want << "\n" << r.output;
}

TEST(Doctor, ReadsTheBuildsConfig) {
  cbtest::Experiment x;
  ASSERT_EQ(x.Generate("flash", "--settings solo --api-key-env CBTEST_FROM_CONFIG --docker /nonexistent/docker")
                .exit_code,
            0);
  cbtest::CommandResult r = cbtest::Run("env -u CBTEST_FROM_CONFIG " + Sh(cbtest::Cbgen()) + " doctor", x.dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("FAIL  CBTEST_FROM_CONFIG: CBTEST_FROM_CONFIG is not set"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FAIL  docker: cannot run /nonexistent/docker"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ok    cooperbench:"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("redis"), std::string::npos) << "solo needs no Redis: " << r.output;
}

}  // namespace
