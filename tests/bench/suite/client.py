"""The real OpenSSH clients (sftp, scp) as the workloads run them, plus checks that what
arrived is byte for byte what was sent."""

import os
import resource
import subprocess
import time

DEFAULT_CIPHER = "aes128-gcm@openssh.com"


class TransferError(RuntimeError):
    pass


class Client:
    def __init__(self, rig):
        self.rig = rig
        self.verified = 0
        self.batch = os.path.join(rig.local, "batch")
        self.last_cpu = 0.0  # CPU seconds of the last sftp or scp run, its ssh included

    def run(self, cmd, timeout):
        """Runs one client command; its CPU (user + system, the ssh it started included: sftp and
        scp reap their ssh) is left in last_cpu."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if r.returncode != 0:
            raise TransferError(f"{' '.join(cmd)} -> {r.returncode}: {r.stderr[-2000:]}")

    def target(self):
        return f"{self.rig.user}@127.0.0.1"

    def sftp_command(self, port, batch, cipher=DEFAULT_CIPHER, compression=False):
        return ["sftp", "-q", "-b", batch, "-P", str(port),
                *self.rig.client_options(cipher, compression), self.target()]

    def sftp(self, port, lines, cipher=DEFAULT_CIPHER, compression=False, timeout=1800):
        with open(self.batch, "w") as f:
            f.write("".join(line + "\n" for line in lines))
        self.run(self.sftp_command(port, self.batch, cipher, compression), timeout)

    def scp(self, port, src, dst, cipher=DEFAULT_CIPHER, timeout=1800):
        self.run(["scp", "-O", "-q", "-P", str(port), *self.rig.client_options(cipher), src, dst],
                 timeout)

    def remote(self, path):
        """scp's user@host:path for a path under /data."""
        return f"{self.target()}:{path}"

    def verify_file(self, a, b):
        if subprocess.run(["cmp", "-s", a, b], timeout=600).returncode != 0:
            raise TransferError(f"{b} differs from {a}")
        self.verified += 1

    def verify_tree(self, a, b):
        r = subprocess.run(["diff", "-rq", a, b], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise TransferError(f"trees differ: {r.stdout[-2000:]}{r.stderr[-500:]}")
        self.verified += 1


def timed(server, action):
    """(wall seconds, server CPU seconds) of action(); the server's connection processes have
    exited before and after, so the CPU covers all of them (see procstat)."""
    server.settle()
    cpu0 = server.cpu_seconds()
    t0 = time.monotonic()
    action()
    wall = time.monotonic() - t0
    server.settle()
    return wall, server.cpu_seconds() - cpu0
