#!/usr/bin/python3
"""LoginGraceTime against slow clients (issue 8): a client sending one byte every 5 s is cut at
LoginGraceTime whichever phase it dribbles in: the identification line, its KEXINIT, the key
exchange (ECDH init after KEXINIT) or user authentication (after NEWKEYS). The four run in
parallel against one wharfd; each must be cut between grace and grace + a few seconds, with a
log line saying why."""

import os
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/daemon"))
import daemonlib  # noqa: E402
import wharftest  # noqa: E402

GRACE = 12
DRIBBLE = 5.0  # seconds between bytes
SLACK = 5.0    # the cut may come this much after GRACE (timer, scheduling, ASan)
IDENT = b"SSH-2.0-WharfDribble_1.0\r\n"


def sshstr(b):
    return struct.pack(">I", len(b)) + b


def packet(payload):
    """An unencrypted binary packet (RFC 4253 section 6), block size 8."""
    pad = 8 - (5 + len(payload)) % 8
    pad += 8 if pad < 4 else 0
    return struct.pack(">IB", 1 + len(payload) + pad, pad) + payload + b"\0" * pad


def kexinit():
    lists = [b"curve25519-sha256", b"ssh-ed25519", b"aes128-ctr", b"aes128-ctr",
             b"hmac-sha2-256", b"hmac-sha2-256", b"none", b"none", b"", b""]
    return packet(bytes([20]) + os.urandom(16) + b"".join(sshstr(x) for x in lists) +
                  b"\0" + b"\0\0\0\0")


def ecdh_init():
    return packet(bytes([30]) + sshstr(os.urandom(32)))


class Dribbler(threading.Thread):
    """Connects, sends `prefix` at once, then `slow` one byte per DRIBBLE seconds, reading and
    discarding whatever the server sends, until the server closes. Records when."""

    def __init__(self, port, prefix, slow, name):
        super().__init__(name=name, daemon=True)
        self.port, self.prefix, self.slow = port, prefix, slow
        self.cut_after = None
        self.local_port = None
        self.sent_slow = 0
        self.error = None

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.local_port = s.getsockname()[1]
        return s

    def run(self):
        try:
            self.t0 = time.monotonic()
            s = self.connect()
            self.dribble(s)
        except Exception as e:  # reported by the test
            self.error = repr(e)

    def dribble(self, s, t0=None):
        t0 = t0 or self.t0
        if self.prefix:
            s.sendall(self.prefix)
        next_send = time.monotonic()
        deadline = t0 + GRACE + 30
        while time.monotonic() < deadline:
            if time.monotonic() >= next_send and self.sent_slow < len(self.slow):
                try:
                    s.send(self.slow[self.sent_slow:self.sent_slow + 1])
                    self.sent_slow += 1
                except OSError:
                    break
                next_send += DRIBBLE
            s.settimeout(max(0.01, min(0.5, next_send - time.monotonic())))
            try:
                if not s.recv(65536):
                    break
            except socket.timeout:
                continue
            except OSError:
                break
        self.cut_after = time.monotonic() - t0
        s.close()


class KexDribbler(Dribbler):
    """Sends identification and KEXINIT at once, waits for the server's KEXINIT, then dribbles
    the ECDH init."""

    def run(self):
        try:
            self.t0 = time.monotonic()
            s = self.connect()
            s.sendall(IDENT + kexinit())
            got = b""
            while got.count(b"curve25519-sha256") == 0:
                chunk = s.recv(65536)
                if not chunk:
                    raise AssertionError("closed before the server's KEXINIT")
                got += chunk
            self.dribble(s)
        except Exception as e:
            self.error = repr(e)


class AuthDribbler(Dribbler):
    """Completes key exchange with paramiko (aes128-ctr, so a partial block is never decoded),
    asks for ssh-userauth with a "none" request, then dribbles bytes of a packet that never
    completes."""

    def run(self):
        import paramiko
        try:
            self.t0 = time.monotonic()
            s = self.connect()
            t = paramiko.Transport(s)
            t.get_security_options().ciphers = ("aes128-ctr",)
            t.start_client(timeout=10)
            try:
                t.auth_none("nobody")
            except paramiko.BadAuthenticationType:
                pass
            self.transport = t
            next_send = time.monotonic()
            while t.is_active() and time.monotonic() < self.t0 + GRACE + 30:
                if time.monotonic() >= next_send and self.sent_slow < len(self.slow):
                    try:
                        s.send(b"\x42")
                        self.sent_slow += 1
                    except OSError:
                        break
                    next_send += DRIBBLE
                time.sleep(0.05)
            self.cut_after = time.monotonic() - self.t0
            t.close()
        except Exception as e:
            self.error = repr(e)


class Grace(unittest.TestCase):
    def test_one_byte_every_5s_is_cut_at_login_grace_time_in_every_phase(self):
        site = daemonlib.Site()
        server = site.server(f"LoginGraceTime {GRACE}\n")
        try:
            port = server.port
            phases = [
                Dribbler(port, b"", IDENT, "identification"),
                Dribbler(port, IDENT, kexinit(), "kexinit"),
                KexDribbler(port, b"", ecdh_init(), "kex"),
                AuthDribbler(port, b"", b"\x42" * 16, "userauth"),
            ]
            for p in phases:
                p.start()
            for p in phases:
                p.join(GRACE + 45)
            log = server.read_log()
            for p in phases:
                with self.subTest(phase=p.name):
                    self.assertIsNone(p.error, p.name)
                    self.assertIsNotNone(p.cut_after, p.name)
                    print(f"{p.name}: cut after {p.cut_after:.1f} s, {p.sent_slow} slow bytes",
                          flush=True)
                    self.assertGreaterEqual(p.cut_after, GRACE - 0.5, p.name)
                    self.assertLessEqual(p.cut_after, GRACE + SLACK, p.name)
                    self.assertGreaterEqual(p.sent_slow, 2, f"{p.name} did not dribble")
                    self.assertIn(f"Timeout before authentication for 127.0.0.1 port "
                                  f"{p.local_port}", log)
                    self.assertIn(f"Disconnecting 127.0.0.1 port {p.local_port}: login grace "
                                  f"time exceeded", log)
        finally:
            server.stop()
            site.cleanup()


if __name__ == "__main__":
    wharftest.main()
