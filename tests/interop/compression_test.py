#!/usr/bin/python3
"""Compression with real clients (issue 3). `ssh -C` and `-o Compression=yes` negotiate
zlib@openssh.com (compression starts only after authentication, so these reach auth through
uncompressed packets); with `Compression yes` plain zlib is offered too and paramiko, asked for
zlib only, runs user authentication through compressed packets; by default plain zlib is not
offered, and with `Compression no` only none is."""

import os
import socket
import sys
import unittest

import paramiko

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None
SERVERS = {}  # Compression value: running server


def setUpModule():
    global STATE
    STATE = interop.StateDir().generate_default_keys()
    for value in ("yes", "delayed", "no"):
        SERVERS[value] = STATE.server([f"Compression={value}"]).start()


def tearDownModule():
    for s in SERVERS.values():
        s.stop()
    if STATE:
        STATE.remove()


def offered_compression(stderr):
    """The server's compression list from `ssh -vv` ("peer server KEXINIT proposal")."""
    text = stderr.split("peer server KEXINIT proposal", 1)[1]
    return text.split("compression ctos: ", 1)[1].split("\n", 1)[0].split(",")


def paramiko_transport(port, compression):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    t = paramiko.Transport(sock)
    t.get_security_options().compression = compression
    return t


class OpenSSH(unittest.TestCase):
    def check(self, server, flags, options, expect):
        r = interop.ssh_vv(SERVERS[server].port, options, flags=flags)
        interop.assert_reached_auth(self, r, compression=expect)
        interop.assert_no_crash(self, SERVERS[server])
        return r

    def test_dash_C_with_compression_yes(self):
        r = self.check("yes", ["-C"], [], "zlib@openssh.com")
        self.assertEqual(offered_compression(r.stderr), ["zlib@openssh.com", "zlib", "none"])

    def test_option_compression_yes_with_compression_yes(self):
        self.check("yes", [], ["Compression=yes"], "zlib@openssh.com")

    def test_dash_C_with_default_delayed(self):
        r = self.check("delayed", ["-C"], [], "zlib@openssh.com")
        self.assertEqual(offered_compression(r.stderr), ["zlib@openssh.com", "none"])

    def test_dash_C_with_compression_no(self):
        r = self.check("no", ["-C"], [], "none")
        self.assertEqual(offered_compression(r.stderr), ["none"])

    def test_no_compression_requested(self):
        self.check("yes", [], ["Compression=no"], "none")


class Paramiko(unittest.TestCase):
    def test_plain_zlib_with_compression_yes_authenticates_compressed(self):
        t = paramiko_transport(SERVERS["yes"].port, ("zlib",))
        try:
            t.start_client(timeout=30)
            self.assertEqual((t.local_compression, t.remote_compression), ("zlib", "zlib"))
            with self.assertRaises(paramiko.BadAuthenticationType) as cm:
                t.auth_none("nobody")  # both directions already compressed
            self.assertIn("publickey", cm.exception.allowed_types)
        finally:
            t.close()
        interop.assert_no_crash(self, SERVERS["yes"])

    def test_delayed_zlib_with_default(self):
        t = paramiko_transport(SERVERS["delayed"].port, ("zlib@openssh.com",))
        try:
            t.start_client(timeout=30)
            self.assertEqual(t.local_compression, "zlib@openssh.com")
            with self.assertRaises(paramiko.BadAuthenticationType):
                t.auth_none("nobody")
        finally:
            t.close()

    def test_plain_zlib_not_offered_by_default(self):
        t = paramiko_transport(SERVERS["delayed"].port, ("zlib",))
        try:
            with self.assertRaises(paramiko.SSHException) as cm:
                t.start_client(timeout=30)
            self.assertIn("compression", str(cm.exception))
        finally:
            t.close()
        interop.assert_no_crash(self, SERVERS["delayed"])


if __name__ == "__main__":
    wharftest.main()
