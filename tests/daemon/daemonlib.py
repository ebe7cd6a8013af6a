"""Helpers for the load and denial-of-service tests (issue 8): a wharfd with pre-made host keys
and one virtual user with a key, raw TCP probes (accepted or refused), held silent connections
and the connection children of a wharfd.

Import after putting <runfiles>/wharf/tests/lib and <runfiles>/wharf/tests/daemon on sys.path.
"""

import os
import random
import re
import resource
import select
import shutil
import socket
import subprocess
import tempfile
import time

import wharfd
import wharftest

CLIENT_OPTS = [
    "-F", "/dev/null",
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "ConnectTimeout=20",
    "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none",
    "-o", "PasswordAuthentication=no",
    "-o", "KbdInteractiveAuthentication=no",
    "-o", "BatchMode=yes",
]


def run(cmd, timeout=60, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def keygen(path, kind, bits=None):
    cmd = ["ssh-keygen", "-q", "-N", "", "-t", kind, "-C", os.path.basename(path), "-f", path]
    if bits:
        cmd += ["-b", str(bits)]
    r = run(cmd)
    if r.returncode != 0:
        raise AssertionError(f"ssh-keygen failed: {r.stderr}")
    return path


class Site:
    """A state directory with host keys (made by ssh-keygen: RSA is slow under ASan) and one
    virtual user whose root is owned by a random uid, with an authorized key."""

    def __init__(self):
        self.state = wharfd.make_state_dir()
        for name, kind, bits in [("ssh_host_ed25519_key", "ed25519", None),
                                 ("ssh_host_ecdsa_key", "ecdsa", 256),
                                 ("ssh_host_rsa_key", "rsa", 2048)]:
            keygen(os.path.join(self.state, name), kind, bits)
        self.base = tempfile.mkdtemp(prefix="dos-", dir=wharfd.safe_base())
        os.chmod(self.base, 0o711)
        keys = os.path.join(self.base, "keys")
        os.mkdir(keys, 0o700)
        self.key = keygen(os.path.join(keys, "id_user"), "ed25519")
        self.wrong_key = keygen(os.path.join(keys, "id_wrong"), "ed25519")
        self.uid = random.randint(65000, 65499)
        self.user = f"dos{random.randrange(16**6):06x}"
        self.root = os.path.join(self.base, self.user)
        ssh_dir = os.path.join(self.root, ".ssh")
        os.makedirs(ssh_dir)
        with open(self.key + ".pub") as f, open(os.path.join(ssh_dir, "authorized_keys"), "w") as a:
            a.write(f.read())
        for p in (self.root, ssh_dir, os.path.join(ssh_dir, "authorized_keys")):
            os.chown(p, self.uid, self.uid)
        os.chmod(ssh_dir, 0o700)
        os.chmod(os.path.join(ssh_dir, "authorized_keys"), 0o600)
        self.users_file = os.path.join(self.base, "users")
        with open(self.users_file, "w") as f:
            f.write(f"{self.user}::{self.uid}:{self.uid}:{self.root}:dos test user\n")
        os.chmod(self.users_file, 0o644)

    def server(self, config="", overrides=()):
        """A started wharfd with `config` after the virtual users line."""
        text = f"VirtualUsersFile {self.users_file}\nLogLevel VERBOSE\n" + config
        return wharfd.Wharfd(state_dir=self.state, config_text=text,
                             overrides=list(overrides)).start()

    def sftp(self, server, commands=("pwd",), key=None, timeout=90):
        batch = os.path.join(wharftest.tmpdir(), f"batch-{random.randrange(1 << 30)}")
        with open(batch, "w") as f:
            f.write("".join(c + "\n" for c in commands))
        cmd = ["sftp", *CLIENT_OPTS, "-P", str(server.port), "-b", batch, "-i",
               key or self.key, f"{self.user}@127.0.0.1"]
        return run(cmd, timeout=timeout)

    def ssh_fail(self, server, source="127.0.0.1"):
        """A login with a key the server does not know, from `source` (a loopback address): an
        authentication failure."""
        cmd = ["ssh", *CLIENT_OPTS, "-b", source, "-p", str(server.port), "-i", self.wrong_key,
               f"{self.user}@127.0.0.1", "true"]
        return run(cmd, timeout=60)

    def cleanup(self):
        shutil.rmtree(self.base, ignore_errors=True)
        shutil.rmtree(self.state, ignore_errors=True)


def connect(port, source="127.0.0.1", timeout=10.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def probe(port, source="127.0.0.1", timeout=10.0):
    """Connects and waits for the server's first bytes. Returns (socket, True) when the server
    sent its identification (served), or (None, False) when it closed without a byte (refused)."""
    s = connect(port, source, timeout)
    data = b""
    deadline = time.monotonic() + timeout
    try:
        while not data.startswith(b"SSH-") and time.monotonic() < deadline:
            chunk = s.recv(256)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    if data.startswith(b"SSH-2.0-"):
        return s, True
    if data:
        raise AssertionError(f"unexpected first bytes {data[:80]!r}")
    s.close()
    return None, False


def hold(port, n, source="127.0.0.1"):
    """n silent connections, each served (identification received); raises if one is refused."""
    held = []
    try:
        for i in range(n):
            s, ok = probe(port, source)
            if not ok:
                raise AssertionError(f"connection {i + 1} of {n} refused")
            held.append(s)
    except BaseException:
        close_all(held)
        raise
    return held


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def still_open(s):
    """True if the server has not closed `s` (it sent nothing more than we drain, or only data)."""
    s.setblocking(False)
    try:
        while True:
            r, _, _ = select.select([s], [], [], 0)
            if not r:
                return True
            if not s.recv(65536):
                return False
    except BlockingIOError:
        return True
    except ConnectionResetError:
        return False
    finally:
        s.setblocking(True)


def children(server):
    """Process ids of the connection children of a running wharfd."""
    pid = server.proc.pid
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(p) for p in f.read().split()]
        except FileNotFoundError:
            continue
    return out


def wait_for(predicate, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def log_lines(server, pattern, mark=0):
    return [line for line in server.read_log()[mark:].splitlines() if re.search(pattern, line)]


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
