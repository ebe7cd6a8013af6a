"""Shared pieces of the real-client transport tests (issue 3): algorithm lists, one state
directory per test module, an `ssh -vv` runner and checks on the server's log.

Import after putting <runfiles>/wharf/tests/lib and <runfiles>/wharf/tests/interop on sys.path.
"""

import os
import re
import shutil
import socket
import subprocess
import time

import wharfd
import wharftest

# conf/algorithms.h: every KEX method Wharf supports; the finite-field ones are off by default.
KEX_DEFAULT = [
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
]
KEX_FFDH = [
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group14-sha256",
]
KEX_ALL = KEX_DEFAULT + KEX_FFDH
HOST_KEY_ALGS = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
]
AEAD_CIPHERS = ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"]
CTR_CIPHERS = ["aes128-ctr", "aes192-ctr", "aes256-ctr"]
MACS = [
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
    "hmac-sha1",  # off by default: servers that test it add "MACs=+hmac-sha1"
]
# Every KEX method and host-key algorithm (named in full, so the test does not depend on which of
# them are defaults) and every MAC (hmac-sha1 added with sshd_config's "+" syntax).
ENABLE_ALL = ["KexAlgorithms=" + ",".join(KEX_ALL), "HostKeyAlgorithms=" + ",".join(HOST_KEY_ALGS),
              "MACs=+hmac-sha1"]

DEFAULT_KEY_FILES = ["ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key"]

# What a crash or a sanitizer report looks like in wharfd's log (children log to the same file).
CRASH_MARKERS = ["killed by signal", "AddressSanitizer", "runtime error:", "LeakSanitizer",
                 "fatal:", "internal error", "terminate called"]


# Default host keys by ssh-keyscan -t name: (file in the state directory, ssh-keygen -l type label,
# key type in the public key line).
KEY_TYPES = {
    "ed25519": ("ssh_host_ed25519_key", "ED25519", "ssh-ed25519"),
    "ecdsa": ("ssh_host_ecdsa_key", "ECDSA", "ecdsa-sha2-nistp256"),
    "rsa": ("ssh_host_rsa_key", "RSA", "ssh-rsa"),
}


def logged_fingerprints(log):
    """{type label: (bits, fingerprint)} from wharfd's "Host key: ..." startup lines."""
    out = {}
    for m in re.finditer(r"Host key: (\d+) (SHA256:\S+) .*\((\w+)\)\s*$", log, re.M):
        out[m.group(3)] = (m.group(1), m.group(2))
    return out


def keygen_l(path):
    """(type label, (bits, fingerprint)) as `ssh-keygen -l -f path` prints them."""
    r = subprocess.run(["ssh-keygen", "-l", "-f", path], capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"ssh-keygen -l -f {path}: {r.stderr}")
    m = re.match(r"(\d+) (SHA256:\S+) .*\((\w+)\)$", r.stdout.strip())
    if not m:
        raise AssertionError(f"unexpected ssh-keygen -l output: {r.stdout!r}")
    return m.group(3), (m.group(1), m.group(2))


def safe_name(text):
    """A Python identifier fragment for an algorithm name."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", text).strip("_")


class StateDir:
    """One state directory per test module: host keys are generated once by a first wharfd."""

    def __init__(self):
        self.path = wharfd.make_state_dir()
        self.startup_log = ""

    def generate_default_keys(self):
        server = wharfd.Wharfd(state_dir=self.path)
        server.start(timeout=180)
        self.startup_log = server.read_log()
        server.stop()
        return self

    def extra_ecdsa_keys(self):
        """ECDSA P-384 and P-521 keys written by ssh-keygen, for the host-key algorithms the
        default key set has no key for. Returns their paths."""
        paths = []
        for bits in (384, 521):
            path = os.path.join(self.path, f"extra_ecdsa{bits}_key")
            if not os.path.exists(path):
                subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-b", str(bits), "-N", "",
                                "-C", f"interop-{bits}", "-f", path], check=True, timeout=60,
                               capture_output=True)
            paths.append(path)
        return paths

    def key_path(self, name):
        return os.path.join(self.path, name)

    def host_key_overrides(self, with_extra_ecdsa=True):
        """`HostKey=` overrides for the generated keys (plus P-384/P-521 when asked)."""
        paths = [self.key_path(n) for n in DEFAULT_KEY_FILES]
        if with_extra_ecdsa:
            paths += self.extra_ecdsa_keys()
        return [f"HostKey={p}" for p in paths]

    def server(self, overrides=(), config_text=None):
        return wharfd.Wharfd(state_dir=self.path, overrides=list(overrides),
                             config_text=config_text)

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)


SSH_BASE = [
    "-F", "/dev/null",
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "BatchMode=yes",
    "-o", "ConnectTimeout=10",
    "-o", "PubkeyAuthentication=no",
    "-o", "PasswordAuthentication=no",
    "-o", "KbdInteractiveAuthentication=no",
    "-o", "GSSAPIAuthentication=no",
]


def ssh_vv(port, options=(), flags=(), timeout=60, host="127.0.0.1"):
    """`ssh -vv` with no usable authentication method: it ends after the server lists the
    methods that can continue. Returns the CompletedProcess (text)."""
    cmd = ["ssh", "-vv", *SSH_BASE, "-p", str(port), *flags]
    for o in options:
        cmd += ["-o", o]
    cmd += [f"nobody@{host}", "true"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def assert_reached_auth(test, result, kex=None, host_key=None, cipher=None, mac=None,
                        compression=None):
    """The client's -vv log shows the negotiated algorithms and the server's auth methods."""
    err = result.stderr
    if kex:
        test.assertIn(f"kex: algorithm: {kex}\n", err, err[-3000:])
    if host_key:
        test.assertIn(f"kex: host key algorithm: {host_key}\n", err, err[-3000:])
    for direction in ("client->server", "server->client"):
        line = re.search(rf"kex: {direction} cipher: (\S+) MAC: (\S+) compression: (\S+)", err)
        test.assertIsNotNone(line, err[-3000:])
        if cipher:
            test.assertEqual(line.group(1), cipher, err[-3000:])
        if mac:
            test.assertEqual(line.group(2), mac, err[-3000:])
        if compression:
            test.assertEqual(line.group(3), compression, err[-3000:])
    test.assertIn("SSH2_MSG_SERVICE_ACCEPT received", err, err[-3000:])
    test.assertIn("Authentications that can continue: publickey", err, err[-3000:])
    test.assertNotEqual(result.returncode, 0)  # nobody can log in without a key


def assert_no_crash(test, server):
    log = server.read_log()
    for marker in CRASH_MARKERS:
        test.assertNotIn(marker, log, log[-4000:])
    test.assertIsNone(server.proc.poll(), "wharfd listener exited:\n" + log[-4000:])


def wait_for_log(server, pattern, timeout=15.0, start=0):
    """Waits until the server log (from offset `start`) matches `pattern`; returns the match."""
    deadline = time.monotonic() + timeout
    while True:
        m = re.search(pattern, server.read_log()[start:])
        if m or time.monotonic() >= deadline:
            return m
        time.sleep(0.05)


def read_until_eof(sock, timeout=15.0, limit=1 << 20):
    """Reads until EOF, a reset, `limit` bytes or `timeout` s. Returns (data, saw_eof)."""
    sock.settimeout(0.5)
    deadline = time.monotonic() + timeout
    chunks = []
    total = 0
    while time.monotonic() < deadline and total < limit:
        try:
            b = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return b"".join(chunks), True
        if not b:
            return b"".join(chunks), True
        chunks.append(b)
        total += len(b)
    return b"".join(chunks), False


def runfile(path):
    return wharftest.runfile(path)
