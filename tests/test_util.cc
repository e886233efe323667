#include "test_util.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <thread>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/naming.h"
#include "generator/dataset.h"

namespace cbtest {

namespace {
// Every test process runs with a dummy API key, so that the preflight's key
// check passes and a real key from the developer's shell never reaches a test
// log. Tests of a missing key unset it (env -u); tests of secrets set their own.
const bool kDummyApiKey = ::setenv("COHERE_API_KEY", "cbtest-dummy-key", 1) == 0;
}  // namespace

std::string Cbgen() {
  return CBTEST_CBGEN;
}
std::string Cbrun() {
  return CBTEST_CBRUN;
}
std::string FakeCooperbench() {
  return CBTEST_FAKE_COOPERBENCH;
}
fs::path DatasetDir() {
  return fs::path(CBTEST_DATASET_DIR).lexically_normal();
}
fs::path SourceDir() {
  return CBTEST_SOURCE_DIR;
}

// A test whose ninja started Redis (out/services/redis-PORT/redis.pid) must not
// leave it answering on that port for the next test.
static void StopRedisServersUnder(const fs::path& root) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 4) it.disable_recursion_pending();
    if (it->path().filename() != "redis.pid") continue;
    const int pid = std::atoi(ReadText(it->path()).c_str());
    if (pid > 1 && ReadText("/proc/" + std::to_string(pid) + "/comm").rfind("redis-server", 0) == 0)
      ::kill(pid, SIGKILL);
  }
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = (fs::path(base ? base : "/tmp") / "cbtest.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  StopRedisServersUnder(path_);
  if (std::getenv("CBTEST_KEEP")) return;
  // Tests may leave read-only or mounted folders behind them; best effort.
  std::error_code ec;
  fs::remove_all(path_, ec);
}

namespace {
// No command of a test takes minutes: one still running after this is most
// likely hung, and the processes it left are what CI's log needs to show.
constexpr auto kHangReportAfter = std::chrono::seconds(240);

// While alive, reports a command that runs past kHangReportAfter once, on
// stderr, with the process tree at that moment (ctest's timeout still ends
// the test).
class HangReporter {
 public:
  explicit HangReporter(const std::string& command)
      : thread_([this, command] {
          std::unique_lock<std::mutex> lock(mutex_);
          if (done_changed_.wait_for(lock, kHangReportAfter, [this] { return done_; })) return;
          std::fprintf(stderr, "cbtest: still running after %llds, the processes now:\n  %s\n",
                       static_cast<long long>(kHangReportAfter.count()), command.c_str());
          std::fflush(stderr);
          (void)!std::system("ps --ppid 2 -p 2 --deselect -o pid,ppid,pgid,stat,wchan:24,etime,args --forest >&2");
        }) {}
  ~HangReporter() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    done_changed_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_changed_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the rest is made
};
}  // namespace

CommandResult Run(const std::string& command, const fs::path& cwd) {
  const HangReporter hang_reporter(command);
  std::string full = command;
  if (!cwd.empty()) full = "cd " + Sh(cwd.string()) + " && " + command;
  full = "( " + full + " ) </dev/null 2>&1";
  CommandResult r;
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  if (WIFEXITED(status))
    r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.exit_code = 128 + WTERMSIG(status);
  return r;
}

void TouchNewerThan(const fs::path& file, const fs::path& reference) {
  const fs::file_time_type after = fs::last_write_time(reference) + std::chrono::milliseconds(10);
  while (fs::file_time_type::clock::now() <= after)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  fs::last_write_time(file, fs::file_time_type::clock::now());
}

std::string Sh(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0';
}

std::string OwnNetworkUnavailableReason() {
  CommandResult r = Run("unshare --net true");
  return r.exit_code == 0 ? "" : "unshare --net fails: " + r.output;
}

std::string InOwnNetwork(const std::string& command) {
  return "unshare --net -- sh -c " + Sh(command);
}

std::string DockerUnavailableReason() {
  static const std::string reason = [] {
    CommandResult r = Run("docker version --format '{{.Server.Version}}'");
    std::string out = r.output.substr(0, 200);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    if (r.exit_code != 0) return "docker version: " + out;
    return std::string();
  }();
  return reason;
}

std::string TagTestImages(const std::vector<std::string>& images) {
  const std::string base = "cbtest/busybox:latest";
  if (Run("docker image inspect " + base + " >/dev/null 2>&1").exit_code != 0) {
    TempDir root;
    std::string cmd =
        "mkdir -p rootfs/bin rootfs/workspace/repo && cp /bin/busybox rootfs/bin/busybox && "
        "for c in sh test sleep true cat ls; do ln -sf busybox rootfs/bin/$c; done && "
        "tar -C rootfs -c . | docker import -c 'ENTRYPOINT [\"/bin/false\"]' - " +
        base;
    CommandResult r = Run(cmd, root.path());
    if (r.exit_code != 0) return "cannot make the test image: " + r.output;
  }
  std::string cmd;
  for (const std::string& img : images) cmd += "docker tag " + base + " " + Sh(img) + " && ";
  cmd += "true";
  CommandResult r = Run(cmd);
  return r.exit_code == 0 ? "" : "docker tag failed: " + r.output;
}

std::vector<std::string> SubsetImages(const std::string& subset) {
  std::vector<std::string> images;
  auto sel = cb::SelectTasks(DatasetDir(), subset);
  if (!sel.ok()) return images;
  for (const cb::TaskSpec& t : sel->tasks)
    images.push_back(cb::CanonicalImageName(t.repo, t.task_id));
  return images;
}

bool Sanitized() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

BulkSize Bulk() {
  if (Sanitized()) return {"flash", 20, 50};
  return {"lite", 26, 100};
}

void RemoveImages(const std::vector<std::string>& images) {
  std::string cmd = "docker rmi";
  for (const std::string& img : images) cmd.append(" ").append(Sh(img));
  Run(cmd + " >/dev/null 2>&1");
}

bool ProcessAlive(int pid) {
  std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

std::vector<boost::json::value> ReadJsonLines(const fs::path& path) {
  std::vector<boost::json::value> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(boost::json::parse(line));
  return lines;
}

boost::json::value ReadJson(const fs::path& path) {
  return boost::json::parse(ReadText(path));
}

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> FindRecords(const fs::path& out) {
  std::vector<fs::path> records;
  std::error_code ec;
  for (const auto& run_dir : fs::directory_iterator(out, ec)) {
    const std::string name = run_dir.path().filename().string();
    if (!run_dir.is_directory() || name == "logs" || name == "images" || name == "services" ||
        name == "forgotten" || name == "locks")
      continue;
    for (const auto& f : fs::recursive_directory_iterator(run_dir.path(), ec))
      if (f.is_regular_file() && f.path().extension() == ".json") records.push_back(f.path());
  }
  std::sort(records.begin(), records.end());
  return records;
}

std::string Experiment::Env() const {
  return "FAKE_CB_CALLS=" + Sh(calls().string()) + " FAKE_CB_EVAL_CALLS=" + Sh(eval_calls().string()) +
         " FAKE_CB_STATE=" + Sh((dir / "state").string()) +
         (fs::exists(plan()) ? " FAKE_CB_PLAN=" + Sh(plan().string()) : "") + " ";
}

CommandResult Experiment::Generate(const std::string& subset, const std::string& extra) const {
  return Run(Env() + Sh(Cbgen()) + " " + subset + " --dataset-dir " + Sh(DatasetDir().string()) +
                 " --cooperbench " + Sh(FakeCooperbench()) + " --backoff 0.05 --grace 1 " + extra,
             dir.path());
}

CommandResult Experiment::Ninja(const std::string& args) const {
  return Run(Env() + "ninja " + args, dir.path());
}

}  // namespace cbtest
