"""Shared pieces of the hostile-client tests (issue 8): one wharfd per module with its demo user,
raw clients driven into each protocol state, outcome observation, crash checks and figures.

Import after putting <runfiles>/wharf/tests/{lib,interop,hostile} on sys.path.
"""

import hashlib
import os
import re
import socket
import struct
import threading
import time

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_ssh_private_key

import interop
import rawssh
import wharfd

from rawssh import sshstr, u32

# Limits that would otherwise turn hundreds of quick connections from 127.0.0.1 into refusals.
OVERRIDES = [
    "MaxStartups=400:30:800",
    "PerSourceMaxStartups=none",
    "PerSourcePenalties=no",
    "LoginGraceTime=60",
    "LogLevel=VERBOSE",
]

DISCONNECT_PROTOCOL_ERROR = 2
DISCONNECT_KEY_EXCHANGE_FAILED = 3
DISCONNECT_SERVICE_NOT_AVAILABLE = 7
DISCONNECT_NO_MORE_AUTH_METHODS = 14

# Messages the server may send that say nothing about the cell being checked.
BACKGROUND = {rawssh.MSG_IGNORE, 4}


class Figures:
    """Counts printed as `FIGURE name N` lines (summed across test logs by tools/figures.py)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, name, n=1):
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + n

    def print(self):
        for name, n in sorted(self.counts.items()):
            print(f"FIGURE {name} {n}", flush=True)


FIGURES = Figures()


class Server:
    """A wharfd with default host keys and the demo user (virtual, key in <state>/demo_key)."""

    def __init__(self, overrides=()):
        self.state = interop.StateDir().generate_default_keys()
        self.wharfd = self.state.server(overrides=OVERRIDES + list(overrides)).start()
        self.port = self.wharfd.port
        with open(os.path.join(self.state.path, "demo_key"), "rb") as f:
            self.demo_key = load_ssh_private_key(f.read(), password=None)

    def read_log(self):
        return self.wharfd.read_log()

    def crashes(self):
        """Lines of the log that show a crash or a sanitizer report."""
        return [line for line in self.read_log().splitlines()
                if any(m in line for m in interop.CRASH_MARKERS)]

    def assert_up(self, test):
        crashes = self.crashes()
        FIGURES.add("crashes", len(crashes))
        test.assertEqual(crashes, [], self.read_log()[-4000:])
        test.assertIsNone(self.wharfd.proc.poll(), "wharfd listener exited")
        c = rawssh.RawClient(self.port)
        try:
            test.assertIn("curve25519-sha256", c.recv_kexinit()["kex"])
        finally:
            c.close()

    def child_pids(self):
        """Pids of the listener's connection children."""
        out = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.wharfd.proc.pid:
                out.append(int(pid))
        return out

    def stop(self):
        self.wharfd.stop()
        self.state.remove()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    return int(m.group(1)) if m else 0


# --- a raw client driven into a state --------------------------------------------------------


def ecdh_init_payload():
    secret = X25519PrivateKey.generate()
    q_c = secret.public_key().public_bytes(rawssh.Encoding.Raw, rawssh.PublicFormat.Raw)
    return bytes([rawssh.MSG_KEX_ECDH_INIT]) + sshstr(q_c)


def connect(port, timeout=10.0):
    return rawssh.RawClient(port, timeout=timeout)


def start_kex(port, strict):
    """Identification and both KEXINITs exchanged; returns the client."""
    c = connect(port)
    kex = ["curve25519-sha256"] + ([rawssh.STRICT_C] if strict else [])
    c.client_kexinit = rawssh.kexinit(kex)
    c.send(c.client_kexinit)
    c.recv_kexinit()
    c.strict = strict
    return c


def kex_done(port, strict):
    """The server's ECDH reply and NEWKEYS received, our NEWKEYS not yet sent. Returns the
    client and the function that completes the switch (send NEWKEYS, install keys)."""
    c = start_kex(port, strict)
    k, h = c.ecdh(X25519PrivateKey.generate())
    c.session_id = h

    def derive(letter):  # RFC 4253 section 7.2
        return hashlib.sha256(k + h + letter + h).digest()

    mode = "aes128-ctr+hmac-sha2-256"
    if c.recv()[0] != rawssh.MSG_NEWKEYS:
        raise ValueError("expected NEWKEYS")
    # The server protects everything after its NEWKEYS (RFC 4253 section 7.3).
    c.inp = rawssh.Protection(mode, derive(b"B"), derive(b"D"), derive(b"F"), encrypt=False)
    if strict:
        c.recv_seq = 0

    def finish():
        c.send(bytes([rawssh.MSG_NEWKEYS]))
        c.out = rawssh.Protection(mode, derive(b"A"), derive(b"C"), derive(b"E"), encrypt=True)
        if strict:
            c.send_seq = 0
    return c, finish


def with_keys(port):
    """After NEWKEYS in both directions (strict KEX), before SERVICE_REQUEST."""
    return connect(port).key_exchange()


def service_request(c):
    c.send(bytes([rawssh.MSG_SERVICE_REQUEST]) + sshstr("ssh-userauth"))
    reply = c.recv()
    if reply[0] != rawssh.MSG_SERVICE_ACCEPT:
        raise ValueError(f"expected SERVICE_ACCEPT, got {reply[0]}")


def userauth_request(user, method, rest=b""):
    return (bytes([50]) + sshstr(user) + sshstr("ssh-connection") + sshstr(method) + rest)


def recv_skipping(c, skip=BACKGROUND):
    while True:
        p = c.recv()
        if p[0] not in skip:
            return p


def publickey_blob(key):
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return sshstr("ssh-ed25519") + sshstr(raw)


def publickey_request(session_id, user, key, signed=True, blob=None, sign_with=None):
    """USERAUTH_REQUEST publickey for an ed25519 key (RFC 4252 section 7)."""
    blob = blob if blob is not None else publickey_blob(key)
    body = sshstr(user) + sshstr("ssh-connection") + sshstr("publickey")
    if not signed:
        return bytes([50]) + body + b"\0" + sshstr("ssh-ed25519") + sshstr(blob)
    data = (sshstr(session_id) + bytes([50]) + body + b"\1" + sshstr("ssh-ed25519") +
            sshstr(blob))
    sig = (sign_with or key).sign(data)
    return (bytes([50]) + body + b"\1" + sshstr("ssh-ed25519") + sshstr(blob) +
            sshstr(sshstr("ssh-ed25519") + sshstr(sig)))


def login(server, user="demo"):
    """Logged in as the demo user; returns the client (connection protocol running)."""
    c = with_keys(server.port)
    service_request(c)
    c.send(publickey_request(c.session_id, user, server.demo_key))
    reply = recv_skipping(c, BACKGROUND | {7})
    if reply[0] != 52:
        raise ValueError(f"login failed: message {reply[0]}")
    return c


def open_session(c, peer_id=7, window=1 << 20, max_packet=32768):
    c.send(bytes([90]) + sshstr("session") + u32(peer_id) + u32(window) + u32(max_packet))
    reply = recv_skipping(c)
    if reply[0] != 91:
        raise ValueError(f"expected OPEN_CONFIRMATION, got {reply[0]}")
    r = rawssh.Reader(reply[1:])
    assert r.u32() == peer_id
    return r.u32(), r.u32(), r.u32()  # our id for it, window, max packet


def start_sftp(c, ours, peer_id=7):
    c.send(bytes([98]) + u32(ours) + sshstr("subsystem") + b"\1" + sshstr("sftp"))
    reply = recv_skipping(c)
    if reply[0] != 99:
        raise ValueError(f"subsystem sftp refused: {reply[0]}")


def observe_end(c, timeout=10.0):
    """Reads until EOF: (list of payload types, disconnect reason or None, saw_eof)."""
    packets, eof = c.read_all_packets(timeout=timeout)
    reason = None
    types = [p[0] for p in packets]
    if packets and packets[-1][0] == rawssh.MSG_DISCONNECT:
        reason = rawssh.Reader(packets[-1][1:]).u32()
    return types, reason, eof


def safe_send(c, payload):
    try:
        c.send(payload)
        return True
    except (BrokenPipeError, ConnectionResetError):
        return False


def disconnect_reason(payload):
    return struct.unpack(">I", payload[1:5])[0]


def expect_cut(test, c, reasons=(DISCONNECT_PROTOCOL_ERROR,), timeout=10.0):
    """The server ends the connection, with DISCONNECT (one of `reasons`) if it says anything."""
    types, reason, eof = observe_end(c, timeout=timeout)
    c.close()
    test.assertTrue(eof, f"connection still open, got {types}")
    if rawssh.MSG_DISCONNECT in types:
        test.assertIn(reason, reasons, types)
    return types, reason


def wait_closed(sock, timeout):
    """True once the peer closed `sock` (EOF or reset) within `timeout` s; discards data."""
    deadline = time.monotonic() + timeout
    sock.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            if not sock.recv(1 << 20):
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


# --- after login: re-exchange, channels, SFTP --------------------------------------------------


def rekey(c):
    """A client-initiated key re-exchange (RFC 4253 section 9) on a logged-in raw client."""
    c.client_kexinit = rawssh.kexinit(["curve25519-sha256"])
    c.send(c.client_kexinit)
    while True:
        p = c.recv()
        if p[0] == rawssh.MSG_KEXINIT:
            c.server_kexinit = p
            break
    k, h = c.ecdh(X25519PrivateKey.generate())
    sid = c.session_id

    def derive(letter):  # RFC 4253 section 7.2: the session id stays the first exchange's H
        return hashlib.sha256(k + h + letter + sid).digest()

    mode = "aes128-ctr+hmac-sha2-256"
    if c.recv()[0] != rawssh.MSG_NEWKEYS:
        raise ValueError("expected NEWKEYS")
    c.inp = rawssh.Protection(mode, derive(b"B"), derive(b"D"), derive(b"F"), encrypt=False)
    # Strict KEX resets sequence numbers at every NEWKEYS, not only the first (PROTOCOL 1.10).
    if c.strict:
        c.recv_seq = 0
    c.send(bytes([rawssh.MSG_NEWKEYS]))
    c.out = rawssh.Protection(mode, derive(b"A"), derive(b"C"), derive(b"E"), encrypt=True)
    if c.strict:
        c.send_seq = 0


def channel_data(ours, data):
    return bytes([94]) + u32(ours) + sshstr(data)


def sftp_packet(body):
    return u32(len(body)) + body


class SftpChannel:
    """SFTP v3 over one session channel of a logged-in raw client."""

    def __init__(self, c, peer_id=7, window=1 << 24, max_packet=32768):
        self.c = c
        self.peer_id = peer_id
        self.ours, self.window, self.max_packet = open_session(c, peer_id, window, max_packet)
        start_sftp(c, self.ours, peer_id)
        self.inbuf = b""
        self.closed = False

    def send(self, body):
        self.c.send(channel_data(self.ours, sftp_packet(body)))

    def recv_message(self):
        """One SFTP message body from CHANNEL_DATA (other channel traffic is skipped)."""
        while True:
            if len(self.inbuf) >= 4:
                n = struct.unpack(">I", self.inbuf[:4])[0]
                if len(self.inbuf) >= 4 + n:
                    body, self.inbuf = self.inbuf[4:4 + n], self.inbuf[4 + n:]
                    return body
            p = recv_skipping(self.c)
            if p[0] == 94:
                r = rawssh.Reader(p[1:])
                r.u32()
                self.inbuf += r.string()
            elif p[0] in (96, 97, 98, 93):
                if p[0] == 97:
                    self.closed = True
                    raise rawssh.Eof("channel closed")
            else:
                raise ValueError(f"unexpected message {p[0]} on the SFTP channel")

    def init(self):
        self.send(bytes([1]) + u32(3))
        reply = self.recv_message()
        if reply[0] != 2:
            raise ValueError(f"expected SSH_FXP_VERSION, got {reply[0]}")

    def open_read(self, path, req_id=1):
        self.send(bytes([3]) + u32(req_id) + sshstr(path) + u32(1) + u32(0))
        reply = self.recv_message()
        if reply[0] != 102:
            raise ValueError(f"open {path} failed: {reply!r}")
        return rawssh.Reader(reply[5:]).string()
