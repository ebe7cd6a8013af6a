"""Server resource use from /proc: CPU time of a whole process tree and its summed PSS.

CPU: every server here forks per connection from one listener, and every process of the chain
waits for its children (wharfd's listener reaps with waitpid; sshd's listener reaps its
per-connection monitor, the monitor waits for the unprivileged child in mm_answer_term, and that
child waits for its session child). The kernel adds a reaped child's utime+stime (and its own
cutime+cstime) to the parent's cutime+cstime, so the listener's utime+stime+cutime+cstime, read
after the connections' processes are gone, is the CPU of every process the server ran. That is
exact for short-lived processes, which sampling the tree would miss.
"""

import os
import time

HZ = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    # The command name may contain spaces and parentheses: split after the last ')'.
    return data[data.rindex(")") + 2:].split()


def tree_cpu_seconds(pid):
    """utime+stime+cutime+cstime of `pid`, in seconds (fields 14-17 of proc(5))."""
    f = _stat_fields(pid)
    return sum(int(x) for x in f[11:15]) / HZ


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
