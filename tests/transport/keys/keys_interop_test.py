#!/usr/bin/python3
"""Interop of //transport/keys with OpenSSH's ssh-keygen and with paramiko.

- Files we write are read by `ssh-keygen -y -f`, and `ssh-keygen -l -f` prints exactly our line.
- Keys ssh-keygen makes (OpenSSH format and -m PEM) load, and we print ssh-keygen's fingerprint.
- Signatures we make verify with paramiko's verify_ssh_sig (proves the RFC 4253/5656/8332/8709
  encodings); signatures paramiko makes verify with ours.
"""

import base64
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/lib"))
import wharftest  # noqa: E402

import paramiko  # noqa: E402

KEYTOOL = wharftest.runfile("tests/transport/keys/keytool")
TIMEOUT = 120

# (ssh-keygen arguments, keytool type, signature algorithms, paramiko class)
KINDS = [
    (["-t", "ed25519"], "ed25519", ["ssh-ed25519"], paramiko.Ed25519Key),
    (["-t", "ecdsa", "-b", "256"], "ecdsa256", ["ecdsa-sha2-nistp256"], paramiko.ECDSAKey),
    (["-t", "ecdsa", "-b", "384"], "ecdsa384", ["ecdsa-sha2-nistp384"], paramiko.ECDSAKey),
    (["-t", "ecdsa", "-b", "521"], "ecdsa521", ["ecdsa-sha2-nistp521"], paramiko.ECDSAKey),
    (["-t", "rsa", "-b", "2048"], "rsa", ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
     paramiko.RSAKey),
]


def run(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=TIMEOUT,
                          check=check)


def keytool(*args, check=True):
    return run(KEYTOOL, *args, check=check)


class Scratch(unittest.TestCase):
    def setUp(self):
        self.dir = os.path.join(wharftest.tmpdir(), self.id().rpartition(".")[2])
        os.makedirs(self.dir, exist_ok=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def ssh_keygen(self, name, args, pem=False, comment="made-by-ssh-keygen", passphrase=""):
        path = self.path(name)
        for p in (path, path + ".pub"):
            if os.path.exists(p):
                os.unlink(p)
        extra = ["-m", "PEM"] if pem else []
        run("ssh-keygen", "-q", *args, *extra, "-N", passphrase, "-C", comment, "-f", path)
        return path

    def paramiko_public(self, cls, pub_path):
        with open(pub_path) as f:
            b64 = f.read().split()[1]
        return cls(data=base64.b64decode(b64))

    def check_our_signatures(self, key_path, pub_path, algs, cls):
        data_path = self.path("data")
        data = os.urandom(100)
        with open(data_path, "wb") as f:
            f.write(data)
        pub = self.paramiko_public(cls, pub_path)
        for alg in algs:
            sig_path = self.path("sig-" + alg)
            keytool("sign", key_path, alg, data_path, sig_path)
            with open(sig_path, "rb") as f:
                blob = f.read()
            self.assertTrue(pub.verify_ssh_sig(data, paramiko.Message(blob)), alg)
            self.assertFalse(pub.verify_ssh_sig(data + b"x", paramiko.Message(blob)), alg)
            self.assertEqual(keytool("verify", pub_path, alg, data_path, sig_path,
                                     check=False).returncode, 0, alg)


class OurFiles(Scratch):
    """Keys we generate, checked with ssh-keygen and paramiko."""

    def test_ssh_keygen_reads_our_files_and_prints_our_fingerprint(self):
        for _, kind, algs, cls in KINDS:
            with self.subTest(kind=kind):
                path = self.path("ours_" + kind)
                keytool("generate", kind, path)
                self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
                derived = run("ssh-keygen", "-y", "-f", path).stdout.split()
                with open(path + ".pub") as f:
                    ours = f.read().split()
                self.assertEqual(derived[:2], ours[:2])
                theirs = run("ssh-keygen", "-l", "-f", path).stdout.strip()
                self.assertEqual(theirs, keytool("fingerprint", path).stdout.strip())
                self.assertEqual(run("ssh-keygen", "-l", "-f", path + ".pub").stdout.strip(),
                                 keytool("pubfingerprint", path + ".pub").stdout.strip())
                self.check_our_signatures(path, path + ".pub", algs, cls)

    def test_paramiko_loads_our_private_keys(self):
        for _, kind, _, cls in KINDS[:2]:
            with self.subTest(kind=kind):
                path = self.path("ours_" + kind)
                keytool("generate", kind, path)
                key = cls.from_private_key_file(path)
                with open(path + ".pub") as f:
                    self.assertEqual(key.get_base64(), f.read().split()[1])


class TheirFiles(Scratch):
    """Keys ssh-keygen makes, in both file formats, loaded and used by us."""

    def check_their_key(self, args, kind, algs, cls, pem):
        path = self.ssh_keygen("theirs_" + kind + ("_pem" if pem else ""), args, pem=pem)
        theirs = run("ssh-keygen", "-l", "-f", path + ".pub").stdout.split()
        ours = keytool("fingerprint", path).stdout.split()
        self.assertEqual(ours[:2], theirs[:2])  # bits and SHA256:...
        self.assertEqual(ours[-1], theirs[-1])  # (ED25519) / (ECDSA) / (RSA)
        if not pem:  # PEM files carry no comment
            self.assertEqual(ours[2], "made-by-ssh-keygen")
        with open(path + ".pub") as f:
            self.assertEqual(keytool("publine", path).stdout.split()[:2], f.read().split()[:2])
        self.check_our_signatures(path, path + ".pub", algs, cls)

        # And the other way: paramiko signs with their key, we verify.
        priv = cls.from_private_key_file(path)
        data = os.urandom(64)
        data_path = self.path("pdata")
        with open(data_path, "wb") as f:
            f.write(data)
        for alg in algs:
            kwargs = {"algorithm": alg} if cls is paramiko.RSAKey else {}
            msg = priv.sign_ssh_data(data, **kwargs)
            sig_path = self.path("psig")
            with open(sig_path, "wb") as f:
                f.write(msg.asbytes())
            self.assertEqual(keytool("verify", path + ".pub", alg, data_path, sig_path,
                                     check=False).returncode, 0, alg)
            with open(sig_path, "wb") as f:
                f.write(msg.asbytes()[:-1] + bytes([msg.asbytes()[-1] ^ 1]))
            self.assertEqual(keytool("verify", path + ".pub", alg, data_path, sig_path,
                                     check=False).returncode, 1, alg)

    def test_openssh_format(self):
        for args, kind, algs, cls in KINDS:
            with self.subTest(kind=kind):
                self.check_their_key(args, kind, algs, cls, pem=False)

    def test_pem_format(self):
        # ssh-keygen writes Ed25519 keys in OpenSSH format even with -m PEM.
        for args, kind, algs, cls in KINDS[1:]:
            with self.subTest(kind=kind):
                path = self.ssh_keygen("probe_" + kind, args, pem=True)
                with open(path) as f:
                    first = f.readline().strip()
                self.assertIn(first, ("-----BEGIN RSA PRIVATE KEY-----",
                                      "-----BEGIN EC PRIVATE KEY-----"))
                self.check_their_key(args, kind, algs, cls, pem=True)

    def test_pkcs8_format(self):
        for args, kind in ((["-t", "ecdsa", "-b", "384"], "ecdsa384"),
                           (["-t", "rsa", "-b", "2048"], "rsa")):
            with self.subTest(kind=kind):
                path = self.ssh_keygen("pkcs8_" + kind, args)
                # ssh-keygen -e -m PKCS8 exports public keys only; convert the private one with
                # ssh-keygen's -p -m PKCS8 rewrite.
                run("ssh-keygen", "-q", "-p", "-m", "PKCS8", "-N", "", "-P", "", "-f", path)
                with open(path) as f:
                    self.assertEqual(f.readline().strip(), "-----BEGIN PRIVATE KEY-----")
                theirs = run("ssh-keygen", "-l", "-f", path + ".pub").stdout.split()
                self.assertEqual(keytool("fingerprint", path).stdout.split()[:2], theirs[:2])

    def test_encrypted_keys_are_refused_clearly(self):
        for pem in (False, True):
            with self.subTest(pem=pem):
                path = self.ssh_keygen("enc" + str(pem), ["-t", "ecdsa"], pem=pem,
                                       passphrase="secret")
                out = keytool("fingerprint", path, check=False)
                self.assertNotEqual(out.returncode, 0)
                self.assertIn("encrypted", out.stderr)

    def test_small_rsa_keys_are_refused(self):
        path = self.ssh_keygen("small", ["-t", "rsa", "-b", "1024"])
        out = keytool("fingerprint", path, check=False)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("2048", out.stderr)
        out = keytool("pubfingerprint", path + ".pub", check=False)
        self.assertNotEqual(out.returncode, 0)


if __name__ == "__main__":
    wharftest.main()
