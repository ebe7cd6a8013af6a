#!/usr/bin/python3
"""Other real clients against wharfd's default configuration (issue 3): PuTTY's plink (checking
the host key by its SHA256 fingerprint) and paramiko complete key exchange and reach user
authentication, which offers publickey; plink also with each cipher it supports that we offer."""

import os
import re
import socket
import subprocess
import sys
import unittest

import paramiko

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None
SERVER = None
FINGERPRINTS = []

# Ciphers plink 0.78 implements that Wharf offers, with the name plink -v prints for them.
PLINK_CIPHERS = {
    "chacha20-poly1305@openssh.com": "ChaCha20",
    "aes128-gcm@openssh.com": "AES-128 GCM",
    "aes256-gcm@openssh.com": "AES-256 GCM",
    "aes128-ctr": "AES-128 SDCTR",
    "aes192-ctr": "AES-192 SDCTR",
    "aes256-ctr": "AES-256 SDCTR",
}


def setUpModule():
    global STATE, SERVER, FINGERPRINTS
    STATE = interop.StateDir().generate_default_keys()
    SERVER = STATE.server().start()
    FINGERPRINTS = re.findall(r"Host key: \d+ (SHA256:\S+)", SERVER.read_log())


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


def plink(port, hostkeys, timeout=60):
    home = os.path.join(wharftest.tmpdir(), "plink-home")
    os.makedirs(home, exist_ok=True)
    cmd = ["plink", "-ssh", "-batch", "-v", "-noagent", "-P", str(port), "-l", "nobody"]
    for fp in hostkeys:
        cmd += ["-hostkey", fp]
    cmd += ["127.0.0.1", "true"]
    env = dict(os.environ, HOME=home)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)


class Plink(unittest.TestCase):
    def assert_reached_auth(self, r):
        out = r.stdout + r.stderr
        self.assertIn("Remote version: SSH-2.0-Wharf_", out, out[-3000:])
        self.assertIn("(server sent: publickey)", out, out[-3000:])
        self.assertNotEqual(r.returncode, 0)
        return out

    def test_plink_defaults(self):
        self.assertEqual(len(FINGERPRINTS), 3, SERVER.read_log())
        out = self.assert_reached_auth(plink(SERVER.port, FINGERPRINTS))
        self.assertRegex(out, r"Doing ECDH key exchange with curve Curve25519")
        interop.assert_no_crash(self, SERVER)

    def test_plink_refuses_wrong_host_key(self):
        wrong = "SHA256:" + "A" * 43
        r = plink(SERVER.port, [wrong])
        out = r.stdout + r.stderr
        self.assertNotIn("(server sent: publickey)", out)
        self.assertNotEqual(r.returncode, 0)

    def check_cipher(self, cipher):
        with STATE.server([f"Ciphers={cipher}"]) as server:
            r = plink(server.port, FINGERPRINTS)
            out = self.assert_reached_auth(r)
            interop.assert_no_crash(self, server)
        label = PLINK_CIPHERS[cipher]
        self.assertRegex(out, rf"Initialised {re.escape(label)}.* outbound encryption", out)
        self.assertRegex(out, rf"Initialised {re.escape(label)}.* inbound encryption", out)
        if cipher.startswith("chacha20"):
            self.assertIn("Initialised Poly1305 inbound MAC algorithm", out)


class Paramiko(unittest.TestCase):
    def connect(self, port, compression=None):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        t = paramiko.Transport(sock)
        if compression:
            t.get_security_options().compression = compression
        t.start_client(timeout=30)
        return t

    def test_paramiko_defaults(self):
        t = self.connect(SERVER.port)
        try:
            self.assertTrue(t.is_active())
            self.assertTrue(t.remote_version.startswith("SSH-2.0-Wharf_"), t.remote_version)
            key = t.get_remote_server_key()
            import base64
            import hashlib
            fp = "SHA256:" + base64.b64encode(hashlib.sha256(key.asbytes()).digest()).decode()
            self.assertIn(fp.rstrip("="), FINGERPRINTS)
            with self.assertRaises(paramiko.BadAuthenticationType) as cm:
                t.auth_none("nobody")
            self.assertIn("publickey", cm.exception.allowed_types)
        finally:
            t.close()
        interop.assert_no_crash(self, SERVER)

    def test_paramiko_every_cipher_it_shares(self):
        shared = [c for c in paramiko.Transport._preferred_ciphers
                  if c in interop.AEAD_CIPHERS + interop.CTR_CIPHERS]
        self.assertTrue(shared)
        for cipher in shared:
            with self.subTest(cipher=cipher):
                sock = socket.create_connection(("127.0.0.1", SERVER.port), timeout=30)
                t = paramiko.Transport(sock)
                t.get_security_options().ciphers = (cipher,)
                try:
                    t.start_client(timeout=30)
                    self.assertEqual(t.local_cipher, cipher)
                    with self.assertRaises(paramiko.BadAuthenticationType):
                        t.auth_none("nobody")
                finally:
                    t.close()


def add_cases():
    for cipher in PLINK_CIPHERS:
        setattr(Plink, f"test_plink_{interop.safe_name(cipher)}",
                lambda self, c=cipher: self.check_cipher(c))


add_cases()

if __name__ == "__main__":
    wharftest.main()
