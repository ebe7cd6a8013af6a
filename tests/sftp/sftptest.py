"""Helpers for Wharf's SFTP script tests: run OpenSSH's `sftp -D` against wharf-sftp-server or
OpenSSH's own sftp-server, compare trees, and speak raw SFTP over a subprocess pipe."""

import hashlib
import os
import shlex
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
import wharftest  # noqa: E402

OPENSSH_SERVER = "/usr/lib/openssh/sftp-server"


def wharf_server():
    return wharftest.runfile("sftp/wharf-sftp-server")


def scratch(name):
    """A fresh directory under the test's private temporary directory."""
    path = os.path.join(wharftest.tmpdir(), name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def server_command(root, flags=(), server="wharf"):
    if server == "wharf":
        return [wharf_server(), *flags, root]
    # OpenSSH's server is not confined: it starts in the root (-d) and scripts use relative paths.
    return [OPENSSH_SERVER, "-d", root, *flags]


def run_sftp(root, script, cwd, flags=(), server="wharf", extra=(), timeout=300):
    """Runs `sftp -b -` with `script` (a list of commands); returns CompletedProcess."""
    direct = " ".join(shlex.quote(a) for a in server_command(root, flags, server))
    cmd = ["sftp", "-q", "-D", direct, "-b", "-", *extra]
    return subprocess.run(cmd, input="\n".join(script) + "\n", cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def paramiko_over_stdio(root, flags=()):
    """paramiko's SFTPClient talking to wharf-sftp-server over its stdin/stdout; returns
    (client, process). Close the client, then wait for the process."""
    import paramiko

    proc = subprocess.Popen(server_command(root, flags), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, bufsize=0)

    class Pipe:
        closed = False

        def send(self, data):
            return os.write(proc.stdin.fileno(), data)

        def recv(self, n):
            return os.read(proc.stdout.fileno(), n)

        def close(self):
            proc.stdin.close()

        def settimeout(self, _):
            pass

        def get_name(self):
            return "pipe"

    return paramiko.SFTPClient(Pipe()), proc


def write_random(path, size, seed=0):
    rnd = hashlib.sha256(f"{seed}".encode()).digest()
    block = (rnd * (1 << 15))[: 1 << 20]  # 1 MiB pattern, shifted per MiB
    with open(path, "wb") as f:
        left, i = size, 0
        while left > 0:
            n = min(left, len(block))
            chunk = block[i % 251:] + block[: i % 251]
            f.write(chunk[:n])
            left -= n
            i += 1


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree(root):
    """{relative path: description} of everything under root (type, size, mode, content hash)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if os.path.islink(full):
                out[rel] = ("link", os.readlink(full))
            elif os.path.isdir(full):
                out[rel] = ("dir", oct(st.st_mode & 0o7777))
            else:
                out[rel] = ("file", st.st_size, oct(st.st_mode & 0o7777), st.st_nlink,
                            digest(full))
    return out


class RawSftp:
    """A raw SFTP client over a server subprocess's stdin/stdout, for malformed requests."""

    def __init__(self, root, flags=(), server="wharf"):
        self.proc = subprocess.Popen(server_command(root, flags, server), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, body):
        self.send_raw(struct.pack(">I", len(body)) + body)

    def recv(self):
        """(type, id, rest) of the next reply."""
        head = self._read(4)
        (n,) = struct.unpack(">I", head)
        body = self._read(n)
        return body[0], struct.unpack(">I", body[1:5])[0], body[5:]

    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.proc.stdout.read(n - len(data))
            if not chunk:
                raise EOFError("server closed")
            data += chunk
        return data

    def init(self):
        self.send(b"\x01" + struct.pack(">I", 3))
        t, version, rest = self.recv()
        assert t == 2 and version == 3, (t, version)
        return rest

    def close(self, timeout=10):
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=timeout)
        self.proc.stdout.close()
        return rc


def s(data):
    """An SSH string."""
    if isinstance(data, str):
        data = data.encode()
    return struct.pack(">I", len(data)) + data


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def status_of(rest):
    return struct.unpack(">I", rest[:4])[0]
