// Helpers for the fault-injection tests (interrupt, resume, concurrency, full
// disk, secrets): a job started the way a terminal starts one (its own session
// and process group), waiting with a deadline, finding the double's processes
// of one experiment, and a small cloud-backend experiment that needs no Docker.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include "test_util.h"

namespace cbtest::fault {

namespace fs = std::filesystem;

// A placeholder key: cbrun's preflight wants the variable set. Put it after
// Experiment::Env() so it wins over anything Env() sets. Tests about the
// key itself pass their own value.
inline std::string KeyEnv(const std::string& value = "cbtest-placeholder-key") {
  return "COHERE_API_KEY=" + Sh(value) + " ";
}

// A bound on a wait for an event that only a hang exceeds, on a loaded
// machine too (two cores, two ctest runs at once): no test's verdict rests on
// it, only on the event waited for.
inline constexpr double kHangGuardS = 120;

// Polls `done` every 50 ms until it holds or `seconds` pass.
inline bool WaitUntil(const std::function<bool()>& done, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// Boost.Process initializer run in the child before exec: a session of its
// own, as a terminal gives its foreground job.
struct NewSession {
  template <typename Launcher>
  boost::process::v2::error_code on_exec_setup(Launcher&,
                                               const boost::process::v2::filesystem::path&,
                                               const char* const*&) {
    if (::setsid() < 0) return {errno, boost::system::system_category()};
    return {};
  }
};

// `/bin/sh -c COMMAND` in `cwd` as the leader of a new session, like a
// terminal's foreground job: its pid is its process group id. stdout and
// stderr go to `log`. Killed (the whole group) if still running at the end.
class Job {
 public:
  Job(const std::string& command, const fs::path& cwd, const fs::path& log) {
    namespace bp = boost::process::v2;
    FILE* out = std::fopen(log.c_str(), "a");
    if (out == nullptr)
      throw std::system_error(errno, std::generic_category(), "cannot open " + log.string());
    boost::asio::io_context ctx;
    bp::process sh(ctx, "/bin/sh", {"-c", command}, bp::process_stdio{nullptr, out, out},
                   bp::process_start_dir{cwd.string()}, NewSession{});
    std::fclose(out);
    pid_ = sh.id();
    sh.detach();  // waited for below, by pid
  }
  ~Job() {
    if (!exit_code_ && pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
  }
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  pid_t pid() const { return pid_; }
  // Signals the whole process group, as a terminal does on Ctrl-C.
  void SignalGroup(int sig) const { ::kill(-pid_, sig); }
  void Signal(int sig) const { ::kill(pid_, sig); }

  // The exit code (128+N for signal N), or nullopt if still running after `seconds`.
  std::optional<int> Wait(double seconds) {
    WaitUntil([&] { return Reap(); }, seconds);
    return exit_code_;
  }

 private:
  bool Reap() {
    if (exit_code_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Live processes started by cbrun for this experiment: the double and anything
// it started (they carry CBRUN_ATTEMPT_ID and this experiment's call log in
// their environment). Other tests' doubles running at the same time are not
// counted.
inline std::vector<int> AttemptProcesses(const Experiment& x) {
  const std::string mine = "FAKE_CB_CALLS=" + x.calls().string();
  std::vector<int> pids;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string env = ReadText(e.path() / "environ");
    bool has_calls = false, has_attempt = false;
    for (size_t pos = 0; pos < env.size();) {
      size_t end = env.find('\0', pos);
      if (end == std::string::npos) end = env.size();
      const std::string kv = env.substr(pos, end - pos);
      has_calls = has_calls || kv == mine;
      has_attempt = has_attempt || kv.rfind("CBRUN_ATTEMPT_ID=", 0) == 0;
      pos = end + 1;
    }
    if (has_calls && has_attempt && ProcessAlive(std::stoi(name))) pids.push_back(std::stoi(name));
  }
  return pids;
}

// True when `pid` ignores every one of `signals` (SigIgn in /proc/PID/status):
// a child that set its handlers is ready for the signal a test sends.
inline bool IgnoresSignals(int pid, std::initializer_list<int> signals) {
  const std::string status = ReadText("/proc/" + std::to_string(pid) + "/status");
  const size_t at = status.find("SigIgn:");
  if (at == std::string::npos) return false;
  const unsigned long long ignored = std::stoull(status.substr(at + 7), nullptr, 16);
  for (int sig : signals)
    if ((ignored & (1ull << (sig - 1))) == 0) return false;
  return true;
}

// "RUN_NAME REPO/TASK fA_fB" of each call in the double's call log, with counts.
inline std::map<std::string, int> CallsPerPair(const Experiment& x) {
  std::map<std::string, int> counts;
  for (const auto& call : ReadJsonLines(x.calls())) {
    const auto& argv = call.at("argv").as_array();
    std::string n, r, t, f;
    for (size_t i = 0; i + 1 < argv.size(); ++i) {
      const std::string a(argv[i].as_string());
      const std::string v(argv[i + 1].as_string());
      if (a == "-n") n = v;
      if (a == "-r") r = v;
      if (a == "-t") t = v;
      if (a == "-f") f = v;
    }
    const size_t comma = f.find(',');
    counts[n + " " + r + "/" + t + " f" + f.substr(0, comma) + "_f" + f.substr(comma + 1)]++;
  }
  return counts;
}

// The same key for a record OUT/RUN/REPO/taskT/fA_fB.json.
inline std::string PairKeyOfRecord(const fs::path& record) {
  const fs::path task = record.parent_path();
  const fs::path repo = task.parent_path();
  const fs::path run = repo.parent_path();
  return run.filename().string() + " " + repo.filename().string() + "/" +
         task.filename().string().substr(4) + " " + record.stem().string();
}

// Subset file of dspy_task/8394 (features 1..5 in the test dataset) with these pairs.
inline fs::path WriteMiniSubset(const Experiment& x, const std::vector<std::pair<int, int>>& pairs,
                                const std::string& name = "mini.json") {
  std::string list;
  for (auto [a, b] : pairs) {
    if (!list.empty()) list += ',';
    list.append("[").append(std::to_string(a)).append(",").append(std::to_string(b)).append("]");
  }
  const fs::path path = x.dir / name;
  WriteText(path, R"({"tasks":[{"repo":"dspy_task","task_id":8394,"pairs":[)" + list + "]}]}");
  return path;
}

// Every 2-combination of features 1..5: 10 pairs.
inline std::vector<std::pair<int, int>> AllTenPairs() {
  std::vector<std::pair<int, int>> pairs;
  for (int a = 1; a <= 5; ++a)
    for (int b = a + 1; b <= 5; ++b) pairs.emplace_back(a, b);
  return pairs;
}

// cbgen ARGS in the experiment folder, with the double's environment.
inline CommandResult RunCbgen(const Experiment& x, const std::string& args) {
  return Run(x.Env() + Sh(Cbgen()) + " " + args, x.dir.path());
}

// cbgen for a cloud backend (no image targets, so no Docker) with the double,
// quick back-off (unless `extra` sets --backoff) and a 1 s grace.
inline CommandResult GenerateCloud(const Experiment& x, const fs::path& subset,
                                   const std::string& settings = "solo",
                                   const std::string& extra = "") {
  std::string args = Sh(subset.string()) + " --dataset-dir " + Sh(DatasetDir().string()) +
                     " --cooperbench " + Sh(FakeCooperbench()) +
                     " --grace 1 --backend modal --settings " + settings;
  if (extra.find("--backoff") == std::string::npos) args += " --backoff 0.05";
  return RunCbgen(x, args + " " + extra);
}

// ninja with the double's environment and an API key.
inline CommandResult NinjaWithKey(const Experiment& x, const std::string& args = "",
                                  const std::string& key_env = KeyEnv()) {
  return Run(x.Env() + key_env + "ninja " + args, x.dir.path());
}

// Every record parses and carries a tag; returns how many there are.
inline size_t ExpectRecordsParse(const fs::path& out) {
  size_t n = 0;
  for (const fs::path& r : FindRecords(out)) {
    ++n;
    boost::json::value v;
    EXPECT_NO_THROW(v = ReadJson(r)) << r << ": " << ReadText(r);
    if (!v.is_object()) {
      ADD_FAILURE() << r << " is not a JSON object";
      continue;
    }
    EXPECT_TRUE(v.as_object().contains("tag")) << r;
    EXPECT_TRUE(v.as_object().contains("attempts")) << r;
  }
  return n;
}

// Files cbrun leaves only while a pair runs, and temporary files of atomic writes.
inline std::vector<fs::path> Leftovers(const fs::path& out) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& f : fs::recursive_directory_iterator(out, ec)) {
    const std::string name = f.path().filename().string();
    if (name == "current.json" || name.find(".tmp.") != std::string::npos)
      found.push_back(f.path());
  }
  return found;
}

}  // namespace cbtest::fault
