#!/usr/bin/python3
"""Strict KEX (OpenSSH PROTOCOL 1.10, the Terrapin fix) with a raw client of our own (issue 3):
a client that offers kex-strict-c-v00@openssh.com and sends IGNORE before KEXINIT is
disconnected; a client that does not offer it may, and gets a correctly signed curve25519 reply;
a strict client that sends KEXINIT first completes key exchange with sequence numbers reset."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import rawssh  # noqa: E402
import wharftest  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

STATE = None
SERVER = None


def setUpModule():
    global STATE, SERVER
    STATE = interop.StateDir().generate_default_keys()
    SERVER = STATE.server().start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


class StrictKex(unittest.TestCase):
    def start_kex(self, strict, ignore_first):
        c = rawssh.RawClient(SERVER.port)
        kex = ["curve25519-sha256"] + ([rawssh.STRICT_C] if strict else [])
        c.client_kexinit = rawssh.kexinit(kex)
        if ignore_first:
            c.send(bytes([rawssh.MSG_IGNORE]) + rawssh.sshstr(b"before kexinit"))
        c.send(c.client_kexinit)
        offered = c.recv_kexinit()
        self.assertIn(rawssh.STRICT_S, offered["kex"])
        return c

    def test_strict_client_sending_ignore_first_is_disconnected(self):
        start = len(SERVER.read_log())
        c = self.start_kex(strict=True, ignore_first=True)
        try:
            secret = X25519PrivateKey.generate()
            q_c = secret.public_key().public_bytes(rawssh.Encoding.Raw, rawssh.PublicFormat.Raw)
            try:  # the server may already have closed the connection
                c.send(bytes([rawssh.MSG_KEX_ECDH_INIT]) + rawssh.sshstr(q_c))
            except (BrokenPipeError, ConnectionResetError):
                pass
            packets, eof = c.read_all_packets(timeout=15)
        finally:
            c.close()
        self.assertTrue(eof, "the server kept the connection open")
        types = [p[0] for p in packets]
        self.assertNotIn(rawssh.MSG_KEX_ECDH_REPLY, types)
        self.assertTrue(set(types) <= {rawssh.MSG_DISCONNECT}, types)
        if packets:
            r = rawssh.Reader(packets[-1][1:])
            self.assertEqual(r.u32(), 2)  # SSH_DISCONNECT_PROTOCOL_ERROR
        self.assertTrue(interop.wait_for_log(SERVER, r"strict KEX", start=start),
                        SERVER.read_log()[start:])
        interop.assert_no_crash(self, SERVER)

    def test_non_strict_client_may_send_ignore_first(self):
        c = self.start_kex(strict=False, ignore_first=True)
        try:
            c.strict = False
            k, h = c.ecdh(X25519PrivateKey.generate())  # verifies the host key signature
            c.install_keys("aes128-ctr+hmac-sha2-256", k, h)
            self.check_service_accept(c)
        finally:
            c.close()
        interop.assert_no_crash(self, SERVER)

    def test_strict_client_kexinit_first_completes_with_reset_sequence(self):
        c = rawssh.RawClient(SERVER.port).key_exchange(strict=True)
        try:
            self.assertTrue(c.strict)
            self.assertEqual((c.send_seq, c.recv_seq), (0, 0))
            self.check_service_accept(c)
        finally:
            c.close()

    def test_strict_client_ignore_during_kex_is_disconnected(self):
        c = rawssh.RawClient(SERVER.port)
        try:
            c.client_kexinit = rawssh.kexinit(["curve25519-sha256", rawssh.STRICT_C])
            c.send(c.client_kexinit)
            c.recv_kexinit()
            c.send(bytes([rawssh.MSG_IGNORE]) + rawssh.sshstr(b"during kex"))
            packets, eof = c.read_all_packets(timeout=15)
        finally:
            c.close()
        self.assertTrue(eof)
        self.assertEqual([p[0] for p in packets], [rawssh.MSG_DISCONNECT][:len(packets)])

    def check_service_accept(self, c):
        c.send(bytes([rawssh.MSG_SERVICE_REQUEST]) + rawssh.sshstr(b"ssh-userauth"))
        reply = c.recv()
        self.assertEqual(reply[0], rawssh.MSG_SERVICE_ACCEPT, reply)
        self.assertEqual(rawssh.Reader(reply[1:]).string(), b"ssh-userauth")


if __name__ == "__main__":
    wharftest.main()
