"""bench/run's tools: running and timing commands, reading and writing Ninja files,
records and .ninja_log the way Ninja and cbrun do, the bare Ninja floor, and the
network namespaces of the Redis section. No measurement is made here."""
import contextlib
import ctypes
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOUBLE = os.path.join(ROOT, "tests", "fake_cooperbench", "cooperbench")
MAKE_DATASET = os.path.join(ROOT, "bench", "make_dataset")
MAKE_TEST_DATASET = os.path.join(ROOT, "tests", "data", "make_dataset")
FEATURES = 10  # synthetic tasks: 45 pairs, 135 run targets each
MODEL, AGENT = "command-a-03-2025", "mini_swe_agent_v2"  # the double plays 0.0.19
# cbrun tracks the attempt's containers (a Docker Engine API proxy per attempt, named by
# DOCKER_HOST) only when it finds the docker CLI: pointing --docker nowhere measures cbrun without it.
NO_TRACKING = ["--docker", "/nonexistent/docker"]

START = time.time()


def log(msg):
    print(f"bench: {time.time() - START:6.1f}s {msg}", file=sys.stderr, flush=True)


def run(cmd, cwd=None, env=None, check=True, quiet=True):
    r = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE if quiet else None,
                       stderr=subprocess.STDOUT if quiet else None, text=True)
    if check and r.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout or ''}")
    return r


def timed(cmd, cwd=None, env=None, stdout=subprocess.DEVNULL):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                       stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({r.returncode}): {r.stderr}")
    return dt


def median_time(cmd, repeat, cwd=None, env=None):
    return statistics.median(timed(cmd, cwd, env) for _ in range(repeat))


def count_run_edges(path):
    with open(path) as f:
        return sum(1 for line in f if line.startswith("build ") and ": run" in line)


def unescape(p):
    return p.replace("$ ", " ").replace("$:", ":").replace("$$", "$")


def run_edge_order(path, setting):
    """(repo, task, a, b) of one setting's run edges, in manifest order."""
    order = []
    with open(path) as f:
        for line in f:
            if line.startswith("build ") and line.rstrip().endswith((": run", ": run || images")):
                rec = unescape(line[len("build "):line.rindex(": run")])
                parts = rec.split("/")
                if not parts[-4].endswith("-" + setting):
                    continue
                a, b = parts[-1][1:-len(".json")].split("_f")
                order.append((parts[-3], int(parts[-2][4:]), int(a), int(b)))
    return order


def write_records(path, build_dir):
    """A record for every run edge, as cbrun writes them; returns how many."""
    n = 0
    with open(path) as f:
        lines = [line for line in f if line.startswith("build ") and ": run" in line]
    for line in lines:
        rec = unescape(line[len("build "):line.index(": run")])
        parts = rec.split("/")
        run_name, repo, task, pair = parts[-4], parts[-3], int(parts[-2][4:]), parts[-1][:-5]
        a, b = (int(x) for x in pair[1:].split("_f"))
        setting = next(s for s in ("coop-nocomm", "coop-comm", "solo") if run_name.endswith(s))
        duration = 60.0 + (hash((repo, task, a, b)) % 540)
        full = os.path.join(build_dir, rec)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as out:
            json.dump({"schema": 1, "tag": "pass", "reason": "tests_passed", "detail": "",
                       "setting": setting, "run_name": run_name, "repo": repo, "task_id": task,
                       "features": [a, b], "model": MODEL, "agent": AGENT, "backend": "modal",
                       "cost_usd": 0.1, "tokens": {"input": 1000, "output": 100},
                       "duration_s": duration, "started_at": "2026-01-01T00:00:00Z",
                       "finished_at": "2026-01-01T00:10:00Z", "feature1_passed": True,
                       "feature2_passed": True, "attempts": []}, out)
        n += 1
    return n


def murmur64a(data):
    """Ninja's MurmurHash64A (build_log.cc), the command hash in .ninja_log."""
    m, r, mask = 0xC6A4A7935BD1E995, 47, (1 << 64) - 1
    h = (0xDECAFBADDECAFBAD ^ (len(data) * m)) & mask
    n8 = len(data) // 8 * 8
    for i in range(0, n8, 8):
        k = int.from_bytes(data[i:i + 8], "little") * m & mask
        k ^= k >> r
        k = k * m & mask
        h = (h ^ k) * m & mask
    tail = data[n8:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = h * m & mask
    h ^= h >> r
    h = h * m & mask
    return h ^ (h >> r)


def run_commands(d):
    """{record path: command} of every run edge, as Ninja evaluates them."""
    cmds = {}
    for line in run(["ninja", "-t", "commands", "all"], cwd=d).stdout.splitlines():
        if " run " in line and " --record " in line:
            cmds[line.rsplit(" --record ", 1)[1]] = line
    return cmds


def check_ninja_log(d):
    with open(os.path.join(d, ".ninja_log")) as f:
        logged = {p: h for _, _, _, p, h in (l.rstrip("\n").split("\t") for l in f if l[0] != "#")}
    cmds = run_commands(d)
    bad = [p for p, c in cmds.items() if logged.get(p) != f"{murmur64a(c.encode()):x}"]
    if bad or not cmds:
        sys.exit(f"bench: computed command hashes differ from Ninja's .ninja_log in {d}: {bad[:3]}")


def write_ninja_log(d):
    with open(os.path.join(d, ".ninja_log"), "w") as f:
        f.write("# ninja log v5\n")
        for path, cmd in run_commands(d).items():
            mtime = os.stat(os.path.join(d, path)).st_mtime_ns
            f.write(f"0\t1\t{mtime}\t{path}\t{murmur64a(cmd.encode()):x}\n")


def plan_pairs(dataset):
    """Every 2-combination of every task of a synthetic dataset, in cbgen's name order."""
    pairs = []
    for repo in sorted(os.listdir(dataset)):
        if repo == "subsets":
            continue
        for task in sorted(os.listdir(os.path.join(dataset, repo))):
            tid = int(task[4:])
            feats = sorted(int(f[7:]) for f in os.listdir(os.path.join(dataset, repo, task)))
            pairs += [(repo, tid, a, b) for i, a in enumerate(feats) for b in feats[i + 1:]]
    return sorted(pairs)


def write_subset(work, name, pairs):
    tasks = {}
    for repo, task, a, b in pairs:
        tasks.setdefault((repo, task), []).append([a, b])
    path = os.path.join(work, f"{name}.json")
    with open(path, "w") as f:
        json.dump({"name": name, "tasks": [{"repo": r, "task_id": t, "pairs": p}
                                           for (r, t), p in tasks.items()]}, f)
    return path


def write_bare(d, dataset, pairs, setting):
    """build.ninja that runs the double with the argvs cbrun gives it, in `pairs` order: the
    floor for this machine (same processes, no orchestration)."""
    run_name = f"command-a-{setting}"
    upstream = "solo" if setting == "solo" else "coop"
    nomsg = " --no-messaging" if setting == "coop-nocomm" else ""
    with open(os.path.join(d, "build.ninja"), "w") as f:
        # The agents, then their evaluation apart, as cbrun runs them (two processes).
        f.write(f"rule cb\n  command = {DOUBLE} run -n {run_name} -r $repo -t $task -f $features "
                f"--setting {upstream}{nomsg} -m {MODEL} -a {AGENT} --backend modal -c 1 "
                f"--dataset-dir {dataset} --log-dir $logdir --no-auto-eval && "
                f"{DOUBLE} eval -n {run_name} -r $repo -t $task -f $features --backend modal "
                f"-c 1 --force --dataset-dir {dataset} --log-dir $logdir\n\n")
        for repo, task, a, b in pairs:
            logdir = f"logs/{repo}/task{task}/f{a}_f{b}/attempt-1"
            out = f"{logdir}/{run_name}/{upstream}/{repo}/{task}/f{a}_f{b}/result.json"
            f.write(f"build {out}: cb\n  repo = {repo}\n  task = {task}\n  features = {a},{b}\n"
                    f"  logdir = {logdir}\n")


class BenchNetwork:
    """Two network namespaces made for the bench, joined by a veth pair: the server one
    holds SERVER, the client one CLIENT. Nothing of the machine's own network is used
    or changed; remove() kills what is left in them and deletes them."""
    SERVER, CLIENT = "10.231.0.2", "10.231.0.1"
    CLONE_NEWNET = 0x40000000

    def __init__(self):
        base = f"cbbench-{os.getpid()}"
        self.server, self.client = base + "-s", base + "-c"
        self.why_not = None
        if not shutil.which("ip"):
            self.why_not = "no `ip` (apt-get install iproute2)"
            return
        c, s = self.client, self.server
        for step in (["netns", "add", s], ["netns", "add", c],
                     ["-n", c, "link", "add", "cbb-c", "type", "veth", "peer", "name", "cbb-s",
                      "netns", s],
                     ["-n", c, "addr", "add", self.CLIENT + "/30", "dev", "cbb-c"],
                     ["-n", s, "addr", "add", self.SERVER + "/30", "dev", "cbb-s"],
                     ["-n", c, "link", "set", "cbb-c", "up"], ["-n", s, "link", "set", "cbb-s", "up"],
                     ["-n", c, "link", "set", "lo", "up"], ["-n", s, "link", "set", "lo", "up"]):
            r = run(["ip", *step], check=False)
            if r.returncode != 0:
                self.why_not = (f"cannot make a network namespace (needs root): ip {' '.join(step)}: "
                                f"{r.stdout.strip()}")
                return

    def in_server(self, cmd):
        return ["ip", "netns", "exec", self.server, *cmd]

    @contextlib.contextmanager
    def entered(self):
        """setns(2) of this process into the client namespace, and back."""
        libc = ctypes.CDLL(None, use_errno=True)
        home = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.client}", os.O_RDONLY)
        try:
            if libc.setns(target, self.CLONE_NEWNET) != 0:
                sys.exit(f"bench: setns into {self.client}: {os.strerror(ctypes.get_errno())}")
            try:
                yield
            finally:
                if libc.setns(home, self.CLONE_NEWNET) != 0:
                    sys.exit(f"bench: setns back: {os.strerror(ctypes.get_errno())}")
        finally:
            os.close(target)
            os.close(home)

    def remove(self):
        for ns in (self.server, self.client):
            pids = run(["ip", "netns", "pids", ns], check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (OSError, ValueError):
                    pass
            run(["ip", "netns", "del", ns], check=False)


def edge_times(d):
    """Milliseconds of every edge in .ninja_log (v5: start end mtime path hash)."""
    times = []
    with open(os.path.join(d, ".ninja_log")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            start, end = line.split("\t")[:2]
            times.append(int(end) - int(start))
    return times
