// Issue 18, item 7, the newcomer's way in: `scripts/bootstrap --cooperbench CHECKOUT`
// installs upstream's cooperbench from a local checkout into a virtualenv (Debian's python3,
// --system-site-packages) and links it into $PREFIX/bin, so that `cbgen doctor` finds it on
// PATH without --cooperbench. The checkout is a copy of ../shared/upstream/cooperbench-0.0.19
// (or CBTEST_UPSTREAM_ROOT): required in CI, reported as not run elsewhere when absent.
//
// bootstrap runs with --no-packages --no-build (no apt-get, no network, and the build
// directory is left alone: this test may run from any build, e.g. a sanitizer one) and
// CBGEN naming this build's cbgen for the doctor it runs at the end. Quick: a venv without
// pip, a wheel built by Debian's hatchling, no network (pip --no-index).
//
// Debian packages neither litellm nor modal, which upstream's CLI imports before it can print
// `run --help` (what doctor's cooperbench check runs). bootstrap says so and installs no
// stand-ins; this test checks that, then runs doctor with the test stand-ins of
// tests/upstream/fillins on PYTHONPATH, for that process only (as upstream_test.cc does for
// CBTEST_COOPERBENCH).
#include <gtest/gtest.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using cbtest::CommandResult;
using cbtest::Sh;

constexpr char kRelease[] = "0.0.19";

fs::path UpstreamRoot() {
  if (const char* root = std::getenv("CBTEST_UPSTREAM_ROOT"); root && *root) return root;
  return (cbtest::SourceDir() / ".." / "shared" / "upstream").lexically_normal();
}

fs::path UpstreamSource() {
  return UpstreamRoot() / (std::string("cooperbench-") + kRelease);
}

std::string UpstreamMissing() {
  if (fs::exists(UpstreamSource() / "pyproject.toml")) return "";
  return "upstream's source " + UpstreamSource().string() + " is not here";
}

// What --cooperbench CHECKOUT needs from Debian (scripts/bootstrap installs these).
std::string DebianPythonMissing() {
  CommandResult r = cbtest::Run("/usr/bin/python3 -c 'import venv, pip, hatchling'");
  if (r.exit_code == 0) return "";
  return "Debian's python3-venv, python3-pip and python3-hatchling (scripts/bootstrap installs "
         "them): " +
         r.output;
}

std::string Bootstrap() {
  return Sh((cbtest::SourceDir() / "scripts" / "bootstrap").string());
}

// The doctor line of one check ("ok    cooperbench: ..."), or "".
std::string CheckLine(const std::string& output, const std::string& name) {
  for (const char* verdict : {"ok    ", "warn  ", "FAIL  "}) {
    const std::string head = verdict + name + ": ";
    size_t at = output.find(head);
    if (at != std::string::npos) return output.substr(at, output.find('\n', at) - at);
  }
  return "";
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class BootstrapCooperbench : public ::testing::Test {
 protected:
  void SetUp() override {
    CBTEST_REQUIRE(UpstreamMissing(), "../shared/upstream (cooperbench 0.0.19's source)");
    CBTEST_REQUIRE(DebianPythonMissing(), "Debian's Python packaging tools");
    // A local checkout the user owns (the shared copy may have no write bits).
    CommandResult copy = cbtest::Run("cp -R " + Sh(UpstreamSource().string()) + " " +
                                     Sh(checkout().string()) + " && chmod -R u+w " +
                                     Sh(checkout().string()));
    ASSERT_EQ(copy.exit_code, 0) << copy.output;
    fs::create_directories(work());
  }

  // Physical paths, as bootstrap prints them (TMPDIR may be a symbolic link).
  fs::path root() const { return fs::canonical(dir_.path()); }
  fs::path checkout() const { return root() / "CooperBench"; }
  fs::path prefix() const { return root() / "prefix"; }
  fs::path venv() const { return prefix() / "lib" / "cbgen" / "cooperbench-venv"; }
  fs::path work() const { return root() / "work"; }  // where the newcomer runs bootstrap

  // PREFIX=<tmp>/prefix scripts/bootstrap --no-install --no-packages --no-build ARGS, in work().
  CommandResult RunBootstrap(const std::string& args) const {
    return cbtest::Run("env -u COOPERBENCH_VENV PREFIX=" + Sh(prefix().string()) +
                           " CBGEN=" + Sh(cbtest::Cbgen()) + " " + Bootstrap() +
                           " --no-install --no-packages --no-build " + args,
                       work());
  }

  cbtest::TempDir dir_;
};

TEST_F(BootstrapCooperbench, LocalCheckoutIsFoundByDoctorWithoutCooperbenchOption) {
  const std::string venv_exe = (venv() / "bin" / "cooperbench").string();
  const std::string link = (prefix() / "bin" / "cooperbench").string();

  CommandResult boot = RunBootstrap("--cooperbench ../CooperBench");  // relative to work()
  ASSERT_EQ(boot.exit_code, 0) << boot.output;
  EXPECT_TRUE(Has(boot.output, "made the virtualenv " + venv().string())) << boot.output;
  EXPECT_TRUE(Has(boot.output, std::string("cooperbench ") + kRelease + " installed in " +
                                   venv().string() + " from " + checkout().string()))
      << boot.output;
  EXPECT_TRUE(Has(boot.output, "linked " + link + " -> " + venv_exe)) << boot.output;
  // The doctor bootstrap ran at the end spoke (its verdict line).
  EXPECT_TRUE(Has(boot.output, "bootstrap: cbgen doctor (in " + work().string() + "):"))
      << boot.output;
  EXPECT_TRUE(Has(boot.output, "doctor: ")) << boot.output;
  EXPECT_TRUE(Has(boot.output, "run `cooperbench prepare`")) << boot.output;

  ASSERT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(fs::read_symlink(link).string(), venv_exe);
  // A real install: pip's dist-info, the console script's #! names the venv's python.
  EXPECT_EQ(cbtest::ReadText(venv_exe).rfind("#!" + (venv() / "bin" / "python3").string() + "\n",
                                             0),
            0u)
      << cbtest::ReadText(venv_exe);

  // Honest about what Debian lacks, and no test stand-in slipped into the user's venv.
  if (cbtest::Run("/usr/bin/python3 -c 'import litellm'").exit_code != 0) {
    EXPECT_TRUE(Has(boot.output, "litellm>=1.0 (missing)")) << boot.output;
    EXPECT_TRUE(Has(boot.output, "cooperbench does NOT start")) << boot.output;
    EXPECT_TRUE(Has(boot.output, (venv() / "bin" / "python3").string() +
                                     " -m pip install '" + checkout().string() + "'"))
        << boot.output;
    CommandResult imp = cbtest::Run(Sh((venv() / "bin" / "python3").string()) +
                                    " -c 'import litellm'");
    EXPECT_NE(imp.exit_code, 0) << "bootstrap put a litellm into the venv: " << imp.output;
  }

  // cbgen doctor, no --cooperbench: PATH finds the link, its #! the venv, the venv's
  // dist-info the release; `run --help` works with the stand-ins on PYTHONPATH.
  const std::string fillins = (cbtest::SourceDir() / "tests" / "upstream" / "fillins").string();
  CommandResult doctor = cbtest::Run("PATH=" + Sh(prefix().string() + "/bin") + ":\"$PATH\"" +
                                         " PYTHONPATH=" + Sh(fillins) + " " + Sh(cbtest::Cbgen()) +
                                         " doctor",
                                     work());
  const std::string line = CheckLine(doctor.output, "cooperbench");
  EXPECT_EQ(line.rfind("ok    cooperbench: ", 0), 0u) << doctor.output;
  EXPECT_TRUE(Has(line, link + ": release " + kRelease + " (supported:")) << doctor.output;
  EXPECT_EQ(fs::canonical(link), fs::canonical(venv_exe)) << "doctor's cooperbench is the venv's";

  // Again: idempotent, the same venv and link.
  CommandResult again = RunBootstrap("--cooperbench " + Sh(checkout().string()));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(Has(again.output, "reusing the virtualenv " + venv().string())) << again.output;
  EXPECT_TRUE(Has(again.output, std::string("cooperbench ") + kRelease + " installed in " +
                                    venv().string()))
      << again.output;
  EXPECT_EQ(fs::read_symlink(link).string(), venv_exe);
}

std::string NotRoot() { return ::geteuid() == 0 ? "" : "this user is not root"; }

// The folder of the build this test belongs to (its cbgen is BUILD/bin/cbgen).
std::string ThisBuild() { return fs::path(cbtest::Cbgen()).parent_path().parent_path().string(); }

// Issue 22: PREFIX=<new folder>/p with no bin/ yet, as root on a machine without sudo: bootstrap
// makes PREFIX/bin itself and installs cbgen, cbrun and the cooperbench link there. A `sudo`
// first on PATH records any call and fails, so the test holds whether or not sudo is installed.
TEST_F(BootstrapCooperbench, InstallsIntoANewPrefixAsRootWithoutSudo) {
  CBTEST_REQUIRE(NotRoot(), "root (the test is about root without sudo)");
  const fs::path no_sudo = root() / "no-sudo";
  fs::create_directories(no_sudo);
  cbtest::WriteText(no_sudo / "sudo", "#!/bin/sh\necho \"$*\" >>" + Sh((root() / "sudo-calls").string()) +
                                          "\necho 'sudo: command not found' >&2\nexit 127\n");
  fs::permissions(no_sudo / "sudo", fs::perms::owner_all);
  const fs::path p = root() / "fresh" / "p";
  CommandResult boot = cbtest::Run(
      "env -u COOPERBENCH_VENV PATH=" + Sh(no_sudo.string()) + ":\"$PATH\" PREFIX=" +
          Sh(p.string()) + " CBGEN=" + Sh(cbtest::Cbgen()) + " " + Bootstrap() +
          " --no-packages --no-build --build-dir " + Sh(ThisBuild()) + " --cooperbench ../CooperBench",
      work());
  ASSERT_EQ(boot.exit_code, 0) << boot.output;
  EXPECT_FALSE(fs::exists(root() / "sudo-calls")) << cbtest::ReadText(root() / "sudo-calls");
  EXPECT_TRUE(Has(boot.output, "installed cbgen and cbrun in " + (p / "bin").string())) << boot.output;
  for (const char* program : {"cbgen", "cbrun"}) {
    CommandResult version = cbtest::Run(Sh((p / "bin" / program).string()) + " --version");
    EXPECT_EQ(version.exit_code, 0) << program << ": " << version.output;
  }
  EXPECT_TRUE(fs::is_symlink(p / "bin" / "cooperbench"));
  EXPECT_TRUE(fs::exists(p / "lib" / "cbgen" / "cooperbench-venv" / "bin" / "cooperbench"));
}

// Issue 22: a user who is not root installs into a prefix of their own (no bin/ yet), with no
// sudo anywhere: the nearest existing parent decides who may write, as for the venv.
TEST_F(BootstrapCooperbench, AUserInstallsIntoAPrefixOfTheirOwn) {
  CBTEST_REQUIRE(NotRoot(), "root (to run bootstrap as the user nobody)");
  // The checkout and this build may sit in a folder only root may enter (mktemp -d): nobody
  // runs a copy of the scripts and of this build's two programs, in the test's folder (readable
  // to all), and owns home/ (the prefix's parent).
  const fs::path copy = root() / "copy";
  fs::create_directories(copy / "scripts");
  fs::create_directories(copy / "build" / "bin");
  for (const char* script : {"bootstrap", "install-packages"})
    fs::copy_file(cbtest::SourceDir() / "scripts" / script, copy / "scripts" / script);
  for (const char* program : {"cbgen", "cbrun"})
    fs::copy_file(fs::path(ThisBuild()) / "bin" / program, copy / "build" / "bin" / program);
  const fs::path home = root() / "home";
  fs::create_directories(home);
  CommandResult own = cbtest::Run("chmod -R a+rX " + Sh(root().string()) + " && chown nobody " +
                                  Sh(home.string()));
  ASSERT_EQ(own.exit_code, 0) << own.output;
  const fs::path p = home / "p";
  CommandResult boot = cbtest::Run(
      "setpriv --reuid=nobody --regid=nogroup --clear-groups env -u COOPERBENCH_VENV HOME=" +
          Sh(home.string()) + " PREFIX=" + Sh(p.string()) + " CBGEN=" +
          Sh((copy / "build" / "bin" / "cbgen").string()) + " " +
          Sh((copy / "scripts" / "bootstrap").string()) +
          " --no-packages --no-build --build-dir " + Sh((copy / "build").string()) +
          " --cooperbench " + Sh(checkout().string()),
      home);
  ASSERT_EQ(boot.exit_code, 0) << boot.output;
  EXPECT_FALSE(Has(boot.output, "sudo")) << boot.output;
  EXPECT_TRUE(Has(boot.output, "installed cbgen and cbrun in " + (p / "bin").string())) << boot.output;
  EXPECT_TRUE(fs::exists(p / "bin" / "cbrun"));
  struct stat st {};
  ASSERT_EQ(::stat((p / "bin" / "cbgen").c_str(), &st), 0);
  const struct passwd* nobody = ::getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  EXPECT_EQ(st.st_uid, nobody->pw_uid) << "installed by nobody, owned by nobody";
  EXPECT_TRUE(fs::is_symlink(p / "bin" / "cooperbench"));
}

TEST_F(BootstrapCooperbench, RefusesWhatItShouldNotTouch) {
  // A folder without pyproject.toml is not a checkout.
  fs::create_directories(root() / "empty");
  CommandResult r = RunBootstrap("--cooperbench " + Sh((root() / "empty").string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Has(r.output, "no pyproject.toml in")) << r.output;

  // A venv folder that holds something else is left alone.
  fs::create_directories(root() / "notavenv");
  cbtest::WriteText(root() / "notavenv" / "precious.txt", "keep\n");
  r = RunBootstrap("--cooperbench ../CooperBench --cooperbench-venv ../notavenv");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "is not a virtualenv; not touching it")) << r.output;
  EXPECT_EQ(cbtest::ReadText(root() / "notavenv" / "precious.txt"), "keep\n");

  // A cooperbench that is not our link is not replaced.
  fs::create_directories(prefix() / "bin");
  cbtest::WriteText(prefix() / "bin" / "cooperbench", "#!/bin/sh\n");
  r = RunBootstrap("--cooperbench ../CooperBench");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Has(r.output, "exists and is not a link")) << r.output;
  EXPECT_EQ(cbtest::ReadText(prefix() / "bin" / "cooperbench"), "#!/bin/sh\n");

  // Unknown options are refused before anything happens.
  r = RunBootstrap("--no-such-option");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Has(r.output, "unknown option '--no-such-option'")) << r.output;
}

}  // namespace
