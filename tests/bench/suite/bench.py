#!/usr/bin/python3
"""Issue 7's side-by-side benchmark: wharfd against Debian's sshd, same machine, same run, same
OpenSSH clients, workloads interleaved (Wharf, OpenSSH, Wharf, OpenSSH, ...). Prints a table of
medians and one JSON line with every figure.

    bench.py --wharfd PATH [--quick] [--reps N] [--only NAME,...] [--json-out FILE]
Use run.sh, which builds wharfd optimised first.
"""

import argparse
import dataclasses
import datetime
import json
import os
import resource
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402
import rig as riglib  # noqa: E402
import workloads  # noqa: E402
from client import Client  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class Bench:
    def __init__(self, rig, sizes):
        self.rig, self.sizes = rig, sizes
        self.client = Client(rig)
        self.data = None
        self.proxy_port = {}
        self.extra = {}


def start_proxies(bench, servers, one_way_ms=25):
    procs = []
    for s in servers:
        port = riglib.free_port()
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "delay_proxy.py"), str(port),
                              str(s.port), str(one_way_ms)], stdout=subprocess.PIPE)
        if p.stdout.readline().strip() != b"ready":
            raise RuntimeError("delay proxy did not start")
        bench.proxy_port[s.name] = port
        procs.append(p)
    return procs


# What a crash or a sanitizer report looks like in wharfd's log (children log to the same file).
CRASH_MARKERS = ("killed by signal", "AddressSanitizer", "runtime error:", "LeakSanitizer",
                 "terminate called", "internal error")


def crash_lines(log_path):
    with open(log_path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    return [line for line in text.splitlines() if any(m in line for m in CRASH_MARKERS)][:20]


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ssh = subprocess.run(["ssh", "-V"], capture_output=True, text=True).stderr.strip()
    pkg = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "openssh-server"],
                         capture_output=True, text=True).stdout.strip()
    return {"cpu_model": model, "cores": os.cpu_count(), "ssh_client": ssh,
            "openssh_server_package": pkg}


def run(args):
    sizes = workloads.QUICK if args.quick else workloads.Sizes()
    reps = args.reps or (1 if args.quick else 3)
    if args.set:
        sizes = dataclasses.replace(sizes, **{k: int(v) for k, v in
                                              (kv.split("=", 1) for kv in args.set)})
    chosen = workloads.ALL
    if args.only:  # in the order given
        by_name = dict(workloads.ALL)
        chosen = [(n, by_name[n]) for n in args.only.split(",")]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rig = riglib.Rig()
    servers, proxies = [], []
    started = time.time()
    load_before = os.getloadavg()
    try:
        rig.prepare()
        bench = Bench(rig, sizes)
        bench.data = workloads.Data(rig, sizes)
        servers = [riglib.Wharfd(rig, args.wharfd).start(), riglib.OpenSshd(rig).start()]
        proxies = start_proxies(bench, servers)
        samples = {}  # figure -> server -> [values]
        for name, fn in chosen:
            t0 = time.monotonic()
            for _ in range(reps):
                for s in servers:  # interleaved: A B A B ...
                    for fig, value in fn(bench, s).items():
                        samples.setdefault(fig, {}).setdefault(s.name, []).append(value)
            partial = report.summarise(samples, workloads.figures())
            print(f"# {name}: {time.monotonic() - t0:.1f} s, load {os.getloadavg()[0]:.2f}, "
                  f"so far: {json.dumps(partial)}", file=sys.stderr, flush=True)
        result = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            **machine(),
            "wharfd_version": servers[0].version(),
            "sshd_version": servers[1].version(),
            "quick": args.quick, "reps": reps, "sizes": vars(sizes),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "seconds": round(time.time() - started, 1),
            "verified_transfers": bench.client.verified,
            "cpu_method": servers[0].meter.method,
            "extra": bench.extra,
            "figures": report.summarise(samples, workloads.figures()),
            "wharf_log_crash_lines": crash_lines(servers[0].log_path),
        }
    except Exception:
        for s in servers:
            print(f"--- {s.name} log (tail):\n{s.read_log()}", file=sys.stderr)
        raise
    finally:
        for p in proxies:
            p.terminate()
            p.wait()
        for s in servers:
            s.stop()
        rig.cleanup()
    print(report.table(result))
    line = json.dumps(result, sort_keys=True)
    print(line)
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(line + "\n")


def main():
    # A plain `kill` still removes the user, the servers and the files (see run()'s finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wharfd", required=True, help="the wharfd binary (built with -c opt)")
    p.add_argument("--quick", action="store_true", help="tiny sizes, 1 repetition (smoke run)")
    p.add_argument("--reps", type=int, default=0, help="repetitions (default 3, quick 1)")
    p.add_argument("--only", default="", help="comma-separated workloads: " +
                   ",".join(n for n, _ in workloads.ALL))
    p.add_argument("--set", action="append", default=[],
                   help="override a size in bytes or a count, e.g. --set big=268435456")
    p.add_argument("--json-out", default="", help="also write the JSON line to this file")
    run(p.parse_args())


if __name__ == "__main__":
    main()
