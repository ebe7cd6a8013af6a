#!/usr/bin/python3
"""OpenSSH's integrity test (regress/integrity.sh) against wharfd (issue 3): a proxy between
`ssh` and wharfd flips one bit of the client's stream after NEWKEYS, for every cipher/MAC and
at several offsets (the first packet's length field, its payload, and later bytes). The server
must reject the packet (bad packet length, or a MAC/tag that does not verify) and disconnect;
nothing crashes and the next connection works."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import flip_proxy  # noqa: E402
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None
SERVER = None
OFFSETS = [3, 6, 30, 50]  # bytes after the client's NEWKEYS


def setUpModule():
    global STATE, SERVER
    STATE = interop.StateDir().generate_default_keys()
    SERVER = STATE.server(["MACs=+hmac-sha1"]).start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


class Integrity(unittest.TestCase):
    def check(self, cipher, mac):
        options = [f"Ciphers={cipher}"] + ([f"MACs={mac}"] if mac else [])
        for offset in OFFSETS:
            with self.subTest(offset=offset):
                start = len(SERVER.read_log())
                proxy = flip_proxy.FlipProxy(SERVER.port, offset)
                r = interop.ssh_vv(proxy.port, options)
                proxy.join()
                self.assertTrue(proxy.flipped, f"the client sent only {proxy.encrypted_bytes} "
                                               "bytes after NEWKEYS")
                self.assertNotEqual(r.returncode, 0)
                m = interop.wait_for_log(
                    SERVER, r"Disconnecting 127\.0\.0\.1 port \d+: .*(MAC|tag|bad packet length)",
                    start=start)
                self.assertTrue(m, SERVER.read_log()[start:] + r.stderr[-2000:])
                interop.assert_no_crash(self, SERVER)
        # The listener is unharmed: the same algorithms work without the proxy.
        r = interop.ssh_vv(SERVER.port, options)
        interop.assert_reached_auth(self, r, cipher=cipher, mac=mac or "<implicit>")


def add_cases():
    for cipher in interop.AEAD_CIPHERS:
        setattr(Integrity, f"test_{interop.safe_name(cipher)}",
                lambda self, c=cipher: self.check(c, None))
    for cipher in interop.CTR_CIPHERS:
        for mac in interop.MACS:
            setattr(Integrity, f"test_{interop.safe_name(cipher)}__{interop.safe_name(mac)}",
                    lambda self, c=cipher, m=mac: self.check(c, m))


add_cases()

if __name__ == "__main__":
    wharftest.main()
