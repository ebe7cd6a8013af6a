#!/usr/bin/python3
"""ssh-keyscan against wharfd (issue 3): `ssh-keyscan -t ed25519|ecdsa|rsa` returns each
generated host-key type, and its `ssh-keygen -l` fingerprint is the one wharfd printed at startup
(first start and restart) and the one of the .pub file it wrote."""

import os
import subprocess
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
    SERVER = STATE.server(["HostKeyAlgorithms=" + ",".join(interop.HOST_KEY_ALGS)]).start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


class KeyScan(unittest.TestCase):
    def scan(self, kind):
        r = subprocess.run(["ssh-keyscan", "-T", "20", "-t", kind, "-p", str(SERVER.port),
                            "127.0.0.1"], capture_output=True, text=True, timeout=60)
        lines = [l for l in r.stdout.splitlines() if l and not l.startswith("#")]
        self.assertEqual(len(lines), 1, r.stdout + r.stderr)
        return lines[0]

    def check(self, kind):
        key_file, label, key_type = interop.KEY_TYPES[kind]
        line = self.scan(kind)
        self.assertEqual(line.split()[1], key_type, line)
        scanned = os.path.join(wharftest.tmpdir(), f"scanned_{kind}")
        with open(scanned, "w") as f:
            f.write(line + "\n")
        scanned_label, scanned_fp = interop.keygen_l(scanned)
        self.assertEqual(scanned_label, label)
        pub_label, pub_fp = interop.keygen_l(STATE.key_path(key_file + ".pub"))
        self.assertEqual((pub_label, pub_fp), (label, scanned_fp))
        self.assertEqual(interop.logged_fingerprints(SERVER.read_log()).get(label), scanned_fp)
        self.assertEqual(interop.logged_fingerprints(STATE.startup_log).get(label), scanned_fp,
                         "a restart must load the generated key, not make a new one")
        # The scanned public key is byte for byte the .pub file's.
        with open(STATE.key_path(key_file + ".pub")) as f:
            self.assertEqual(f.read().split()[:2], line.split()[1:3])
        interop.assert_no_crash(self, SERVER)

    def test_keyscan_ed25519(self):
        self.check("ed25519")

    def test_keyscan_ecdsa(self):
        self.check("ecdsa")

    def test_keyscan_rsa(self):
        self.check("rsa")



if __name__ == "__main__":
    wharftest.main()
