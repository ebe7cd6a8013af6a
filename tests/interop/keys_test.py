#!/usr/bin/python3
"""Host keys as OpenSSH's tools see them (issue 3): the fingerprints wharfd prints at startup are
the ones `ssh-keygen -l` gives for the .pub files it wrote and the ones `ssh -vv` reports for each
host-key algorithm; `ssh-keygen -y` reads the private key files (OpenSSH format, mode 0600); a
restart loads the same keys instead of generating new ones."""

import os
import re
import stat
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None
SERVER = None

# Host-key algorithm: (type label of the key that signs it, key type ssh -vv prints)
SIGNERS = {
    "ssh-ed25519": ("ED25519", "ssh-ed25519"),
    "ecdsa-sha2-nistp256": ("ECDSA", "ecdsa-sha2-nistp256"),
    "rsa-sha2-512": ("RSA", "ssh-rsa"),
    "rsa-sha2-256": ("RSA", "ssh-rsa"),
}


def setUpModule():
    global STATE, SERVER
    STATE = interop.StateDir().generate_default_keys()
    SERVER = STATE.server(["HostKeyAlgorithms=" + ",".join(interop.HOST_KEY_ALGS)]).start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


class Fingerprints(unittest.TestCase):
    def test_startup_prints_three_host_keys(self):
        fps = interop.logged_fingerprints(SERVER.read_log())
        self.assertEqual(sorted(fps), ["ECDSA", "ED25519", "RSA"], SERVER.read_log())
        self.assertEqual(fps["ED25519"][0], "256")
        self.assertEqual(fps["ECDSA"][0], "256")
        self.assertGreaterEqual(int(fps["RSA"][0]), 3072)

    def test_restart_loads_the_generated_keys(self):
        self.assertEqual(interop.logged_fingerprints(SERVER.read_log()),
                         interop.logged_fingerprints(STATE.startup_log))

    def check_pub_file(self, kind):
        key_file, label, _ = interop.KEY_TYPES[kind]
        got_label, fp = interop.keygen_l(STATE.key_path(key_file + ".pub"))
        self.assertEqual(got_label, label)
        self.assertEqual(interop.logged_fingerprints(SERVER.read_log())[label], fp)

    def check_client_sees(self, algorithm):
        label, key_type = SIGNERS[algorithm]
        r = interop.ssh_vv(SERVER.port, [f"HostKeyAlgorithms={algorithm}"])
        interop.assert_reached_auth(self, r, host_key=algorithm)
        m = re.search(r"Server host key: (\S+) (SHA256:\S+)", r.stderr)
        self.assertTrue(m, r.stderr[-2000:])
        self.assertEqual(m.group(1), key_type)
        self.assertEqual(interop.logged_fingerprints(SERVER.read_log())[label][1], m.group(2))


class KeyFiles(unittest.TestCase):
    def check(self, kind):
        key_file, label, key_type = interop.KEY_TYPES[kind]
        path = STATE.key_path(key_file)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        self.assertEqual(mode, 0o600, oct(mode))
        with open(path) as f:
            self.assertEqual(f.readline().strip(), "-----BEGIN OPENSSH PRIVATE KEY-----")
        r = subprocess.run(["ssh-keygen", "-y", "-f", path], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(path + ".pub") as f:
            pub = f.read().split()
        self.assertEqual(r.stdout.split()[:2], pub[:2])
        self.assertEqual(pub[0], key_type)
        self.assertEqual(interop.keygen_l(path), interop.keygen_l(path + ".pub"))


def add_cases():
    for kind in interop.KEY_TYPES:
        setattr(Fingerprints, f"test_pub_file_{kind}", lambda self, k=kind: self.check_pub_file(k))
        setattr(KeyFiles, f"test_private_key_{kind}", lambda self, k=kind: self.check(k))
    for alg in SIGNERS:
        setattr(Fingerprints, f"test_ssh_sees_{interop.safe_name(alg)}",
                lambda self, a=alg: self.check_client_sees(a))


add_cases()

if __name__ == "__main__":
    wharftest.main()
