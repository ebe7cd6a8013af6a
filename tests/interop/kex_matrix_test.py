#!/usr/bin/python3
"""Every KEX method x host-key algorithm with the real OpenSSH client (issue 3): `ssh -vv -o
KexAlgorithms=X -o HostKeyAlgorithms=Y` completes key exchange and reaches user authentication.
The server offers every supported KEX method (finite-field DH is off by default) and has a key for
every host-key algorithm (P-384 and P-521 keys from ssh-keygen next to the generated ones)."""

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
    SERVER = STATE.server(STATE.host_key_overrides() + interop.ENABLE_ALL).start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


class KexMatrix(unittest.TestCase):
    def check(self, kex, host_key):
        r = interop.ssh_vv(SERVER.port, [f"KexAlgorithms={kex}", f"HostKeyAlgorithms={host_key}"])
        interop.assert_reached_auth(self, r, kex=kex, host_key=host_key)
        interop.assert_no_crash(self, SERVER)

    def test_server_offers_every_method(self):
        r = interop.ssh_vv(SERVER.port)
        offered = [l for l in r.stderr.splitlines() if "peer server KEXINIT proposal" in l]
        self.assertTrue(offered, r.stderr[-2000:])
        text = r.stderr.split("peer server KEXINIT proposal", 1)[1]
        kex_line = text.split("KEX algorithms: ", 1)[1].split("\n", 1)[0].split(",")
        hk_line = text.split("host key algorithms: ", 1)[1].split("\n", 1)[0].split(",")
        for kex in interop.KEX_ALL:
            self.assertIn(kex, kex_line)
        self.assertIn("kex-strict-s-v00@openssh.com", kex_line)
        self.assertEqual(sorted(hk_line), sorted(interop.HOST_KEY_ALGS))

    def test_finite_field_dh_is_off_by_default(self):
        with STATE.server() as plain:
            for kex in interop.KEX_FFDH:
                r = interop.ssh_vv(plain.port, [f"KexAlgorithms={kex}"])
                self.assertIn("no matching key exchange method found", r.stderr, r.stderr[-2000:])


def add_cases():
    for kex in interop.KEX_ALL:
        for hk in interop.HOST_KEY_ALGS:
            name = f"test_{interop.safe_name(kex)}__{interop.safe_name(hk)}"
            setattr(KexMatrix, name, lambda self, k=kex, h=hk: self.check(k, h))


add_cases()

if __name__ == "__main__":
    wharftest.main()
