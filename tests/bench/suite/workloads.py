"""The seven workloads of issue 7. Each is a function (bench, server) -> {figure: value} for one
repetition against one server; Figure describes how to compare the two servers' medians."""

import os
import random
import shutil
import subprocess
import time
from dataclasses import dataclass

import client as clientlib
from client import DEFAULT_CIPHER, timed

MiB = 1 << 20
GiB = 1 << 30
AEAD = ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"]


@dataclass
class Sizes:
    big: int = GiB            # workload 1
    delayed: int = 256 * MiB  # workload 2
    files: int = 5000         # workload 3 (4 KiB each)
    sessions: int = 200       # workload 4
    concurrent: int = 500     # workload 5
    text: int = 256 * MiB     # workload 6
    scp: int = GiB            # workload 7


QUICK = Sizes(big=8 * MiB, delayed=2 * MiB, files=50, sessions=5, concurrent=5, text=1 * MiB,
              scp=8 * MiB)


@dataclass
class Figure:
    unit: str
    higher_is_better: bool
    target: float = None  # the ratio Wharf/OpenSSH issue 7 asks for (at least, or at most);
    #                       None for a figure shown only to explain others (the client's CPU)


def short(cipher):
    return cipher.split("@")[0]


def figures():
    """Every figure the suite reports, in table order."""
    out = {}
    for c in AEAD:
        for d in ("put", "get"):
            out[f"1 sftp {d} {short(c)} MiB/s"] = Figure("MiB/s", True, 1.5)
            out[f"1 sftp {d} {short(c)} CPU s/GiB"] = Figure("s/GiB", False, 0.5)
            out[f"1 sftp {d} {short(c)} client CPU s/GiB"] = Figure("s/GiB", False)
    for d in ("put", "get"):
        out[f"2 sftp {d} 50ms RTT MiB/s"] = Figure("MiB/s", True, 3.0)
    for d in ("put", "get"):
        out[f"3 sftp {d} -r 4KiB files/s"] = Figure("files/s", True, 1.5)
    out["4 sessions/s"] = Figure("1/s", True, 3.0)
    out["4 CPU ms/session"] = Figure("ms", False, 0.5)
    out["5 PSS KiB/idle session"] = Figure("KiB", False, 0.5)
    for d in ("put", "get"):
        out[f"6 sftp -C {d} text MiB/s"] = Figure("MiB/s", True, 1.0)
    for d in ("put", "get"):
        out[f"7 scp -O {d} MiB/s"] = Figure("MiB/s", True, 1.5)
        out[f"7 scp -O {d} client CPU s/GiB"] = Figure("s/GiB", False)
    return out


# ---------------------------------------------------------------- data


def write_random(path, size):
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 4 * MiB)
            f.write(os.urandom(n))
            left -= n


def write_text(path, size, seed=7):
    """English-like text: a 4 MiB block of random words, repeated (zlib's window is 32 KiB)."""
    rnd = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ter", "an", "ble", "for", "the", "wharf", "ship", "dock",
                 "in", "on", "sto", "ve", "ra", "pe", "du", "ex", "ing", "ed", "s"]
    words = ["".join(rnd.choice(syllables) for _ in range(rnd.randint(1, 4))) for _ in range(3000)]
    lines, n = [], 0
    while n < 4 * MiB:
        line = " ".join(rnd.choice(words) for _ in range(rnd.randint(6, 16))) + ".\n"
        lines.append(line)
        n += len(line)
    block = "".join(lines).encode()[: 4 * MiB]
    with open(path, "wb") as f:
        left = size
        while left:
            f.write(block[: min(left, len(block))])
            left -= min(left, len(block))


def write_tree(top, count, size=4096):
    per_dir = 100
    for i in range(count):
        d = os.path.join(top, f"d{i // per_dir:03d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}"), "wb") as f:
            f.write(os.urandom(size))


class Data:
    """Local sources (client side) and their server-side twins under /data for downloads. Both
    servers serve the same root, one at a time."""

    def __init__(self, rig, sizes):
        self.rig = rig
        L, D = rig.local, rig.data
        self.big, self.big_remote = os.path.join(L, "big"), "/data/src_big"
        write_random(self.big, sizes.big)
        os.link(self.big, os.path.join(D, "src_big"))
        self.scp_src, self.scp_remote = os.path.join(L, "scp"), "/data/src_scp"
        write_random(self.scp_src, sizes.scp)
        os.link(self.scp_src, os.path.join(D, "src_scp"))
        self.delayed, self.delayed_remote = os.path.join(L, "delayed"), "/data/src_delayed"
        write_random(self.delayed, sizes.delayed)
        os.link(self.delayed, os.path.join(D, "src_delayed"))
        self.text, self.text_remote = os.path.join(L, "text"), "/data/src_text"
        write_text(self.text, sizes.text)
        os.link(self.text, os.path.join(D, "src_text"))
        self.tree = os.path.join(L, "tree")
        write_tree(self.tree, sizes.files)
        shutil.copytree(self.tree, os.path.join(D, "src_tree"))
        self.probe = os.path.join(D, "probe")
        with open(self.probe, "wb") as f:
            f.write(os.urandom(1000))
        for p in (D, L):
            subprocess.run(["chmod", "-R", "a+rX", p], check=True)

    def host(self, remote):
        """The server-side path of a client path under /data."""
        return os.path.join(self.rig.host_root, remote.lstrip("/"))


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


# ---------------------------------------------------------------- workloads


def sftp_put_get(bench, server, src, src_remote, size, port=None, cipher=DEFAULT_CIPHER,
                 compression=False):
    """(seconds, server CPU, client CPU) of one upload, then the same of one download."""
    c, port = bench.client, port or server.port
    up, down = "/data/up", os.path.join(bench.rig.local, "down")
    put = timed(server, lambda: c.sftp(port, [f"put {src} {up}"], cipher, compression))
    put_client = c.last_cpu
    c.verify_file(src, bench.data.host(up))
    remove(bench.data.host(up))
    get = timed(server, lambda: c.sftp(port, [f"get {src_remote} {down}"], cipher, compression))
    c.verify_file(src, down)
    remove(down)
    return put + (put_client,) + get + (c.last_cpu,)


def bulk(bench, server):
    d, out = bench.data, {}
    gib = bench.sizes.big / GiB
    for cipher in AEAD:
        pw, pc, pcc, gw, gc, gcc = sftp_put_get(bench, server, d.big, d.big_remote,
                                                bench.sizes.big, cipher=cipher)
        n = short(cipher)
        out[f"1 sftp put {n} MiB/s"] = bench.sizes.big / MiB / pw
        out[f"1 sftp put {n} CPU s/GiB"] = pc / gib
        out[f"1 sftp put {n} client CPU s/GiB"] = pcc / gib
        out[f"1 sftp get {n} MiB/s"] = bench.sizes.big / MiB / gw
        out[f"1 sftp get {n} CPU s/GiB"] = gc / gib
        out[f"1 sftp get {n} client CPU s/GiB"] = gcc / gib
    return out


def delayed(bench, server):
    d, size = bench.data, bench.sizes.delayed
    pw, _, _, gw, _, _ = sftp_put_get(bench, server, d.delayed, d.delayed_remote, size,
                                      port=bench.proxy_port[server.name])
    return {"2 sftp put 50ms RTT MiB/s": size / MiB / pw,
            "2 sftp get 50ms RTT MiB/s": size / MiB / gw}


def small_files(bench, server):
    c, d, n = bench.client, bench.data, bench.sizes.files
    up, down = "/data/up_tree", os.path.join(bench.rig.local, "down_tree")
    pw, _ = timed(server, lambda: c.sftp(server.port, [f"put -r {d.tree} {up}"]))
    c.verify_tree(d.tree, d.host(up))
    remove(d.host(up))
    gw, _ = timed(server, lambda: c.sftp(server.port, [f"get -r /data/src_tree {down}"]))
    c.verify_tree(d.tree, down)
    remove(down)
    return {"3 sftp put -r 4KiB files/s": n / pw, "3 sftp get -r 4KiB files/s": n / gw}


def sessions(bench, server):
    c, n = bench.client, bench.sizes.sessions

    def loop():
        for _ in range(n):
            c.sftp(server.port, [], timeout=60)  # connect, KEX, auth, open sftp, exit

    wall, cpu = timed(server, loop)
    return {"4 sessions/s": n / wall, "4 CPU ms/session": cpu * 1000 / n}


def wait_files(paths, size, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(os.path.exists(p) and os.path.getsize(p) == size for p in paths):
            return
        time.sleep(0.05)
    missing = [p for p in paths if not (os.path.exists(p) and os.path.getsize(p) == size)]
    raise clientlib.TransferError(f"{len(missing)} sessions did not answer, e.g. {missing[:3]}")


def idle_sessions(bench, server, batch=25):
    """N sftp clients stay connected and idle; each fetched a probe file when it was up and
    fetches it again after the memory reading. PSS per session = (PSS with N - PSS idle) / N."""
    c, n = bench.client, bench.sizes.concurrent
    work = os.path.join(bench.rig.local, "idle")
    os.makedirs(work)
    server.settle()
    base = server.pss_kib()
    procs, errlog = [], open(os.path.join(work, "stderr"), "wb")
    try:
        for start in range(0, n, batch):
            new = []
            for i in range(start, min(n, start + batch)):
                p = subprocess.Popen(c.sftp_command(server.port, "-"), stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=errlog)
                p.stdin.write(f"get /data/probe {work}/pre{i}\n".encode())
                p.stdin.flush()
                new.append(os.path.join(work, f"pre{i}"))
                procs.append(p)
            wait_files(new, 1000, 300)
        time.sleep(1.0)
        loaded = server.pss_kib()
        nproc = server.processes()
        for i, p in enumerate(procs):
            p.stdin.write(f"get /data/probe {work}/post{i}\n".encode())
            p.stdin.flush()
        wait_files([os.path.join(work, f"post{i}") for i in range(n)], 1000, 300)
        for i in range(n):
            c.verify_file(bench.data.probe, os.path.join(work, f"post{i}"))
    finally:
        for p in procs:
            try:
                p.stdin.close()
            except OSError:
                pass
        bad = [p.wait(timeout=120) for p in procs]
        errlog.close()
    if any(bad):
        raise clientlib.TransferError(f"{sum(1 for b in bad if b)} idle sftp sessions failed")
    remove(work)
    bench.extra.setdefault(f"5 processes with {n} sessions", {})[server.name] = nproc
    return {"5 PSS KiB/idle session": (loaded - base) / n}


def compressed(bench, server):
    d, size = bench.data, bench.sizes.text
    pw, _, _, gw, _, _ = sftp_put_get(bench, server, d.text, d.text_remote, size,
                                      compression=True)
    return {"6 sftp -C put text MiB/s": size / MiB / pw,
            "6 sftp -C get text MiB/s": size / MiB / gw}


def scp_both_ways(bench, server):
    c, d, size = bench.client, bench.data, bench.sizes.scp
    up, down = "/data/up_scp", os.path.join(bench.rig.local, "down_scp")
    pw, _ = timed(server, lambda: c.scp(server.port, d.scp_src, c.remote(up)))
    put_client = c.last_cpu
    c.verify_file(d.scp_src, d.host(up))
    remove(d.host(up))
    gw, _ = timed(server, lambda: c.scp(server.port, c.remote(d.scp_remote), down))
    c.verify_file(d.scp_src, down)
    remove(down)
    gib = size / GiB
    return {"7 scp -O put MiB/s": size / MiB / pw,
            "7 scp -O put client CPU s/GiB": put_client / gib,
            "7 scp -O get MiB/s": size / MiB / gw,
            "7 scp -O get client CPU s/GiB": c.last_cpu / gib}


ALL = [("bulk", bulk), ("delayed", delayed), ("small_files", small_files),
       ("sessions", sessions), ("idle_sessions", idle_sessions), ("compressed", compressed),
       ("scp", scp_both_ways)]
