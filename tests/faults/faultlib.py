"""Shared pieces of the fault tests (issue 8): a wharfd with virtual users whose roots the test
chooses, real-client command lines (OpenSSH sftp/scp, paramiko in a child process so it can be
SIGKILLed), the connection children of the listener, and the crash count from the server log.

Import after putting <runfiles>/wharf/tests/lib and <runfiles>/wharf/tests/faults on sys.path.
"""

import hashlib
import os
import re
import shutil
import signal
import subprocess
import time

import wharfd
import wharftest

NOBODY = 65534
CLIENT_OPTS = [
    "-F", "/dev/null",
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "BatchMode=yes",
    "-o", "ConnectTimeout=20",
    "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none",
    "-o", "LogLevel=ERROR",
]
KILLED = re.compile(r"connection child (\d+) killed by signal (\d+)")

# paramiko in its own process: python3 -c PARAMIKO_PUT port key user local remote
PARAMIKO_PUT = r"""
import sys, paramiko
port, key, user, local, remote = sys.argv[1:6]
c = paramiko.SSHClient()
c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
c.connect("127.0.0.1", port=int(port), username=user, key_filename=key, look_for_keys=False,
          allow_agent=False, timeout=20)
s = c.open_sftp()
try:
    s.put(local, remote)
except Exception as e:
    print(f"put failed: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
c.close()
"""


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_random(path, size):
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 1 << 20)
            f.write(os.urandom(n))
            left -= n
    return sha256_file(path)


def make_root(path):
    os.makedirs(path, mode=0o755, exist_ok=True)
    os.chown(path, NOBODY, NOBODY)
    os.chmod(path, 0o755)
    return path


class Server:
    """A wharfd with virtual users {name: (root, [extra config lines for Match User name])}, all
    mapped to nobody and sharing one client key. Penalties are off (a crash we cause on purpose
    must not lock 127.0.0.1 out: that is dos's subject)."""

    def __init__(self, users, global_lines=()):
        self.base = wharfd.make_state_dir()
        os.chmod(self.base, 0o755)
        self.key = os.path.join(self.base, "id_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key],
                       check=True)
        state = wharfd.make_state_dir()
        os.chmod(state, 0o711)  # StrictModes: the key file's directory is searchable by nobody
        keys = os.path.join(state, "keys")
        shutil.copy(self.key + ".pub", keys)
        os.chmod(keys, 0o644)
        users_file = os.path.join(state, "users")
        with open(users_file, "w") as f:
            for name, (root, _) in users.items():
                f.write(f"{name}::{NOBODY}:{NOBODY}:{root}\n")
        lines = [f"VirtualUsersFile {users_file}", f"AuthorizedKeysFile {keys}",
                 "PerSourcePenalties no", *global_lines]
        for name, (_, extra) in users.items():
            if extra:
                lines.append(f"Match User {name}")
                lines += [f"    {line}" for line in extra]
        self.deliberate = set()  # child pids we signalled ourselves
        self.server = wharfd.Wharfd(state_dir=state, config_text="\n".join(lines) + "\n")
        self.server.start()
        self.port = self.server.port

    def pid(self):
        return self.server.proc.pid

    def alive(self):
        return self.server.proc.poll() is None

    def children(self):
        """Pids of the listener's connection children (from /proc, no pgrep race on names)."""
        r = subprocess.run(["pgrep", "-P", str(self.pid())], capture_output=True, text=True)
        return [int(p) for p in r.stdout.split()]

    def wait_no_children(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.children():
                return True
            time.sleep(0.02)
        return False

    def killed_children(self):
        """{pid: signal} for every child the listener logged as killed by a signal."""
        return {int(m.group(1)): int(m.group(2)) for m in KILLED.finditer(self.server.read_log())}

    def crashes(self):
        """Children killed by a signal this test did not send."""
        return {p: s for p, s in self.killed_children().items() if p not in self.deliberate}

    def stop(self):
        self.server.cleanup()
        shutil.rmtree(self.base, ignore_errors=True)

    # ---- client command lines
    def sftp_batch(self, user, batch_path):
        return ["sftp", "-q", "-b", batch_path, "-P", str(self.port), "-i", self.key,
                *CLIENT_OPTS, f"{user}@127.0.0.1"]

    def sftp_batch_cmds(self, user, scratch, commands):
        batch = os.path.join(scratch, f"batch-{user}-{os.getpid()}")
        with open(batch, "w") as f:
            f.write("".join(c + "\n" for c in commands))
        return self.sftp_batch(user, batch)

    def scp(self, user, local, remote, legacy):
        return ["scp", "-q", *(["-O"] if legacy else []), "-P", str(self.port), "-i", self.key,
                *CLIENT_OPTS, local, f"{user}@127.0.0.1:{remote}"]

    def paramiko_put(self, user, local, remote):
        return ["/usr/bin/python3", "-c", PARAMIKO_PUT, str(self.port), self.key, user, local,
                remote]

    def upload_cmd(self, client, user, local, remote, scratch):
        """The command line that uploads `local` to `remote` with `client`."""
        if client == "sftp":
            batch = os.path.join(scratch, f"batch-{user}")
            with open(batch, "w") as f:
                f.write(f'put "{local}" "{remote}"\n')
            return self.sftp_batch(user, batch)
        if client in ("scp-legacy", "scp-sftp"):
            return self.scp(user, local, remote, legacy=client == "scp-legacy")
        if client == "paramiko":
            return self.paramiko_put(user, local, remote)
        raise ValueError(client)


def figure(name, value):
    """One `FIGURE name value` line for tools/figures.py, always at the start of a line (the
    unittest runner leaves "test_x ... " open while a test runs)."""
    print(f"\nFIGURE {name} {int(value)}", flush=True)


def start_client(cmd):
    """Starts a client in its own process group (scp and sftp run ssh as a child)."""
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def kill_group(proc):
    """SIGKILLs the client's whole process group; True when it was still running."""
    running = proc.poll() is None
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=30)
    return running


def run_client(cmd, timeout=120):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=timeout, start_new_session=True)
    return r


def scratch_dir(name):
    d = os.path.join(wharftest.tmpdir(), name)
    os.makedirs(d, exist_ok=True)
    return d
