#!/usr/bin/python3
"""Every cipher x MAC (AEAD ciphers once) with the real OpenSSH client (issue 3): `ssh -vv -o
Ciphers=... -o MACs=...` completes key exchange in both directions with exactly those algorithms
and reaches user authentication. hmac-sha1 is enabled on the server with `MACs=+hmac-sha1`."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None
SERVER = None


def setUpModule():
    global STATE, SERVER
    STATE = interop.StateDir().generate_default_keys()
    SERVER = STATE.server(["MACs=+hmac-sha1"]).start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


class CipherMatrix(unittest.TestCase):
    def check(self, cipher, mac):
        options = [f"Ciphers={cipher}"]
        if mac:
            options.append(f"MACs={mac}")
        r = interop.ssh_vv(SERVER.port, options)
        interop.assert_reached_auth(self, r, cipher=cipher, mac=mac or "<implicit>")
        interop.assert_no_crash(self, SERVER)

    def test_hmac_sha1_is_off_by_default(self):
        with STATE.server() as plain:
            r = interop.ssh_vv(plain.port, ["Ciphers=aes128-ctr", "MACs=hmac-sha1"])
        self.assertIn("no matching MAC found", r.stderr, r.stderr[-2000:])
        self.assertNotIn("Authentications that can continue", r.stderr)


def add_cases():
    for cipher in interop.AEAD_CIPHERS:
        setattr(CipherMatrix, f"test_{interop.safe_name(cipher)}",
                lambda self, c=cipher: self.check(c, None))
    for cipher in interop.CTR_CIPHERS:
        for mac in interop.MACS:
            name = f"test_{interop.safe_name(cipher)}__{interop.safe_name(mac)}"
            setattr(CipherMatrix, name, lambda self, c=cipher, m=mac: self.check(c, m))


add_cases()

if __name__ == "__main__":
    wharftest.main()
