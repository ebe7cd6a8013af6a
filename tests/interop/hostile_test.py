#!/usr/bin/python3
"""Malformed binary packets (issue 3; RFC 4253 section 6): forged packet lengths 0, 4, 5, not a
block multiple, over the 256 KiB cap, 2^31 and 2^32-1, before key exchange and after NEWKEYS
(aes128-ctr + hmac-sha2-256, its -etm variant and aes128-gcm, protected by our raw client so the
server decrypts the forged length), bad padding lengths, a bad MAC/tag, and garbage written to a
paramiko connection's socket after key exchange. Each case is disconnected promptly, nothing
crashes and the listener serves the next connection."""

import os
import socket
import sys
import time
import unittest

import paramiko

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import rawssh  # noqa: E402
import wharftest  # noqa: E402

STATE = None
SERVER = None
PROMPT = 10.0  # seconds a disconnect may take
MAX_PACKET = 256 * 1024
DISCONNECT_PROTOCOL_ERROR = 2
DISCONNECT_MAC_ERROR = 5


def setUpModule():
    global STATE, SERVER
    STATE = interop.StateDir().generate_default_keys()
    SERVER = STATE.server().start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


def over_cap_aligned(block, length_in_alignment):
    """The smallest length above the cap that is otherwise well aligned."""
    n = MAX_PACKET + 1
    while ((n + 4) if length_in_alignment else n) % block:
        n += 1
    return n


def forged_lengths(block, length_in_alignment):
    not_multiple = 20 if length_in_alignment else 24  # 4+20=24 % 16; 24 % 16 (and % 8 for 12)
    if block == 8:
        not_multiple = 9
    return {
        "0": 0,
        "4": 4,
        "5": 5,
        "not_block_multiple": not_multiple,
        "256KiB_plus_1": MAX_PACKET + 1,
        "over_cap_aligned": over_cap_aligned(block, length_in_alignment),
        "2_31": 1 << 31,
        "2_32_minus_1": (1 << 32) - 1,
    }


class Hostile(unittest.TestCase):
    def setUp(self):
        self.log_start = len(SERVER.read_log())

    def tearDown(self):
        interop.assert_no_crash(self, SERVER)
        # The listener still serves: a fresh connection gets the identification and KEXINIT.
        c = rawssh.RawClient(SERVER.port)
        try:
            self.assertTrue(c.ident_s.startswith(b"SSH-2.0-Wharf_"))
            self.assertIn("curve25519-sha256", c.recv_kexinit()["kex"])
        finally:
            c.close()

    def expect_disconnect(self, c, reason, log_pattern):
        t0 = time.monotonic()
        packets, eof = c.read_all_packets(timeout=PROMPT + 5)
        took = time.monotonic() - t0
        c.close()
        self.assertTrue(eof, "connection still open")
        self.assertLess(took, PROMPT)
        types = [p[0] for p in packets if p[0] != rawssh.MSG_KEXINIT]
        self.assertEqual(types, [rawssh.MSG_DISCONNECT][:len(types)], types)
        if packets and packets[-1][0] == rawssh.MSG_DISCONNECT:
            self.assertEqual(rawssh.Reader(packets[-1][1:]).u32(), reason)
        m = interop.wait_for_log(SERVER, "Disconnecting .*" + log_pattern, start=self.log_start)
        self.assertTrue(m, SERVER.read_log()[self.log_start:])

    # --- before key exchange ---------------------------------------------------------------
    def check_plain_length(self, length):
        c = rawssh.RawClient(SERVER.port)
        c.send_forged_length(length)
        self.expect_disconnect(c, DISCONNECT_PROTOCOL_ERROR, "bad packet length")

    def check_plain_padding(self, pad, claim):
        c = rawssh.RawClient(SERVER.port)
        # 4 + 1 + payload + pad = 16: a block-aligned packet whose padding byte lies.
        payload = bytes([rawssh.MSG_IGNORE]) + rawssh.sshstr(b"x" * (6 - pad))
        c.send(payload, pad=pad, pad_claim=claim)
        self.expect_disconnect(c, DISCONNECT_PROTOCOL_ERROR, "padding")

    def test_plain_padding_below_4(self):
        self.check_plain_padding(3, 3)

    def test_plain_padding_beyond_packet(self):
        self.check_plain_padding(4, 200)

    def test_plain_padding_equal_to_packet(self):
        self.check_plain_padding(4, 11)  # leaves no room for the message number

    # --- after NEWKEYS ---------------------------------------------------------------------
    def protected(self, mode):
        return rawssh.RawClient(SERVER.port).key_exchange(mode)

    def check_protected_length(self, mode, length):
        c = self.protected(mode)
        c.send_forged_length(length)
        self.expect_disconnect(c, DISCONNECT_PROTOCOL_ERROR, "bad packet length")

    def check_protected_padding(self, mode, claim):
        c = self.protected(mode)
        pad = 3 if claim == 3 else 4
        # Block-aligned: 1 + payload + pad = 16 (-etm, GCM) or 4 + 1 + payload + pad = 16.
        size = (15 if c.out.etm or c.out.gcm else 11) - pad
        payload = bytes([rawssh.MSG_IGNORE]) + rawssh.sshstr(b"y" * (size - 5))
        c.send(payload, pad=pad, pad_claim=claim)
        self.expect_disconnect(c, DISCONNECT_PROTOCOL_ERROR, "padding")

    def check_protected_bad_mac(self, mode):
        c = self.protected(mode)
        data = bytearray(c.protect(bytes([rawssh.MSG_IGNORE]) + rawssh.sshstr(b"z" * 40)))
        data[-1] ^= 0x01  # the last byte of the MAC or tag
        c.send_raw(bytes(data))
        self.expect_disconnect(c, DISCONNECT_MAC_ERROR, "(MAC|tag)")

    def check_protected_control(self, mode):
        """The raw client's protection is right: a valid request is answered."""
        c = self.protected(mode)
        try:
            c.send(bytes([rawssh.MSG_IGNORE]) + rawssh.sshstr(b"noise"))
            c.send(bytes([rawssh.MSG_SERVICE_REQUEST]) + rawssh.sshstr(b"ssh-userauth"))
            reply = c.recv()
            self.assertEqual(reply[0], rawssh.MSG_SERVICE_ACCEPT, reply)
        finally:
            c.close()

    def test_paramiko_garbage_after_newkeys(self):
        sock = socket.create_connection(("127.0.0.1", SERVER.port), timeout=30)
        t = paramiko.Transport(sock)
        try:
            t.start_client(timeout=30)
            self.assertTrue(t.is_active())
            sock.sendall(os.urandom(4096))
            deadline = time.monotonic() + PROMPT
            while t.is_active() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertFalse(t.is_active(), "paramiko's connection is still open")
        finally:
            t.close()
        m = interop.wait_for_log(SERVER, "Disconnecting .*(bad packet length|MAC|tag)",
                                 start=self.log_start)
        self.assertTrue(m, SERVER.read_log()[self.log_start:])


def add_cases():
    for name, length in forged_lengths(8, True).items():
        setattr(Hostile, f"test_plain_length_{name}",
                lambda self, n=length: self.check_plain_length(n))
    for mode in rawssh.MODES:
        tag = interop.safe_name(mode)
        in_alignment = mode == "aes128-ctr+hmac-sha2-256"
        for name, length in forged_lengths(16, in_alignment).items():
            setattr(Hostile, f"test_{tag}__length_{name}",
                    lambda self, m=mode, n=length: self.check_protected_length(m, n))
        setattr(Hostile, f"test_{tag}__padding_below_4",
                lambda self, m=mode: self.check_protected_padding(m, 3))
        setattr(Hostile, f"test_{tag}__padding_beyond_packet",
                lambda self, m=mode: self.check_protected_padding(m, 250))
        setattr(Hostile, f"test_{tag}__bad_mac",
                lambda self, m=mode: self.check_protected_bad_mac(m))
        setattr(Hostile, f"test_{tag}__valid_packet_control",
                lambda self, m=mode: self.check_protected_control(m))


add_cases()

if __name__ == "__main__":
    wharftest.main()
