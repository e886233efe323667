// Issue 5, item 6: the API keys reach cooperbench through its environment and
// nowhere else: not build.ninja, .ninja_log, records, config, logs, nor what
// cbgen, cbrun and ninja print, after a run with passes, failures, retries and
// a fatal authentication error.
// Issue 16, item 6: nor when upstream quotes the key in its output, or when
// --redis holds a password (which reaches cooperbench's --redis and a Redis
// that cbrun starts requiring it, kept in OUT/secrets/redis-url only).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "core/run_config.h"
#include "interrupt_util.h"
#include "services_test_util.h"

namespace {

using cbtest::Experiment;
using namespace cbtest::fault;
namespace fs = std::filesystem;

// Distinctive values that cannot occur by accident.
const std::string kCohere = "cbtest-cohere-SECRET-7f3a9c1e5b";
const std::string kOpenai = "cbtest-openai-SECRET-2d8e4b6a0f";

std::string Keys() {
  return "COHERE_API_KEY=" + cbtest::Sh(kCohere) + " OPENAI_API_KEY=" + cbtest::Sh(kOpenai) +
         " ANTHROPIC_API_KEY=" + cbtest::Sh(kOpenai + "-b") + " ";
}

// Files under `root` (not the double's call log or plan) holding `secret`.
std::vector<std::string> FilesHolding(const fs::path& root, const std::string& secret,
                                      const std::set<fs::path>& skip) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || skip.count(it->path())) continue;
    if (cbtest::ReadText(it->path()).find(secret) != std::string::npos)
      found.push_back(it->path().string());
  }
  return found;
}

TEST(Secrets, NoKeyValueInAnythingTheProjectWrites) {
  Experiment x;
  const fs::path subset = WriteMiniSubset(x, {{1, 2}, {1, 3}, {2, 3}, {3, 4}});
  cbtest::WriteText(x.plan(), R"({"default":["pass"],"pairs":{
      "dspy_task/8394/f1_f3": ["fail"],
      "dspy_task/8394/f2_f3": ["crash", "rate_limit", "pass"],
      "dspy_task/8394/f3_f4": ["hang", "agent_error", "api_timeout"]}})");
  std::string output;

  // cbgen with the keys in its environment (and --api-key-env naming one).
  cbtest::CommandResult gen = cbtest::Run(
      x.Env() + Keys() + cbtest::Sh(cbtest::Cbgen()) + " " + cbtest::Sh(subset.string()) +
          " --dataset-dir " + cbtest::Sh(cbtest::DatasetDir().string()) + " --cooperbench " +
          cbtest::Sh(cbtest::FakeCooperbench()) +
          " --backend modal --settings solo,coop-nocomm --backoff 0.05 --grace 1 --timeout 10" +
          " --api-key-env COHERE_API_KEY",
      x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  output += gen.output;

  cbtest::CommandResult run = cbtest::Run(x.Env() + Keys() + "ninja -v -j4", x.dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  output += run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 8u);
  // One pair directly, with cbrun's own output.
  fs::remove(x.out() / "command-a-solo/dspy_task/task8394/f2_f3.json");
  cbtest::CommandResult cmd = cbtest::Run(
      "ninja -t commands out/command-a-solo/dspy_task/task8394/f2_f3.json", x.dir.path());
  cbtest::CommandResult direct = cbtest::Run(x.Env() + Keys() + cmd.output, x.dir.path());
  EXPECT_EQ(direct.exit_code, 0) << direct.output;
  output += direct.output;

  // A key cooperbench rejects: a fatal error, reported without the key.
  cbtest::WriteText(x.plan(), R"({"default":["auth"]})");
  fs::remove(x.out() / "command-a-solo/dspy_task/task8394/f1_f2.json");
  cbtest::CommandResult auth = cbtest::Run(x.Env() + Keys() + "ninja -v", x.dir.path());
  EXPECT_NE(auth.exit_code, 0) << auth.output;
  EXPECT_NE(auth.output.find("COHERE_API_KEY"), std::string::npos)
      << "names the variable: " << auth.output;
  output += auth.output;

  // The project's reports and checks, which read everything above.
  for (const std::string sub : {"status", "report", "doctor"}) {
    cbtest::CommandResult r =
        cbtest::Run(x.Env() + Keys() + cbtest::Sh(cbtest::Cbgen()) + " " + sub, x.dir.path());
    output += r.output;
  }

  // cooperbench did get the key, through its environment.
  const auto calls = cbtest::ReadJsonLines(x.calls());
  ASSERT_GE(calls.size(), 12u);
  for (const auto& call : calls)
    EXPECT_EQ(call.at("has_api_key"), true) << boost::json::serialize(call);

  const std::set<fs::path> skip = {x.calls(), x.plan()};
  for (const std::string& secret : {kCohere, kOpenai}) {
    EXPECT_EQ(output.find(secret), std::string::npos) << "printed";
    EXPECT_EQ(FilesHolding(x.dir.path(), secret, skip), std::vector<std::string>{});
    // The call log holds argv: the key was not on cooperbench's command line either.
    EXPECT_EQ(cbtest::ReadText(x.calls()).find(secret), std::string::npos);
  }
  ASSERT_TRUE(fs::exists(x.dir / ".ninja_log"));
  ASSERT_TRUE(fs::exists(x.dir / "build.ninja"));
  ASSERT_TRUE(fs::exists(x.out() / "config.json"));
}

// RunConfig keeps the password apart: shown as ***, kept in OUT/secrets/redis-url,
// read back by Load() and by a `***` typed on a regeneration.
TEST(RedisSecret, ShownAsStarsKeptApartAndReadBack) {
  cbtest::TempDir out;
  cb::RunConfig c;
  c.SetRedisUrl("redis://user:cbtest-pw-123456@127.0.0.1:6391/0");
  EXPECT_EQ(c.redis_url, "redis://user:***@127.0.0.1:6391/0");
  EXPECT_EQ(c.RedisUrlWithPassword(), "redis://user:cbtest-pw-123456@127.0.0.1:6391/0");
  ASSERT_TRUE(c.StoreRedisSecret(out.path()).ok());
  EXPECT_EQ(c.redis_url_file, "secrets/redis-url");
  const std::string json = boost::json::serialize(c.ToJson());
  EXPECT_EQ(json.find("cbtest-pw"), std::string::npos) << json;
  cbtest::WriteText(out / "config.json", json);
  absl::StatusOr<cb::RunConfig> loaded = cb::RunConfig::Load(out / "config.json");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->RedisUrlWithPassword(), "redis://user:cbtest-pw-123456@127.0.0.1:6391/0");
  EXPECT_EQ(loaded->MakeRedactor().Redact("AUTH cbtest-pw-123456"), "AUTH ***");

  // A regeneration types the URL as shown.
  cb::RunConfig regen;
  regen.SetRedisUrl("redis://user:***@127.0.0.1:6391/0");
  ASSERT_TRUE(regen.RestoreRedisSecret(out.path()).ok());
  EXPECT_EQ(regen.RedisUrlWithPassword(), "redis://user:cbtest-pw-123456@127.0.0.1:6391/0");
  // ... but not another Redis's.
  cb::RunConfig other;
  other.SetRedisUrl("redis://user:***@127.0.0.1:7000/0");
  absl::Status s = other.RestoreRedisSecret(out.path());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("run cbgen again with the whole --redis URL"), std::string::npos) << s;
  EXPECT_EQ(std::string(s.message()).find("cbtest-pw"), std::string::npos) << s;

  // No password any more: the kept one goes.
  cb::RunConfig plain;
  plain.SetRedisUrl("redis://127.0.0.1:6391");
  ASSERT_TRUE(plain.StoreRedisSecret(out.path()).ok());
  EXPECT_FALSE(fs::exists(out / "secrets/redis-url"));
  EXPECT_EQ(plain.redis_url_file, "");
  // And a config pointing at a lost file says what to do.
  fs::remove(out / "secrets/redis-url");
  loaded = cb::RunConfig::Load(out / "config.json");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("secrets/redis-url"), std::string::npos);
}

const std::string kRedisPassword = "cbtest-redis-PASSWORD-5e1d";

// A cooperbench that quotes the keys and its --redis argument on stdout and
// stderr, as a provider's error text can, and checks that Redis takes the
// password (AUTH, PING). For pair 1,3 it then fails without writing anything;
// otherwise it hands over to the double. What it got is kept in `argv_log`
// (outside OUT: it holds the password, as cooperbench's command line does).
fs::path WriteQuotingCooperbench(const fs::path& dir, const fs::path& argv_log) {
  const fs::path folder = dir / "quoting-cooperbench";
  fs::create_directories(folder);
  const fs::path double_path = cbtest::FakeCooperbench();
  fs::create_directory_symlink(double_path.parent_path() / "cooperbench-0.0.19.dist-info",
                               folder / "cooperbench-0.0.19.dist-info");
  const fs::path script = folder / "cooperbench";
  cbtest::WriteText(script,
                    "#!/usr/bin/python3\n"
                    "import os, socket, sys\n"
                    "a = sys.argv[1:]\n"
                    "if a[:1] == ['run'] and '--help' not in a:\n"
                    "    with open(" +
                        cbtest::Sh(argv_log.string()) +
                        ", 'a') as f:\n"
                        "        f.write(' '.join(a) + '\\n')\n"
                        "    redis = a[a.index('--redis') + 1] if '--redis' in a else ''\n"
                        "    for out in (sys.stdout, sys.stderr):\n"
                        "        print('litellm.RateLimitError: CohereException - key ' +\n"
                        "              os.environ.get('COHERE_API_KEY', '') + ' (openai ' +\n"
                        "              os.environ.get('OPENAI_API_KEY', '') + ') redis ' + redis,\n"
                        "              file=out, flush=True)\n"
                        "    if redis:\n"
                        "        rest = redis.split('://', 1)[1].split('/')[0]\n"
                        "        auth, _, hostport = rest.rpartition('@')\n"
                        "        host, _, port = hostport.rpartition(':')\n"
                        "        pw = auth.split(':', 1)[1]\n"
                        "        s = socket.create_connection((host, int(port)), timeout=5)\n"
                        "        s.sendall(('AUTH ' + pw + '\\r\\nPING\\r\\n').encode())\n"
                        "        got = b''\n"
                        "        while got.count(b'\\r\\n') < 2:\n"
                        "            got += s.recv(64)\n"
                        "        if got != b'+OK\\r\\n+PONG\\r\\n':\n"
                        "            print('error: Redis refused the password', file=sys.stderr)\n"
                        "            sys.exit(1)\n"
                        "    if a[a.index('-f') + 1] == '1,3':\n"
                        "        sys.exit(1)\n"
                        "os.execv(" +
                        cbtest::Sh(double_path.string()) + ", [" +
                        cbtest::Sh(double_path.string()) + "] + a)\n");
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

TEST(Secrets, AQuotedKeyAndARedisPasswordLeaveNoTrace) {
  CBTEST_REQUIRE_DOCKER();
  ASSERT_EQ(cbtest::TagTestImages({"akhatua/cooperbench-dspy:task8394"}), "");
  Experiment x;
  const int port = cbtest::FreePort();
  const std::string url = "redis://:" + kRedisPassword + "@127.0.0.1:" + std::to_string(port);
  const fs::path argv_log = x.dir / "quoting-argv.txt";
  const fs::path cooperbench = WriteQuotingCooperbench(x.dir.path(), argv_log);
  const fs::path subset = cbtest::WriteOneTaskSubset(x.dir.path(), "dspy_task", 8394, 2);
  std::string output;

  cbtest::CommandResult gen = cbtest::Run(
      x.Env() + Keys() + cbtest::Sh(cbtest::Cbgen()) + " " + cbtest::Sh(subset.string()) +
          " --dataset-dir " + cbtest::Sh(cbtest::DatasetDir().string()) + " --cooperbench " +
          cbtest::Sh(cooperbench.string()) + " --settings solo,coop-comm --retries 0" +
          " --backoff 0.05 --grace 1 --redis " + cbtest::Sh(url),
      x.dir.path());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  output += gen.output;
  const fs::path redis_dir = x.out() / "services" / ("redis-" + std::to_string(port));
  cbtest::KillPidFileAtExit stop_redis{redis_dir / "redis.pid"};

  // Only the owner may read where the password is kept.
  const fs::path secret = x.out() / "secrets" / "redis-url";
  EXPECT_EQ(cbtest::ReadText(secret), url + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(secret.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(secret.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  const std::string shown = "redis://:***@127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(cbtest::ReadJson(x.out() / "config.json").at("redis_url"), shown.c_str());
  EXPECT_NE(cbtest::ReadText(x.dir / "build.ninja").find("--redis '" + shown + "'"),
            std::string::npos)
      << "the regeneration edge carries the URL as shown";

  cbtest::CommandResult run = cbtest::Run(x.Env() + Keys() + "ninja -v -j4", x.dir.path());
  output += run.output;
  EXPECT_EQ(cbtest::FindRecords(x.out()).size(), 4u) << cbtest::Tail(run.output);
  for (const fs::path& r : cbtest::FindRecords(x.out())) {
    const std::string want = r.filename() == "f1_f2.json" ? "pass" : "infra_error";
    EXPECT_EQ(cbtest::ReadJson(r).at("tag"), want.c_str()) << r << ": " << cbtest::ReadText(r);
  }
  // cooperbench got the whole URL (it takes the password on its command line
  // only), and the Redis cbrun started takes that password and requires it.
  const std::string got = cbtest::ReadText(argv_log);
  EXPECT_NE(got.find("--redis " + url + " "), std::string::npos) << got;
  EXPECT_NE(cbtest::Run("redis-cli -h 127.0.0.1 -p " + std::to_string(port) + " PING")
                .output.find("NOAUTH"),
            std::string::npos);
  const std::string pid = cbtest::ReadText(redis_dir / "redis.pid");
  ASSERT_FALSE(pid.empty());
  EXPECT_EQ(
      cbtest::ReadText("/proc/" + std::to_string(std::stoi(pid)) + "/cmdline").find(kRedisPassword),
      std::string::npos)
      << "redis-server got the password on its stdin, not its command line";

  // A regeneration carries the URL as shown and finds the password again.
  cbtest::TouchNewerThan(subset, x.dir / "build.ninja");
  cbtest::CommandResult regen = cbtest::Run(x.Env() + Keys() + "ninja -v -j4", x.dir.path());
  output += regen.output;
  EXPECT_EQ(regen.exit_code, 0) << regen.output;
  EXPECT_NE(regen.output.find("cbgen: wrote build.ninja"), std::string::npos) << regen.output;
  EXPECT_EQ(cbtest::ReadText(secret), url + "\n");
  EXPECT_EQ(cbtest::ReadJson(x.out() / "config.json").at("redis_url_file"), "secrets/redis-url");
  // ... and the next attempt still gets the whole URL.
  fs::remove(x.out() / "command-a-coop-comm/dspy_task/task8394/f1_f2.json");
  cbtest::CommandResult again = cbtest::Run(x.Env() + Keys() + "ninja -v -j4", x.dir.path());
  output += again.output;
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(
      cbtest::ReadJson(x.out() / "command-a-coop-comm/dspy_task/task8394/f1_f2.json").at("tag"),
      "pass");

  for (const std::string sub : {"status", "report", "doctor"}) {
    cbtest::CommandResult r =
        cbtest::Run(x.Env() + Keys() + cbtest::Sh(cbtest::Cbgen()) + " " + sub, x.dir.path());
    output += r.output;
  }
  cbtest::CommandResult doctor =
      cbtest::Run(x.Env() + Keys() + cbtest::Sh(cbtest::Cbgen()) + " doctor --redis " +
                      cbtest::Sh(url) + " --settings coop-comm",
                  x.dir.path());
  EXPECT_NE(doctor.output.find(shown), std::string::npos) << doctor.output;
  output += doctor.output;

  // The logs hold what cooperbench printed, redacted.
  std::string log;
  for (const auto& e : fs::recursive_directory_iterator(x.out() / "logs"))
    if (e.path().filename() == "cooperbench.log") log += cbtest::ReadText(e.path());
  EXPECT_NE(log.find("CohereException - key *** (openai ***) redis " + shown), std::string::npos)
      << log;

  const std::set<fs::path> skip = {x.calls(), x.plan(), argv_log, secret};
  for (const std::string& value : {kCohere, kOpenai, kRedisPassword}) {
    EXPECT_EQ(output.find(value), std::string::npos) << value << " printed";
    EXPECT_EQ(FilesHolding(x.dir.path(), value, skip), std::vector<std::string>{}) << value;
  }
}

}  // namespace
