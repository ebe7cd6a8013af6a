"""Server resource use: CPU time of a whole process tree, and its summed PSS from /proc.

CPU. Reading the listener's utime+stime+cutime+cstime after the connections end is exact only if
every process of the tree is reaped by its parent: wharfd's are (one child per connection, reaped
with waitpid), but sshd's are not. Measured here: for a 256 MiB `sftp get`, sshd's listener
gained 0.02 s of cutime+cstime while its cgroup counted 0.9 s; the unprivileged session process
"sshd: user@notty", which does the crypto, is not folded into the listener's counters. So:
- where the machine lets us create a cgroup (v2, or v1 cpuacct), each server runs in its own and
  its CPU is the cgroup's usage: every process forked below the listener, exited or not;
- otherwise a thread samples /proc/<pid>/stat (utime+stime) of every process of the tree every
  10 ms and sums the last value seen per process (misses each process's last <10 ms).
The method is recorded in the JSON line ("cpu_method").
"""

import os
import threading
import time

CGROUP_V2 = "/sys/fs/cgroup"
CGROUP_V1 = "/sys/fs/cgroup/cpuacct"

HZ = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    # The command name may contain spaces and parentheses: split after the last ')'.
    return data[data.rindex(")") + 2:].split()


def children_map():
    """{ppid: [pid, ...]} for every process on the machine."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid = int(_stat_fields(name)[1])
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
        out.setdefault(ppid, []).append(int(name))
    return out


def descendants(pid):
    """Every process below `pid` (not `pid` itself)."""
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def wait_no_descendants(pid, timeout=30.0):
    """Waits until the listener `pid` has reaped every connection process; True if it has."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not descendants(pid):
            return True
        time.sleep(0.02)
    return False


def pss_kib(pids):
    """Summed Pss (KiB) from /proc/<pid>/smaps_rollup of the given processes."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def tree_pss_kib(pid):
    return pss_kib([pid] + descendants(pid))


def own_cpu_ticks(pid):
    f = _stat_fields(pid)
    return int(f[11]) + int(f[12])


class CgroupMeter:
    """A cgroup holding the server: the listener is moved in, its children are born in it."""

    def __init__(self, pid, name):
        if os.path.exists(os.path.join(CGROUP_V2, "cgroup.controllers")):
            self.path, self.file, self.scale = os.path.join(CGROUP_V2, name), "cpu.stat", 1e6
            self.method = "cgroup2 cpu.stat usage_usec"
        else:
            self.path, self.file, self.scale = os.path.join(CGROUP_V1, name), "cpuacct.usage", 1e9
            self.method = "cgroup1 cpuacct.usage"
        os.makedirs(self.path)
        try:
            with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
                f.write(str(pid))
        except OSError:
            os.rmdir(self.path)
            raise

    def seconds(self):
        with open(os.path.join(self.path, self.file)) as f:
            text = f.read()
        if self.file == "cpu.stat":
            text = next(line.split()[1] for line in text.splitlines()
                        if line.startswith("usage_usec"))
        return int(text) / self.scale

    def close(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.rmdir(self.path)  # only once the server's processes are gone
                return
            except OSError:
                time.sleep(0.1)


class SamplingMeter:
    """Fallback: samples utime+stime of every process of the tree every 10 ms."""

    method = "sampled /proc/<pid>/stat utime+stime of the tree every 10 ms"

    def __init__(self, pid, name):
        self.pid, self.seen, self.stop = pid, {}, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _sample(self):
        for p in [self.pid] + descendants(self.pid):
            try:
                self.seen[p] = max(self.seen.get(p, 0), own_cpu_ticks(p))
            except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
                pass

    def _run(self):
        while not self.stop.wait(0.01):
            self._sample()

    def seconds(self):
        self._sample()
        return sum(self.seen.values()) / HZ

    def close(self):
        self.stop.set()
        self.thread.join()


def cpu_meter(pid, name):
    try:
        return CgroupMeter(pid, name)
    except OSError:
        return SamplingMeter(pid, name)
