#!/usr/bin/python3
"""Throughput of Wharf's SCP handler against OpenSSH's own scp server side, in the same run.

Both run behind the real client as `scp -O -S PROGRAM`: wharf-scp-local, and a wrapper that runs
the command through /bin/sh in the root directory exactly as sshd would (`scp -t` / `scp -f` of
Debian's OpenSSH). No SSH transport is involved, so this measures the SCP layers only.
Usage: bazel run //tests/scp:scp_bench -- [size-MiB] [repetitions]
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def wharf_program():
    here = os.path.abspath(sys.argv[0])
    for base in (os.environ.get("RUNFILES_DIR"), here + ".runfiles"):
        if base and os.path.exists(os.path.join(base, "wharf/scp/wharf-scp-local")):
            return os.path.join(base, "wharf/scp/wharf-scp-local")
    sys.exit("wharf-scp-local not found in the runfiles")


OPENSSH_WRAPPER = """#!/bin/sh
while [ $# -gt 0 ]; do case "$1" in --) shift; break;; -*) shift;; *) break;; esac; done
shift
cd "$WHARF_SCP_ROOT" && exec /bin/sh -c "$*"
"""


def main():
    size_mib = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    work = tempfile.mkdtemp(prefix="scp_bench_")
    try:
        root, local = os.path.join(work, "root"), os.path.join(work, "local")
        os.mkdir(root)
        os.mkdir(local)
        wrapper = os.path.join(work, "openssh-scp")
        with open(wrapper, "w") as f:
            f.write(OPENSSH_WRAPPER)
        os.chmod(wrapper, 0o755)
        src = os.path.join(local, "src")
        with open(src, "wb") as f:
            for _ in range(size_mib):
                f.write(os.urandom(1 << 20))
        env = dict(os.environ, WHARF_SCP_ROOT=root)
        programs = {"openssh scp": wrapper, "wharf": wharf_program()}
        times = {(name, d): [] for name in programs for d in ("upload", "download")}
        cpu = {key: [] for key in times}
        for _ in range(reps):
            for name, prog in programs.items():  # interleaved, so both see the same machine
                for d, args in (("upload", ["src", "h:dst"]), ("download", ["h:dst", "back"])):
                    t = time.monotonic()
                    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    subprocess.run(["scp", "-O", "-q", "-S", prog] + args, cwd=local, env=env,
                                   check=True)
                    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                    times[(name, d)].append(time.monotonic() - t)
                    # CPU of the client and the server side together (the client is the same).
                    cpu[(name, d)].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
                os.remove(os.path.join(root, "dst"))
                os.remove(os.path.join(local, "back"))
        print(f"{size_mib} MiB, {reps} runs each: median wall time (min), median CPU s "
              "(client + server)")
        for (name, d), v in times.items():
            med = statistics.median(v)
            print(f"  {name:12} {d:9} {size_mib / med:8.0f} MiB/s  {med:6.3f} s ({min(v):.3f} s)"
                  f"  cpu {statistics.median(cpu[(name, d)]):.3f} s")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
