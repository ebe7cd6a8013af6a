#!/usr/bin/python3
"""Authentication limits (issue 4): MaxAuthTries with the real ssh client offering many wrong
keys, and LoginGraceTime against clients that stall in each phase (before identification,
after identification, mid key exchange after KEXINIT, during authentication)."""

import os
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

GRACE = 3       # LoginGraceTime for the stall tests (seconds)
SLACK = 6       # how late the cut may come (slow sanitizer builds, busy CI machines)
M = {}


def setUpModule():
    area = login.open_site(M)
    M["good"] = area.key("ed25519")
    M["wrong"] = [area.key("ed25519") for _ in range(8)]
    M["config"] = login.one_user(M, "llt", (64000, 64999), [M["good"]])


def tearDownModule():
    login.close_site(M)
    login.summary("MaxAuthTries 3 and default 6 with ssh -i x N wrong keys (repeated), the good "
                  f"key after N-1 wrong ones; LoginGraceTime {GRACE}s stalls before/after "
                  "identification, after KEXINIT, after KEX, after a failed auth; no cut after "
                  "login; MaxSessions 0 in a Match block refuses sftp, 1 allows it")


def offer_keys(server, keys):
    args = []
    for k in keys:
        args += ["-i", k]
    return login.ssh(server, M["user"], None, "true", extra=["-v", *args])


class MaxAuthTries(unittest.TestCase):
    def check_cut_after(self, server, tries, offered):
        for _ in range(2):
            r = offer_keys(server, M["wrong"][:offered])
            self.assertEqual(r.returncode, 255)
            self.assertEqual(r.stderr.count("Offering public key"), tries, r.stderr)
            self.assertIn("Too many authentication failures", r.stderr)
        self.assertIn(f"Too many authentication failures for {M['user']}", server.read_log())

    def test_max_auth_tries_3(self):
        with login.server(M["state"], M["config"], ["MaxAuthTries=3"]) as server:
            self.check_cut_after(server, 3, 6)

    def test_max_auth_tries_default_6(self):
        with login.server(M["state"], M["config"]) as server:
            self.check_cut_after(server, 6, 8)

    def test_good_key_after_fewer_wrong_ones_than_the_limit(self):
        with login.server(M["state"], M["config"], ["MaxAuthTries=3"]) as server:
            r = offer_keys(server, [*M["wrong"][:2], M["good"]])
        self.assertEqual(r.stderr.count("Offering public key"), 3, r.stderr)
        self.assertIn(login.REFUSAL, r.stderr)  # logged in, then exec refused
        self.assertNotIn("Too many authentication failures", r.stderr)

    def test_none_requests_count_after_the_first(self):
        """Only the opening "none" is free (as sshd): with MaxAuthTries 3 the fourth is cut."""
        import paramiko
        with login.server(M["state"], M["config"], ["MaxAuthTries=3"]) as server:
            t = login.paramiko_transport(server)
            try:
                for _ in range(3):
                    with self.assertRaises(paramiko.BadAuthenticationType) as refused:
                        t.auth_none(M["user"])
                    self.assertIn("publickey", refused.exception.allowed_types)
                with self.assertRaises((paramiko.SSHException, EOFError)) as cut:
                    t.auth_none(M["user"])
                self.assertNotIsInstance(cut.exception, paramiko.BadAuthenticationType)
                self.assertIsNotNone(login.wait_inactive(t, 10), "not cut")
            finally:
                t.close()
            self.assertIn(f"Too many authentication failures for {M['user']}", server.read_log())

    def test_a_good_key_after_one_none_still_gets_all_tries(self):
        import paramiko
        with login.server(M["state"], M["config"], ["MaxAuthTries=3"]) as server:
            t = login.paramiko_transport(server)
            try:
                with self.assertRaises(paramiko.BadAuthenticationType):
                    t.auth_none(M["user"])
                for key in M["wrong"][:2]:
                    with self.assertRaises(paramiko.AuthenticationException):
                        t.auth_publickey(M["user"], login.paramiko_key(key))
                self.assertEqual(t.auth_publickey(M["user"], login.paramiko_key(M["good"])), [])
                self.assertTrue(t.is_authenticated())
            finally:
                t.close()


def read_until_eof(sock, timeout):
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            b = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            return data
        if not b:
            return data
        data += b


def kexinit_packet():
    """An unencrypted SSH_MSG_KEXINIT packet (RFC 4253 sections 6 and 7.1)."""
    def name_list(s):
        return struct.pack(">I", len(s)) + s.encode()
    payload = bytes([20]) + os.urandom(16)
    for s in ["curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes128-ctr",
              "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", ""]:
        payload += name_list(s)
    payload += b"\x00" + struct.pack(">I", 0)
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + pad + 1, pad) + payload + bytes(pad)


class MaxSessions(unittest.TestCase):
    def test_max_sessions_zero_refuses_every_session_as_sshd(self):
        config = M["config"] + f"Match User {M['user']}\n  MaxSessions 0\n"
        with login.server(M["state"], config) as server:
            r = login.sftp(server, M["user"], M["good"], ["pwd"])
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("open failed", r.stderr)
            self.assertIn(f"Accepted publickey for {M['user']}", server.read_log())
        with login.server(M["state"], M["config"], ["MaxSessions=1"]) as server:
            r = login.sftp(server, M["user"], M["good"], ["pwd"])
            self.assertEqual(r.returncode, 0, r.stderr)


class LoginGraceTime(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = login.start(M["state"], M["config"], [f"LoginGraceTime={GRACE}"])

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def stall(self, send):
        start = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            if send:
                s.sendall(send)
            data = read_until_eof(s, GRACE + SLACK + 5)
        took = time.monotonic() - start
        self.assertTrue(data.startswith(b"SSH-2.0-Wharf_"), data[:40])
        self.assertGreater(took, GRACE - 0.5)
        self.assertLess(took, GRACE + SLACK)
        return data

    def test_stall_before_identification(self):
        self.stall(b"")

    def test_stall_after_identification(self):
        self.stall(b"SSH-2.0-Staller_1.0\r\n")

    def test_stall_mid_kex_after_kexinit(self):
        data = self.stall(b"SSH-2.0-Staller_1.0\r\n" + kexinit_packet())
        self.assertGreater(len(data.split(b"\r\n", 1)[1]), 100)  # the server's KEXINIT came

    def test_stall_after_key_exchange(self):
        start = time.monotonic()
        t = login.paramiko_transport(self.server)
        try:
            took = login.wait_inactive(t, GRACE + SLACK)
        finally:
            t.close()
        self.assertIsNotNone(took, "not cut")
        self.assertGreater(time.monotonic() - start, GRACE - 0.5)

    def test_stall_during_authentication(self):
        import paramiko
        start = time.monotonic()
        t = login.paramiko_transport(self.server)
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_publickey(M["user"], login.paramiko_key(M["wrong"][0]))
            self.assertTrue(t.is_active())
            took = login.wait_inactive(t, GRACE + SLACK)
        finally:
            t.close()
        self.assertIsNotNone(took, "not cut")
        total = time.monotonic() - start
        self.assertGreater(total, GRACE - 0.5)
        self.assertLess(total, GRACE + SLACK)
        self.assertIn("login grace time exceeded", self.server.read_log())

    def test_authenticated_session_outlives_the_grace_time(self):
        import paramiko
        t = login.paramiko_transport(self.server)
        try:
            t.auth_publickey(M["user"], login.paramiko_key(M["good"]))
            sftp = paramiko.SFTPClient.from_transport(t)
            time.sleep(GRACE + 1.5)
            self.assertIn("marker-root.txt", sftp.listdir("/"))
            self.assertTrue(t.is_active())
        finally:
            t.close()


if __name__ == "__main__":
    wharftest.main()
