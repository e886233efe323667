// Issue 5, item 1: an interrupt (Ctrl-C on ninja, or SIGTERM/SIGHUP/SIGINT to
// one cbrun) ends every cooperbench process promptly, writes no record for the
// interrupted attempt, and the next ninja runs exactly the unfinished pairs.
// Real ninja, real cbrun, the cooperbench double; cloud backend, so no Docker.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "interrupt_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

std::string Tail(const std::string& s) {
  return s.substr(s.size() > 3000 ? s.size() - 3000 : 0);
}

// Attempt files under OUT/logs that say their attempt ended.
int EndedAttempts(const Experiment& x) {
  int n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(x.out() / "logs", ec), end; it != end;
       it.increment(ec)) {
    if (it->path().filename() != "attempt.json") continue;
    const std::string text = cbtest::ReadText(it->path());
    boost::system::error_code parse_error;
    const boost::json::value v = boost::json::parse(text, parse_error);
    n += !parse_error && v.is_object() && v.as_object().contains("ended") && v.at("ended") == true;
  }
  return n;
}

// Ctrl-C in a terminal signals the foreground process group: ninja's.
TEST(Interrupt, CtrlCOnNinjaStopsEverythingAndTheNextNinjaRunsExactlyTheRest) {
  Experiment x;
  const fs::path subset = WriteMiniSubset(x, AllTenPairs());
  // Each pair takes 300 s in the first ninja, longer than any wait below: only
  // the interrupt ends them, so ninja ending at all shows they were ended, not
  // waited for, and a double still alive afterwards is one that survived.
  cbtest::WriteText(x.plan(), R"({"default":["pass:300"]})");
  cbtest::CommandResult gen = GenerateCloud(x, subset, "solo");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;

  const fs::path log = x.dir / "ninja1.log";
  Job ninja(x.Env() + KeyEnv() + "exec ninja -j4", x.dir.path(), log);
  ASSERT_TRUE(WaitUntil([&] { return x.Calls() >= 4; }, kHangGuardS))
      << "four pairs never started: " << cbtest::ReadText(log);
  ASSERT_FALSE(AttemptProcesses(x).empty());

  ninja.SignalGroup(SIGINT);
  std::optional<int> code = ninja.Wait(kHangGuardS);
  ASSERT_TRUE(code.has_value()) << "ninja still running " << kHangGuardS
                                << " s after Ctrl-C: " << cbtest::ReadText(log);
  EXPECT_NE(*code, 0) << cbtest::ReadText(log);
  // Every cooperbench process (and its children) is gone: they would sleep
  // 300 s by themselves, so gone means ended by the interrupt.
  EXPECT_TRUE(WaitUntil([&] { return AttemptProcesses(x).empty(); }, kHangGuardS))
      << AttemptProcesses(x).size() << " cooperbench processes survived";

  // No record for an interrupted attempt; nothing half written; no pair left "running".
  const size_t calls_before = x.Calls();
  EXPECT_EQ(calls_before, 4u) << "-j4: exactly four pairs had started";
  const auto records_after_interrupt = cbtest::FindRecords(x.out());
  EXPECT_EQ(ExpectRecordsParse(x.out()), records_after_interrupt.size());
  EXPECT_TRUE(records_after_interrupt.empty()) << "every started pair was interrupted mid-run";
  EXPECT_TRUE(Leftovers(x.out()).empty()) << Leftovers(x.out()).front();
  const std::string log_text = cbtest::ReadText(log);
  EXPECT_NE(log_text.find("interrupted"), std::string::npos) << log_text;

  // The next ninja runs exactly the ten pairs without a record, each once.
  cbtest::WriteText(x.plan(), R"({"default":["pass"]})");
  cbtest::CommandResult again = NinjaWithKey(x, "-j4");
  ASSERT_EQ(again.exit_code, 0) << Tail(again.output);
  const auto records = cbtest::FindRecords(x.out());
  ASSERT_EQ(records.size(), 10u);
  const auto calls = CallsPerPair(x);
  for (const fs::path& r : records) {
    boost::json::value v = cbtest::ReadJson(r);
    EXPECT_EQ(v.at("tag"), "pass") << r;
    // An interrupted attempt is counted (its cost unknown), then the pair ran once more.
    const auto& attempts = v.at("attempts").as_array();
    const int agents = v.at("agent_attempts").to_number<int>();
    EXPECT_LE(agents, 2) << r;
    for (const auto& a : attempts)
      if (a.at("phase") == "agent" && a.at("n").to_number<int>() < agents) {
        EXPECT_EQ(a.at("reason"), "interrupted") << r;
        EXPECT_TRUE(a.at("cost_usd").is_null()) << r;
      }
    const std::string key = PairKeyOfRecord(r);
    ASSERT_TRUE(calls.count(key)) << key;
  }
  EXPECT_EQ(x.Calls() - calls_before, 10u) << "ten pairs had no record; each ran once";
  int twice = 0;
  for (const auto& [key, n] : calls) twice += n == 2;
  EXPECT_EQ(twice, 4) << "only the four interrupted pairs ran twice";
  EXPECT_NE(NinjaWithKey(x).output.find("no work to do"), std::string::npos);
}

// When ninja is interrupted it deletes the output of every edge still running
// whose file changed, so a record cbrun has just written (it is still exiting)
// is deleted. cbrun keeps a second link of each record and restores it, so the
// next ninja does not pay for that pair again. Here cbrun is made slow to exit
// by a wrapper so the window is certain: once cbrun has returned (and said so
// in a file), the wrapper becomes a `sleep` that only the Ctrl-C ends. (A
// Ctrl-C while cbrun still ran would reach cbrun alone, and the shell would go
// on to a sleep that never got it.)
TEST(Interrupt, ARecordWrittenJustBeforeCtrlCIsNotLost) {
  Experiment x;
  const fs::path subset = WriteMiniSubset(x, {{1, 2}});
  ASSERT_EQ(GenerateCloud(x, subset, "solo").exit_code, 0);
  const fs::path wrapper = x.dir / "slow-exit-cbrun";
  const fs::path returned = x.dir / "cbrun-returned";
  cbtest::WriteText(wrapper, "#!/bin/sh\n" + cbtest::Sh(cbtest::Cbrun()) + " \"$@\"; : >" +
                                 cbtest::Sh(returned.string()) + "; exec sleep 300\n");
  fs::permissions(wrapper, fs::perms::owner_all);
  std::string text = cbtest::ReadText(x.dir / "build.ninja");
  const size_t at = text.find("cbrun = ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, text.find('\n', at) - at, "cbrun = " + wrapper.string());
  const auto mtime = fs::last_write_time(x.dir / "build.ninja");
  cbtest::WriteText(x.dir / "build.ninja", text);
  fs::last_write_time(x.dir / "build.ninja", mtime);

  const fs::path record = x.out() / "command-a-solo/dspy_task/task8394/f1_f2.json";
  Job ninja(x.Env() + KeyEnv() + "exec ninja", x.dir.path(), x.dir / "ninja.log");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(returned); }, kHangGuardS))
      << cbtest::ReadText(x.dir / "ninja.log");
  ASSERT_TRUE(fs::exists(record)) << "cbrun returned without writing the record";
  ninja.SignalGroup(SIGINT);
  // The wrapper sleeps 300 s: ninja ends within the guard only if the Ctrl-C ended it.
  ASSERT_TRUE(ninja.Wait(kHangGuardS).has_value()) << cbtest::ReadText(x.dir / "ninja.log");
  EXPECT_EQ(x.Calls(), 1u);
  // The next ninja (with the real cbrun) has nothing to pay for.
  ASSERT_EQ(GenerateCloud(x, subset, "solo").exit_code, 0);
  cbtest::CommandResult again = NinjaWithKey(x);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(x.Calls(), 1u) << "the pair was paid for twice: " << again.output;
  EXPECT_TRUE(fs::exists(record));
}

// A signal sent to one cbrun (kill, a closed terminal, a batch system's TERM).
struct SignalToCbrun : testing::TestWithParam<std::tuple<int, std::string>> {};

TEST_P(SignalToCbrun, EndsTheAttemptWritesNoRecordAndThePairRunsAgain) {
  const auto [sig, outcome] = GetParam();
  Experiment x;
  const fs::path subset = WriteMiniSubset(x, {{1, 2}});
  cbtest::WriteText(x.plan(), R"({"default":[")" + outcome + R"(","pass"]})");
  ASSERT_EQ(GenerateCloud(x, subset, "solo").exit_code, 0);
  const std::string record = "out/command-a-solo/dspy_task/task8394/f1_f2.json";
  cbtest::CommandResult cmd = cbtest::Run("ninja -t commands " + record, x.dir.path());
  ASSERT_EQ(cmd.exit_code, 0) << cmd.output;
  std::string command = cmd.output.substr(0, cmd.output.find('\n'));
  ASSERT_NE(command.find("cbrun run"), std::string::npos) << command;

  const fs::path log = x.dir / "cbrun.log";
  Job cbrun(x.Env() + KeyEnv() + "exec " + command, x.dir.path(), log);
  ASSERT_TRUE(WaitUntil([&] { return x.Calls() == 1; }, kHangGuardS)) << cbtest::ReadText(log);
  const int double_pid =
      static_cast<int>(cbtest::ReadJsonLines(x.calls()).at(0).at("pid").as_int64());
  std::vector<int> group;
  if (outcome == "hang") {
    // The double's grandchild (sleep 3600) must not survive either.
    ASSERT_TRUE(WaitUntil([&] { return AttemptProcesses(x).size() >= 2; }, kHangGuardS));
  } else {
    // The double ignores TERM and INT once it has said so; a signal before
    // that would end it at once and leave the grace's KILL untested.
    auto ready = [&] { return IgnoresSignals(double_pid, {SIGTERM, SIGINT}); };
    ASSERT_TRUE(WaitUntil(ready, kHangGuardS));
  }
  group = AttemptProcesses(x);
  ASSERT_FALSE(group.empty());

  cbrun.Signal(sig);
  // The double sleeps an hour: cbrun ends within the guard only by ending it.
  std::optional<int> code = cbrun.Wait(kHangGuardS);
  ASSERT_TRUE(code.has_value()) << "cbrun still running " << kHangGuardS << " s after signal "
                                << sig;
  EXPECT_EQ(*code, 128 + sig) << cbtest::ReadText(log);
  EXPECT_FALSE(cbtest::ProcessAlive(double_pid));
  for (int pid : group) EXPECT_FALSE(cbtest::ProcessAlive(pid)) << pid;
  EXPECT_TRUE(AttemptProcesses(x).empty());
  EXPECT_FALSE(fs::exists(x.dir / record)) << cbtest::ReadText(x.dir / record);
  EXPECT_TRUE(Leftovers(x.out()).empty());
  EXPECT_NE(cbtest::ReadText(log).find("no record written"), std::string::npos)
      << cbtest::ReadText(log);

  // Pending again: the next ninja runs it once more and records the real outcome.
  cbtest::CommandResult run = NinjaWithKey(x);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(x.Calls(), 2u);
  boost::json::value rec = cbtest::ReadJson(x.dir / record);
  EXPECT_EQ(rec.at("tag"), "pass");
  // The interrupted attempt is in the record, its cost unknown (never $0).
  EXPECT_EQ(rec.at("agent_attempts"), 2);
  EXPECT_EQ(rec.at("attempts").at(0).at("reason"), "interrupted");
  EXPECT_TRUE(rec.at("attempts").at(0).at("cost_usd").is_null());
  EXPECT_EQ(rec.at("cost_unknown_attempts"), 1);
  // How the double ended: by the signal cbrun passed on, or, ignoring it, by
  // the KILL at the end of the grace.
  EXPECT_EQ(rec.at("attempts").at(0).at("signal"), outcome == "hang" ? sig : SIGKILL) << rec;
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalToCbrun,
                         testing::Values(std::make_tuple(SIGTERM, std::string("hang")),
                                         std::make_tuple(SIGHUP, std::string("hang")),
                                         std::make_tuple(SIGINT, std::string("hang")),
                                         // The double ignores TERM and INT: the grace ends in KILL.
                                         std::make_tuple(SIGTERM, std::string("sigterm_ignored")),
                                         std::make_tuple(SIGINT, std::string("sigterm_ignored"))),
                         [](const auto& info) {
                           std::string name = std::get<0>(info.param) == SIGTERM  ? "Term"
                                              : std::get<0>(info.param) == SIGHUP ? "Hup"
                                                                                  : "Int";
                           return name +
                                  (std::get<1>(info.param) == "hang" ? "Hang" : "SignalIgnored");
                         });

// An interrupt during the back-off before a retry: the failed attempt is not
// recorded either; the pair is pending again with no record.
TEST(Interrupt, DuringTheBackoffBeforeARetryWritesNoRecord) {
  Experiment x;
  const fs::path subset = WriteMiniSubset(x, {{1, 2}});
  cbtest::WriteText(x.plan(), R"({"default":["crash","pass"]})");
  cbtest::CommandResult gen = GenerateCloud(x, subset, "solo", "--backoff 600");
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  ASSERT_EQ(cbtest::ReadJson(x.out() / "config.json").at("backoff_s").to_number<double>(), 600);

  const fs::path log = x.dir / "ninja.log";
  Job ninja(x.Env() + KeyEnv() + "exec ninja", x.dir.path(), log);
  // The first attempt crashed and cbrun wrote its attempt file as ended: what
  // it does next is the 600 s back-off (a signal sooner waits for it in cbrun).
  ASSERT_TRUE(WaitUntil([&] { return x.Calls() == 1 && EndedAttempts(x) == 1; }, kHangGuardS))
      << cbtest::ReadText(log);
  // Whenever the Ctrl-C lands from here on (before the back-off starts or
  // during it), cbrun ends without a record and tidies up.
  ninja.SignalGroup(SIGINT);
  std::optional<int> code = ninja.Wait(kHangGuardS);
  ASSERT_TRUE(code.has_value()) << "the back-off was not interrupted: " << cbtest::ReadText(log);
  EXPECT_NE(*code, 0);
  // Ninja may end before cbrun does: Debian's sh stays between them and dies of
  // the Ctrl-C at once, while cbrun still tidies up. Its last act is removing
  // current.json: that is the event to wait for.
  EXPECT_TRUE(WaitUntil([&] { return Leftovers(x.out()).empty(); }, kHangGuardS))
      << Leftovers(x.out()).front();
  EXPECT_TRUE(cbtest::FindRecords(x.out()).empty());
  EXPECT_EQ(x.Calls(), 1u);
}

}  // namespace
