#!/usr/bin/python3
"""The soak (issue 8): 64 concurrent SFTP sessions against one wharfd, half OpenSSH `sftp -b -`
(one long-lived process per session, commands written one at a time) and half paramiko, doing
random put/get/ls/mkdir/rename/rm/rmdir with random sizes. Every downloaded byte is checked by
SHA-256 against what that session uploaded. Meanwhile /proc is sampled once a second: RSS and
open descriptors of the listener and of every connection child.

"Flat", checked at the end (see README.md):
  - the listener: descriptors after the run (all sessions closed) <= before + 2, and RSS after
    <= RSS before + 2 MiB;
  - every connection child alive from the end of warm-up (each session first puts and gets a
    largest-size file, then the first quarter of the run) to the last sample: RSS growth
    <= 8 MiB, descriptors growth <= 4; the median RSS growth <= 1 MiB (both RSS limits 4 times
    larger under AddressSanitizer, whose quarantine keeps freed memory for a while).

By hand (after `bazel build //daemon:wharfd`), from the repository root:
  tests/faults/soak.py --minutes 10 [--sessions 64] [--seed N] [--wharfd PATH]
As a test, tests/faults/soak_test.py runs it for 60 seconds.
"""

import argparse
import hashlib
import io
import os
import random
import select
import shutil
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/faults"))
sys.path.insert(1, os.path.join(HERE, "..", "lib"))
sys.path.insert(1, HERE)
import faultlib  # noqa: E402

POOL_SIZE = 16 << 20
MAX_FILES = 8
KIB, MIB = 1 << 10, 1 << 20


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.ops = {}
        self.verified = 0
        self.errors = []

    def op(self, name, verified=0):
        with self.lock:
            self.ops[name] = self.ops.get(name, 0) + 1
            self.verified += verified

    def error(self, who, text):
        with self.lock:
            self.errors.append(f"{who}: {text}")


class Worker:
    """One session's random operations over its own directory, with a model of what is there."""

    def __init__(self, index, pool, seed, stats, scratch):
        self.name = f"w{index}"
        self.rng = random.Random(seed * 1000 + index)
        self.pool = pool
        self.stats = stats
        self.local = os.path.join(scratch, self.name)
        os.makedirs(self.local, exist_ok=True)
        self.files = {}  # remote path -> sha256 hex
        self.dirs = set()  # remote subdirectories (relative to the session's directory)
        self.counter = 0

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def random_size(self):
        r = self.rng.random()
        if r < 0.7:
            return self.rng.randrange(0, 64 * KIB)
        if r < 0.95:
            return self.rng.randrange(64 * KIB, MIB)
        return self.rng.randrange(MIB, 4 * MIB)

    def random_data(self):
        size = self.random_size()
        start = self.rng.randrange(0, POOL_SIZE - size + 1)
        return self.pool[start:start + size]

    def parent(self):
        if self.dirs and self.rng.random() < 0.3:
            return f"{self.name}/{self.rng.choice(sorted(self.dirs))}"
        return self.name

    def warm_up(self):
        """A largest-size put and get first, so buffers reach their high-water mark before RSS
        is measured."""
        data = self.pool[:4 * MIB]
        path = f"{self.name}/warm"
        self.put(path, data)
        if hashlib.sha256(self.get(path)).digest() != hashlib.sha256(data).digest():
            raise AssertionError(f"{path}: downloaded bytes differ from the upload")
        self.stats.op("get", verified=len(data))
        self.rm(path)

    def choose_op(self):
        ops = ["put", "ls"]
        if self.files:
            ops += ["get", "get", "rename", "rm"]
        if len(self.files) >= MAX_FILES:
            ops = [o for o in ops if o != "put"] + ["rm"]
        if len(self.dirs) < 3:
            ops.append("mkdir")
        empty = [d for d in self.dirs if not any(f.startswith(f"{self.name}/{d}/")
                                                 for f in self.files)]
        if empty:
            ops.append("rmdir")
        return self.rng.choice(ops), empty

    def step(self):
        op, empty = self.choose_op()
        if op == "put":
            data = self.random_data()
            path = f"{self.parent()}/{self.fresh('f')}"
            self.put(path, data)
            self.files[path] = hashlib.sha256(data).hexdigest()
            self.stats.op("put")
        elif op == "get":
            path = self.rng.choice(sorted(self.files))
            data = self.get(path)
            if hashlib.sha256(data).hexdigest() != self.files[path]:
                raise AssertionError(f"{path}: downloaded bytes differ from the upload")
            self.stats.op("get", verified=len(data))
        elif op == "ls":
            self.ls(self.name, {p.rsplit("/", 1)[1] for p in self.files
                                if p.rsplit("/", 1)[0] == self.name} | self.dirs)
            self.stats.op("ls")
        elif op == "mkdir":
            d = self.fresh("d")
            self.mkdir(f"{self.name}/{d}")
            self.dirs.add(d)
            self.stats.op("mkdir")
        elif op == "rename":
            old = self.rng.choice(sorted(self.files))
            new = f"{self.parent()}/{self.fresh('r')}"
            self.rename(old, new)
            self.files[new] = self.files.pop(old)
            self.stats.op("rename")
        elif op == "rm":
            path = self.rng.choice(sorted(self.files))
            self.rm(path)
            del self.files[path]
            self.stats.op("rm")
        elif op == "rmdir":
            d = self.rng.choice(sorted(empty))
            self.rmdir(f"{self.name}/{d}")
            self.dirs.discard(d)
            self.stats.op("rmdir")


class ParamikoWorker(Worker):
    def connect(self, server):
        import paramiko
        self.client = paramiko.SSHClient()
        self.client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        self.client.connect("127.0.0.1", port=server.port, username="soak",
                            key_filename=server.key, look_for_keys=False, allow_agent=False,
                            timeout=30, banner_timeout=60, auth_timeout=60)
        self.sftp = self.client.open_sftp()
        self.sftp.get_channel().settimeout(120)
        self.sftp.mkdir(self.name)

    def close(self):
        self.client.close()

    def put(self, path, data):
        self.sftp.putfo(io.BytesIO(data), path)

    def get(self, path):
        buf = io.BytesIO()
        self.sftp.getfo(path, buf)
        return buf.getvalue()

    def ls(self, path, expected):
        names = set(self.sftp.listdir(path))
        if names != expected:
            raise AssertionError(f"listdir {path}: {sorted(names)} != {sorted(expected)}")

    def mkdir(self, path):
        self.sftp.mkdir(path)

    def rename(self, old, new):
        self.sftp.rename(old, new)

    def rm(self, path):
        self.sftp.remove(path)

    def rmdir(self, path):
        self.sftp.rmdir(path)


class OpensshWorker(Worker):
    """A long-lived `sftp -b -`; after each command `!echo` prints a token the worker waits for
    (batch mode stops at the first failing command, so a missing token is a failure)."""

    def connect(self, server):
        cmd = [*server.sftp_batch("soak", "-")]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.out = b""
        self.tokens = 0
        self.run(f"mkdir {self.name}")

    def close(self):
        try:
            self.proc.stdin.write(b"bye\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()

    def run(self, command, timeout=120):
        self.tokens += 1
        token = f"SOAK-{self.name}-{self.tokens}"
        self.proc.stdin.write(f'{command}\n!echo "SOAK"-{self.name}-{self.tokens}\n'.encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while (token + "\n").encode() not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{command}: no answer in {timeout} s")
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                err = self.proc.stderr.read().decode(errors="replace")
                raise AssertionError(f"{command}: sftp ended: {err}")
            self.out += chunk
        text, _, self.out = self.out.partition((token + "\n").encode())
        return text.decode(errors="replace")

    def local_file(self):
        return os.path.join(self.local, "x")

    def put(self, path, data):
        with open(self.local_file(), "wb") as f:
            f.write(data)
        self.run(f'put "{self.local_file()}" "{path}"')

    def get(self, path):
        if os.path.exists(self.local_file()):
            os.unlink(self.local_file())
        self.run(f'get "{path}" "{self.local_file()}"')
        with open(self.local_file(), "rb") as f:
            return f.read()

    def ls(self, path, expected):
        out = self.run(f'ls -1a "{path}"')
        names = {line.strip().rsplit("/", 1)[-1] for line in out.splitlines()
                 if line.strip() and not line.startswith("sftp>")}
        names -= {".", ".."}
        if names != expected:
            raise AssertionError(f"ls {path}: {sorted(names)} != {sorted(expected)}")

    def mkdir(self, path):
        self.run(f'mkdir "{path}"')

    def rename(self, old, new):
        self.run(f'rename "{old}" "{new}"')

    def rm(self, path):
        self.run(f'rm "{path}"')

    def rmdir(self, path):
        self.run(f'rmdir "{path}"')


def proc_sample(pid):
    """(RSS in bytes, open descriptors) of `pid`, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return rss, fds
    except (FileNotFoundError, ProcessLookupError, StopIteration):
        return None


class Sampler(threading.Thread):
    def __init__(self, server, interval=1.0):
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.stop_event = threading.Event()
        self.samples = []  # (t, listener (rss, fds), {child: (rss, fds)})
        self.max_children = 0
        self.start_time = time.monotonic()
        self.go = None  # when the sessions were released (seconds after start_time)

    def run(self):
        start = self.start_time
        while not self.stop_event.is_set():
            listener = proc_sample(self.server.pid())
            children = {}
            for c in self.server.children():
                s = proc_sample(c)
                if s:
                    children[c] = s
            self.max_children = max(self.max_children, len(children))
            self.samples.append((time.monotonic() - start, listener, children))
            self.stop_event.wait(self.interval)

    def stop(self):
        self.stop_event.set()
        self.join()


def run_soak(seconds, sessions=64, seed=None, log=print):
    """Runs the soak; returns a dict of results. Raises AssertionError on any failure."""
    seed = seed if seed is not None else int.from_bytes(os.urandom(4), "big")
    log(f"soak: {sessions} sessions for {seconds} s, seed {seed}")
    base = faultlib.wharfd.make_state_dir()
    os.chmod(base, 0o755)
    root = faultlib.make_root(os.path.join(base, "soak"))
    server = faultlib.Server({"soak": (root, [])},
                             global_lines=[f"MaxStartups {sessions * 2}", "LoginGraceTime 5m"])
    scratch = os.path.join(faultlib.wharftest.tmpdir(), f"soak-{server.port}")
    os.makedirs(scratch, exist_ok=True)
    stats = Stats()
    try:
        time.sleep(0.5)
        listener_before = proc_sample(server.pid())
        pool = os.urandom(POOL_SIZE)
        workers = [(ParamikoWorker if i % 2 else OpensshWorker)(i, pool, seed, stats, scratch)
                   for i in range(sessions)]
        sampler = Sampler(server)
        sampler.start()
        deadline = [0.0]
        connected = []

        def go():  # runs once, when every session is connected and before any is released
            connected.append(len(server.children()))
            sampler.go = time.monotonic() - sampler.start_time
            deadline[0] = time.monotonic() + seconds

        barrier = threading.Barrier(sessions + 1, action=go)

        def body(w):
            try:
                w.connect(server)
                w.warm_up()
            except Exception as e:  # noqa: BLE001 - reported as a soak failure
                stats.error(w.name, f"connect: {type(e).__name__}: {e}")
                barrier.abort()
                return
            try:
                barrier.wait(timeout=300)
                while time.monotonic() < deadline[0]:
                    w.step()
            except Exception as e:  # noqa: BLE001
                stats.error(w.name, f"{type(e).__name__}: {e}")
            finally:
                w.close()

        threads = [threading.Thread(target=body, args=(w,), daemon=True) for w in workers]
        for t in threads:
            t.start()
        try:
            barrier.wait(timeout=300)
        except threading.BrokenBarrierError:
            pass
        connected = connected[0] if connected else 0
        log(f"soak: all sessions connected ({connected} connection children)")
        for t in threads:
            t.join(timeout=seconds + 600)
        hung = [w.name for w, t in zip(workers, threads) if t.is_alive()]
        sampler.stop()
        server.wait_no_children(60)
        time.sleep(0.5)
        listener_after = proc_sample(server.pid())
        result = summarize(sampler, listener_before, listener_after, stats, log)
        result.update(connected=connected, hung=hung, crashes=server.crashes(),
                      alive=server.alive(), seed=seed)
        return result
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def summarize(sampler, before, after, stats, log):
    samples = sampler.samples
    end_t = samples[-1][0] if samples else 0
    go = sampler.go or 0
    warm = [s for s in samples if s[0] >= go + (end_t - go) / 4]
    first = warm[0][2] if warm else {}
    # Each child's last sample while the run was on (before sessions closed).
    last = {}
    for _, _, children in samples:
        for c, v in children.items():
            if c in first:
                last[c] = v
    growth_rss = {c: last[c][0] - first[c][0] for c in last}
    growth_fds = {c: last[c][1] - first[c][1] for c in last}
    listener_rss = [s[1][0] for s in samples if s[1]]
    listener_fds = [s[1][1] for s in samples if s[1]]
    child_rss = [v[0] for s in samples for v in s[2].values()]
    log(f"soak: {len(samples)} samples over {end_t:.0f} s, up to {sampler.max_children} "
        f"connection children")
    log(f"soak: listener before {fmt(before)}, after {fmt(after)}; during RSS "
        f"{min(listener_rss, default=0) // KIB}-{max(listener_rss, default=0) // KIB} KiB, fds "
        f"{min(listener_fds, default=0)}-{max(listener_fds, default=0)}")
    if growth_rss:
        log(f"soak: {len(growth_rss)} children followed from warm-up to the end: RSS "
            f"{min(child_rss) // KIB}-{max(child_rss) // KIB} KiB; RSS growth median "
            f"{statistics.median(growth_rss.values()) // KIB} KiB, max "
            f"{max(growth_rss.values()) // KIB} KiB; fd growth max {max(growth_fds.values())}")
    log(f"soak: operations {dict(sorted(stats.ops.items()))}, {stats.verified} bytes verified")
    return dict(samples=len(samples), max_children=sampler.max_children, before=before,
                after=after, growth_rss=growth_rss, growth_fds=growth_fds, stats=stats)


def fmt(sample):
    return f"RSS {sample[0] // KIB} KiB, {sample[1]} fds" if sample else "gone"


def check(result, sessions):
    """The soak's pass conditions; returns a list of failures."""
    bad = []
    stats = result["stats"]
    if stats.errors:
        bad.append(f"{len(stats.errors)} session errors, first: {stats.errors[:5]}")
    if result["hung"]:
        bad.append(f"sessions still running: {result['hung']}")
    if result["crashes"]:
        bad.append(f"children killed by signals: {result['crashes']}")
    if not result["alive"]:
        bad.append("the listener died")
    if result["max_children"] < sessions:
        bad.append(f"only {result['max_children']} concurrent connections, not {sessions}")
    before, after = result["before"], result["after"]
    if not before or not after:
        bad.append("no listener sample")
    else:
        if after[1] > before[1] + 2:
            bad.append(f"listener descriptors grew: {before[1]} -> {after[1]}")
        if after[0] > before[0] + 2 * MIB:
            bad.append(f"listener RSS grew: {before[0]} -> {after[0]}")
    g = result["growth_rss"]
    # Under AddressSanitizer freed memory sits in its quarantine (up to 256 MiB) before reuse, so
    # RSS creeps up by design: the child limits are 4 times larger there.
    scale = 4 if "ASAN_OPTIONS" in os.environ else 1
    if len(g) < sessions // 2:
        bad.append(f"only {len(g)} children followed through the run")
    elif max(g.values()) > 8 * MIB * scale or statistics.median(g.values()) > MIB * scale:
        bad.append(f"child RSS grew: max {max(g.values())}, median {statistics.median(g.values())}")
    if result["growth_fds"] and max(result["growth_fds"].values()) > 4:
        bad.append(f"child descriptors grew by {max(result['growth_fds'].values())}")
    if sum(stats.ops.values()) < sessions:
        bad.append(f"too few operations: {stats.ops}")
    return bad


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=None)
    p.add_argument("--seconds", type=float, default=None)
    p.add_argument("--sessions", type=int, default=64)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--wharfd", default=None, help="wharfd binary (default bazel-bin/daemon/wharfd)")
    a = p.parse_args()
    seconds = a.seconds if a.seconds is not None else (a.minutes or 10) * 60
    binary = a.wharfd or os.path.join(HERE, "..", "..", "bazel-bin", "daemon", "wharfd")
    if not os.path.exists(binary):
        sys.exit(f"no wharfd at {binary}: bazel build //daemon:wharfd, or pass --wharfd")
    faultlib.wharfd.wharfd_binary = lambda: os.path.abspath(binary)
    result = run_soak(seconds, a.sessions, a.seed)
    bad = check(result, a.sessions)
    for line in bad:
        print(f"FAILED: {line}")
    print("soak: PASSED" if not bad else "soak: FAILED")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
