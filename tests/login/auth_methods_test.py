#!/usr/bin/python3
"""AuthenticationMethods end to end (sshd_config(5)): "publickey,publickey" takes two different
keys, and a key that counted once does not count again; "publickey,password" takes a key, then
the password. Real OpenSSH sftp (which offers its keys in turn after a partial success) and
paramiko (which shows each partial success)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402

M = {}
PASSWORD = "correct horse battery staple"


def setUpModule():
    area = login.open_site(M)
    M["k1"], M["k2"] = area.key("ed25519"), area.key("ed25519")
    M["stranger"] = area.key("ed25519")  # never authorized
    config = login.one_user(M, "amt", (64000, 64999), keys=(M["k1"], M["k2"]), password=PASSWORD)
    M["two_keys"] = login.start(M["state"], config + "AuthenticationMethods publickey,publickey\n")
    state2 = M["state2"] = login.wharfd.make_state_dir()
    login.make_host_keys(state2)
    M["key_then_password"] = login.start(
        state2, config + "PasswordAuthentication yes\nAuthenticationMethods publickey,password\n")


def tearDownModule():
    if "key_then_password" in M:
        M["key_then_password"].stop()
    login.shutil.rmtree(M.get("state2", "/nonexistent"), ignore_errors=True)
    login.close_site(M)
    login.summary("AuthenticationMethods publickey,publickey (sftp, paramiko: one key twice "
                  "refused) and publickey,password (paramiko)")


def paramiko_key(name):
    return login.paramiko_key(M[name])


class TwoKeys(unittest.TestCase):
    def test_one_key_is_not_enough(self):
        r = login.sftp(M["two_keys"], M["user"], M["k1"], ["pwd"])
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("Permission denied", r.stderr)
        self.assertNotIn("Remote working directory", r.stdout)

    def test_two_different_keys_log_in(self):
        r = login.sftp(M["two_keys"], M["user"], M["k1"], ["pwd"], extra=["-i", M["k2"]])
        self.assertEqual(r.returncode, 0, r.stderr + M["two_keys"].read_log()[-2000:])
        self.assertIn("Remote working directory: /", r.stdout)

    def test_paramiko_sees_the_same_key_refused_the_second_time(self):
        import paramiko
        t = login.paramiko_transport(M["two_keys"])
        try:
            self.assertEqual(t.auth_publickey(M["user"], paramiko_key("k1")), ["publickey"])
            self.assertFalse(t.is_authenticated())
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_publickey(M["user"], paramiko_key("k1"))
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_publickey(M["user"], paramiko_key("stranger"))
            self.assertEqual(t.auth_publickey(M["user"], paramiko_key("k2")), [])
            self.assertTrue(t.is_authenticated())
            sftp = paramiko.SFTPClient.from_transport(t)
            self.assertIn("marker-root.txt", sftp.listdir("/"))
        finally:
            t.close()


class KeyThenPassword(unittest.TestCase):
    def test_key_then_password(self):
        import paramiko
        t = login.paramiko_transport(M["key_then_password"])
        try:
            self.assertEqual(t.auth_publickey(M["user"], paramiko_key("k1")), ["password"])
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_publickey(M["user"], paramiko_key("k2"))  # publickey is done here
            self.assertEqual(t.auth_password(M["user"], PASSWORD), [])
            self.assertTrue(t.is_authenticated())
        finally:
            t.close()

    def test_password_alone_is_not_enough(self):
        import paramiko
        t = login.paramiko_transport(M["key_then_password"])
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_password(M["user"], PASSWORD)
            self.assertFalse(t.is_authenticated())
        finally:
            t.close()


if __name__ == "__main__":
    login.wharftest.main()
