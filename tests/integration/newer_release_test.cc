// Issue 16, item 7: a cooperbench newer than the tested releases (0.0.11 to
// 0.0.19) runs, with a warning from `cbgen doctor`, from `cbgen` and once per
// ninja from cbrun's preflight that names the tested range and what is known
// to differ; a release older than 0.0.11 is still refused.
// (The release's classification and the warning's text: unit/cooperbench_release_test.cc.)
#include <gtest/gtest.h>

#include "services_test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::Sh;

// A copy of the double whose distribution metadata says `version` (the
// cooperbench-VERSION.dist-info beside the script, as a pip install has it):
// the probe reads the release from there, and so does the double.
fs::path DoubleWithRelease(const fs::path& dir, const std::string& version) {
  const fs::path bin = dir / ("cooperbench-" + version) / "bin";
  const fs::path meta = bin / ("cooperbench-" + version + ".dist-info");
  fs::create_directories(meta);
  cbtest::WriteText(meta / "METADATA",
                    "Metadata-Version: 2.1\nName: cooperbench\nVersion: " + version + "\n");
  fs::copy_file(cbtest::FakeCooperbench(), bin / "cooperbench");
  fs::permissions(bin / "cooperbench", fs::perms::owner_all);
  return bin / "cooperbench";
}

// A `docker` that answers doctor's two questions (server version, root dir)
// for a daemon with its data root in `root`: doctor's Docker line passes
// without a daemon, so the cooperbench line is what the test looks at.
fs::path AnsweringDocker(const fs::path& dir, const fs::path& root) {
  const fs::path p = dir / "docker";
  cbtest::WriteText(p, "#!/bin/sh\ncase \"$1\" in\n  version) echo 24.0.0 ;;\n  info) echo " +
                           Sh(root.string()) + " ;;\n  *) exit 1 ;;\nesac\n");
  fs::permissions(p, fs::perms::owner_all);
  return p;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The double's `cooperbench run` calls (not its `eval`s).
size_t AgentRuns(const cbtest::Experiment& x) {
  size_t n = 0;
  for (const boost::json::value& call : cbtest::ReadJsonLines(x.calls())) {
    const boost::json::array& argv = call.at("argv").as_array();
    if (!argv.empty() && argv[0] == "run") ++n;
  }
  return n;
}

TEST(NewerRelease, DoctorPassesWithAWarningNamingTheTestedRangeAndTheKnownChanges) {
  cbtest::TempDir dir;
  const fs::path exe = DoubleWithRelease(dir.path(), "0.0.28");
  const fs::path docker = AnsweringDocker(dir.path(), dir.path());
  cbtest::CommandResult r = cbtest::Run(
      "COHERE_API_KEY=x " + Sh(cbtest::Cbgen()) + " doctor flash --settings solo --cooperbench " +
          Sh(exe.string()) + " --docker " + Sh(docker.string()) + " --min-free-gb 0" +
          " --dataset-dir " + Sh(cbtest::DatasetDir().string()),
      dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warn  cooperbench: " + exe.string() +
                          ": release 0.0.28 (newer than the tested 0.0.11 to 0.0.19: untested); "
                          "mini-SWE-agent mini_swe_agent_v2; attempts log to --log-dir. "
                          "cooperbench 0.0.28 is newer than the releases cbgen was tested with "
                          "(0.0.11 to 0.0.19): it runs, untested."),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("0.0.23: an agent's work is graded from the pull request it opens"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("fail/no_submission"), std::string::npos) << r.output;
  // The double has no litellm: the price is the second warning.
  EXPECT_NE(r.output.find("doctor: all 5 checks passed (2 with a warning)"), std::string::npos)
      << r.output;
}

TEST(NewerRelease, CbgenWarnsAndTheBuildRunsWarningOncePerNinja) {
  cbtest::Experiment x;
  const fs::path exe = DoubleWithRelease(x.dir.path(), "0.0.28");
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 3);
  // A cloud backend: no image targets, so no Docker daemon is needed.
  cbtest::CommandResult gen =
      cbtest::Run(x.Env() + Sh(cbtest::Cbgen()) + " " + Sh(subset.string()) + " --dataset-dir " +
                      Sh(cbtest::DatasetDir().string()) + " --cooperbench " + Sh(exe.string()) +
                      " --backend modal --settings solo,coop-nocomm --backoff 0.05 --grace 1",
                  x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  EXPECT_NE(
      gen.output.find("cbgen: agent mini_swe_agent_v2: the mini-SWE-agent of cooperbench 0.0.28"),
      std::string::npos)
      << gen.output;
  EXPECT_NE(gen.output.find("cbgen: warning: cooperbench 0.0.28 is newer than the releases cbgen "
                            "was tested with (0.0.11 to 0.0.19): it runs, untested."),
            std::string::npos)
      << gen.output;
  EXPECT_NE(gen.output.find("0.0.28: test files the agent wrote are stripped from its patch"),
            std::string::npos)
      << gen.output;

  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "-j4");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 6u) << run.output;
  EXPECT_EQ(AgentRuns(x), 6u) << "one agent run a pair";
  for (const fs::path& record : cbtest::FindRecords(x.out())) {
    const boost::json::value r = cbtest::ReadJson(record);
    EXPECT_EQ(r.at("cooperbench_release"), "0.0.28") << record;
  }
  EXPECT_EQ(Count(run.output, "cbrun: warning: cooperbench: "), 1u)
      << "the first cbrun of this ninja warns, the others read its verdict:\n"
      << run.output;
  EXPECT_NE(run.output.find("release 0.0.28 (newer than the tested 0.0.11 to 0.0.19: untested)"),
            std::string::npos)
      << run.output;
}

TEST(OlderRelease, DoctorAndThePreflightRefuse0_0_10NamingWhatToInstall) {
  cbtest::Experiment x;
  const fs::path exe = DoubleWithRelease(x.dir.path(), "0.0.10");
  const std::string refusal = exe.string() +
                              " is release 0.0.10, older than the oldest supported release "
                              "0.0.11 (tested: 0.0.11 to 0.0.19): pip install "
                              "'cooperbench>=0.0.11,<=0.0.19'";
  cbtest::CommandResult doctor = cbtest::Run(
      "COHERE_API_KEY=x " + Sh(cbtest::Cbgen()) + " doctor --settings solo --cooperbench " +
          Sh(exe.string()) + " --dataset-dir " + Sh(cbtest::DatasetDir().string()),
      x.dir.path());
  EXPECT_NE(doctor.exit_code, 0) << doctor.output;
  EXPECT_NE(doctor.output.find("FAIL  cooperbench: " + refusal), std::string::npos)
      << doctor.output;

  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 2);
  cbtest::CommandResult gen =
      cbtest::Run(x.Env() + Sh(cbtest::Cbgen()) + " " + Sh(subset.string()) + " --dataset-dir " +
                      Sh(cbtest::DatasetDir().string()) + " --cooperbench " + Sh(exe.string()) +
                      " --backend modal --settings solo",
                  x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  EXPECT_NE(gen.output.find("this release is not supported, see cbgen doctor"), std::string::npos)
      << gen.output;
  cbtest::CommandResult run = cbtest::NinjaWithKey(x, "-j2");
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("preflight failed, nothing was started: cooperbench: " + refusal),
            std::string::npos)
      << run.output;
  EXPECT_EQ(x.Calls(), 0u) << "cooperbench ran";
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
}

}  // namespace
