// The command lines of cbgen and cbrun: a mistyped subcommand gets a
// suggestion and writes nothing, an option the subcommand does not take is an
// error, a subset still wins over a subcommand's near-namesake, every --help
// works, and a pull interrupted by a signal exits 128 + that signal.
// (The exit codes alone: unit/exit_codes_test.cc.)
#include <signal.h>

#include <string>
#include <vector>

#include "core/exit_codes.h"
#include "interrupt_util.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::CommandResult;
using cbtest::Experiment;
using cbtest::Sh;

const std::vector<std::string> kSubcommands = {"report", "doctor", "forget", "reeval", "status"};

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

CommandResult Cbgen(const std::string& args, const fs::path& cwd) {
  return cbtest::Run(Sh(cbtest::Cbgen()) + " " + args, cwd);
}

bool IsEmptyFolder(const fs::path& dir) {
  return fs::is_empty(dir);
}

TEST(MistypedSubcommand, SuggestsTheSubcommandAndWritesNothing) {
  cbtest::TempDir dir;
  for (const std::string& args : {std::string("reprot"), std::string("reprot --json"),
                                  "reprot --dataset-dir " + Sh(cbtest::DatasetDir().string())}) {
    CommandResult r = Cbgen(args, dir.path());
    EXPECT_EQ(r.exit_code, cb::kExitUsage) << args << "\n" << r.output;
    EXPECT_TRUE(Has(r.output,
                    "cbgen: error: unknown subset or command \"reprot\": did you mean "
                    "`cbgen report`?"))
        << args << "\n"
        << r.output;
    EXPECT_FALSE(fs::exists(dir / "build.ninja")) << args;
    EXPECT_TRUE(IsEmptyFolder(dir.path())) << args;
  }
  CommandResult r = Cbgen("stauts", dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.output, "did you mean `cbgen status`?")) << r.output;
  EXPECT_TRUE(IsEmptyFolder(dir.path()));
}

TEST(MistypedSubcommand, FarFromEveryCommandIsAnUnknownSubset) {
  cbtest::TempDir dir;
  CommandResult r =
      Cbgen("nosuchsubset --dataset-dir " + Sh(cbtest::DatasetDir().string()), dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.output, "unknown subset \"nosuchsubset\"")) << r.output;
  EXPECT_FALSE(Has(r.output, "did you mean")) << r.output;
  EXPECT_FALSE(fs::exists(dir / "build.ninja"));
}

TEST(MistypedSubcommand, ASubsetOfTheDatasetWins) {
  // A dataset whose subsets/reprot.json is the lite subset.
  cbtest::TempDir data;
  for (const auto& e : fs::directory_iterator(cbtest::DatasetDir()))
    if (e.path().filename() != "subsets")
      fs::create_directory_symlink(e.path(), data / e.path().filename().string());
  fs::create_directory(data / "subsets");
  fs::copy_file(cbtest::DatasetDir() / "subsets" / "lite.json", data / "subsets" / "reprot.json");
  cbtest::TempDir dir;
  CommandResult r = Cbgen("reprot --dataset-dir " + Sh(data.path().string()) + " --cooperbench " +
                              Sh(cbtest::FakeCooperbench()),
                          dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "build.ninja"));
}

TEST(Generate, TheLiteSubsetStillWorks) {
  Experiment x;
  CommandResult r = x.Generate("lite");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(x.dir / "build.ninja"));
  EXPECT_TRUE(fs::exists(x.out() / "config.json"));
}

TEST(MisplacedOption, AGeneratorOptionBeforeASubcommandIsRefused) {
  cbtest::TempDir dir;
  CommandResult r = Cbgen("--pull-jobs 5 status", dir.path());
  EXPECT_EQ(r.exit_code, cb::kExitUsage) << r.output;
  EXPECT_TRUE(Has(r.output,
                  "cbgen: error: --pull-jobs is an option of generation (cbgen SUBSET), "
                  "not of `cbgen status`"))
      << r.output;
  EXPECT_TRUE(IsEmptyFolder(dir.path()));
}

TEST(MisplacedOption, AGeneratorOptionAfterASubcommandIsRefused) {
  cbtest::TempDir dir;
  for (const char* args : {"status --pull-jobs 5", "status --pull-jobs=5"}) {
    CommandResult r = Cbgen(args, dir.path());
    EXPECT_EQ(r.exit_code, cb::kExitUsage) << args << "\n" << r.output;
    EXPECT_TRUE(Has(r.output,
                    "--pull-jobs is an option of generation (cbgen SUBSET), not of "
                    "`cbgen status`"))
        << args << "\n"
        << r.output;
  }
}

TEST(MisplacedOption, AnOptionBothTakeSaysWhereItGoes) {
  cbtest::TempDir dir;
  CommandResult r = Cbgen("--out elsewhere report", dir.path());
  EXPECT_EQ(r.exit_code, cb::kExitUsage) << r.output;
  EXPECT_TRUE(Has(r.output,
                  "--out is an option of generation (cbgen SUBSET), not of `cbgen "
                  "report`; put it after the command: `cbgen report --out ...`"))
      << r.output;
  r = Cbgen("lite doctor", dir.path());
  EXPECT_EQ(r.exit_code, cb::kExitUsage) << r.output;
  EXPECT_TRUE(Has(r.output,
                  "\"lite\" is the SUBSET of generation (cbgen SUBSET), not of `cbgen "
                  "doctor`; put it after the command: `cbgen doctor lite`"))
      << r.output;
  EXPECT_TRUE(IsEmptyFolder(dir.path()));
}

TEST(MisplacedOption, DashCGoesWithEveryCommand) {
  cbtest::TempDir dir;
  fs::create_directory(dir / "out");
  CommandResult r = Cbgen("-C " + Sh(dir.path().string()) + " status --json", "/");
  EXPECT_FALSE(Has(r.output, "is an option of generation")) << r.output;
}

TEST(Help, EverySubcommandsHelpWorks) {
  cbtest::TempDir dir;
  CommandResult top = Cbgen("--help", dir.path());
  EXPECT_EQ(top.exit_code, 0) << top.output;
  for (const std::string& name : kSubcommands) {
    EXPECT_TRUE(Has(top.output, name)) << name << " missing from cbgen --help:\n" << top.output;
    CommandResult r = Cbgen(name + " --help", dir.path());
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.output;
    EXPECT_TRUE(Has(r.output, "--")) << name << "\n" << r.output;
  }
  for (const std::string name : {"run", "pull"}) {
    CommandResult r = cbtest::Run(Sh(cbtest::Cbrun()) + " " + name + " --help", dir.path());
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.output;
  }
  EXPECT_TRUE(IsEmptyFolder(dir.path()));
}

TEST(Cbrun, ACommandLineItDoesNotUnderstandIsAUsageError) {
  cbtest::TempDir dir;
  CommandResult r = cbtest::Run(Sh(cbtest::Cbrun()) + " pull --repo x", dir.path());
  EXPECT_EQ(r.exit_code, cb::kExitUsage) << r.output;
  r = cbtest::Run(Sh(cbtest::Cbrun()) + " nosuchcommand", dir.path());
  EXPECT_EQ(r.exit_code, cb::kExitUsage) << r.output;
}

// A docker that answers preflight's questions and hangs in every other
// command (the pull's `image inspect`) for 300 s, longer than a test waits,
// writing its pid to `docker.pid` and then touching `started` first.
fs::path WriteHangingDocker(const fs::path& dir) {
  const fs::path docker = dir / "hanging-docker";
  cbtest::WriteText(docker,
                    "#!/bin/sh\n"
                    "case \"$1\" in\n"
                    "  version) echo 24.0.0 ;;\n"
                    "  info) echo " +
                        Sh(dir.string()) +
                        " ;;\n"
                        "  *) echo $$ >" +
                        Sh((dir / "docker.pid").string()) + "; touch " +
                        Sh((dir / "started").string()) +
                        "; exec sleep 300 ;;\n"
                        "esac\n");
  fs::permissions(docker, fs::perms::owner_all);
  return docker;
}

struct SignalToPull : testing::TestWithParam<int> {};

TEST_P(SignalToPull, ExitsWith128PlusTheSignalAndWritesNoStamp) {
  using cbtest::fault::Job;
  const int sig = GetParam();
  Experiment x;
  const fs::path docker = WriteHangingDocker(x.dir.path());
  ASSERT_EQ(x.Generate("lite", "--settings solo --docker " + Sh(docker.string())).exit_code, 0);
  const std::string stamp = "out/images/dspy_task-task8394.stamp";
  CommandResult cmd = cbtest::Run("ninja -t commands " + stamp, x.dir.path());
  ASSERT_EQ(cmd.exit_code, 0) << cmd.output;
  const std::string command = cmd.output.substr(0, cmd.output.find('\n'));
  ASSERT_TRUE(Has(command, "cbrun pull")) << command;

  const fs::path log = x.dir / "cbrun.log";
  Job cbrun(x.Env() + cbtest::fault::KeyEnv() + "exec " + command, x.dir.path(), log);
  using cbtest::fault::kHangGuardS;
  ASSERT_TRUE(cbtest::fault::WaitUntil([&] { return fs::exists(x.dir / "started"); }, kHangGuardS))
      << cbtest::ReadText(log);
  const int docker_pid = std::stoi(cbtest::ReadText(x.dir / "docker.pid"));
  cbrun.Signal(sig);
  // The docker sleeps 300 s: cbrun ends within the guard only by ending it.
  std::optional<int> code = cbrun.Wait(kHangGuardS);
  const bool docker_gone = cbtest::fault::WaitUntil(
      [&] { return !cbtest::ProcessAlive(docker_pid); }, code ? kHangGuardS : 0);
  if (!docker_gone) ::kill(docker_pid, SIGKILL);
  ASSERT_TRUE(code.has_value()) << "cbrun pull still running " << kHangGuardS << " s after signal "
                                << sig;
  EXPECT_TRUE(docker_gone) << "the hanging docker outlived cbrun pull";
  EXPECT_EQ(*code, cb::ExitInterrupted(sig)) << cbtest::ReadText(log);
  EXPECT_TRUE(Has(cbtest::ReadText(log), "interrupted (signal " + std::to_string(sig) + ")"))
      << cbtest::ReadText(log);
  EXPECT_FALSE(fs::exists(x.dir / stamp));
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalToPull, testing::Values(SIGTERM, SIGINT, SIGHUP));

}  // namespace
