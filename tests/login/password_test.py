#!/usr/bin/python3
"""Password authentication for a virtual user with an Argon2id hash (issue 4), and the classic
workflow: password login, `ssh-copy-id -s` (SFTP mode) installs a key into the user's own root,
then key-only sftp works with PasswordAuthentication off. Passwords reach the real OpenSSH
client through SSH_ASKPASS (SSH_ASKPASS_REQUIRE=force), so no sshpass is needed."""

import os
import shutil
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

PASSWORD = "correct horse battery staple"
M = {}


def setUpModule():
    login.open_site(M)
    M["config"] = (login.one_user(M, "plt", (60000, 60999), password=PASSWORD)
                   + "PasswordAuthentication yes\n")
    M["server"] = login.start(M["state"], M["config"])
    # A short HOME: ssh-copy-id puts a ControlMaster socket under ~/.ssh (108-byte limit).
    home = M["home"] = tempfile.mkdtemp(prefix="wlt-home-", dir="/tmp")
    os.makedirs(os.path.join(home, ".ssh"), mode=0o700, exist_ok=True)
    askpass = os.path.join(home, "askpass")
    with open(askpass, "w") as f:
        f.write(f"#!/bin/sh\nprintf '%s\\n' '{PASSWORD}'\n")
    os.chmod(askpass, 0o700)
    M["env"] = dict(os.environ, HOME=home, SSH_ASKPASS=askpass, SSH_ASKPASS_REQUIRE="force",
                    DISPLAY=":0")
    M["env"].pop("SSH_AUTH_SOCK", None)


def tearDownModule():
    login.close_site(M)
    shutil.rmtree(M.get("home", "/nonexistent"), ignore_errors=True)
    login.summary("Argon2id password: paramiko right/wrong/empty, real sftp via SSH_ASKPASS; "
                  "ssh-copy-id -s installs the key in the user's root; key-only sftp with "
                  "PasswordAuthentication=no; password refused then")


PASSWORD_OPTS = ["-o", "PubkeyAuthentication=no", "-o", "PasswordAuthentication=yes",
                 "-o", "NumberOfPasswordPrompts=1", "-o", "BatchMode=no"]


def password_sftp(server, commands):
    batch = os.path.join(wharftest.tmpdir(), login.unique_name("pw-batch-"))
    with open(batch, "w") as f:
        f.write("".join(c + "\n" for c in commands))
    return login.run(["sftp", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o",
                      "UserKnownHostsFile=/dev/null", "-o", "IdentityAgent=none",
                      *PASSWORD_OPTS, "-P", str(server.port), "-b", batch,
                      f"{M['user']}@127.0.0.1"], env=M["env"], timeout=120)


class Password(unittest.TestCase):
    def paramiko_password(self, password):
        t = login.paramiko_transport(M["server"])
        try:
            t.auth_password(M["user"], password)
            return t.is_authenticated()
        finally:
            t.close()

    def test_paramiko_right_password(self):
        self.assertTrue(self.paramiko_password(PASSWORD))

    def test_paramiko_wrong_password(self):
        import paramiko
        with self.assertRaises(paramiko.AuthenticationException):
            self.paramiko_password(PASSWORD + "x")

    def test_paramiko_empty_password(self):
        import paramiko
        with self.assertRaises(paramiko.AuthenticationException):
            self.paramiko_password("")

    def test_real_sftp_with_password(self):
        local = os.path.join(wharftest.tmpdir(), "pw-up.txt")
        with open(local, "w") as f:
            f.write("password upload\n")
        r = password_sftp(M["server"], ["pwd", f"put {local} pw-up.txt"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Remote working directory: /", r.stdout)
        dest = os.path.join(M["root"], "pw-up.txt")
        self.assertEqual(os.stat(dest).st_uid, M["uid"])

    def test_real_sftp_with_wrong_password(self):
        env = dict(M["env"])
        wrong = os.path.join(env["HOME"], "askpass-wrong")
        with open(wrong, "w") as f:
            f.write("#!/bin/sh\necho wrong-password\n")
        os.chmod(wrong, 0o700)
        saved, M["env"] = M["env"], dict(env, SSH_ASKPASS=wrong)
        try:
            r = password_sftp(M["server"], ["pwd"])
        finally:
            M["env"] = saved
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Permission denied", r.stderr)


class CopyId(unittest.TestCase):
    def test_ssh_copy_id_sftp_mode_then_key_only(self):
        key = M["area"].key("ed25519")
        r = login.run(["ssh-copy-id", "-s", "-i", key, "-p", str(M["server"].port),
                       "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                       "-o", "IdentityAgent=none", "-o", "NumberOfPasswordPrompts=1",
                       f"{M['user']}@127.0.0.1"], env=M["env"], timeout=180)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Number of key(s) added: 1", r.stdout + r.stderr)
        ak = os.path.join(M["root"], ".ssh", "authorized_keys")
        with open(ak) as f:
            self.assertIn(login.public_line(key).split()[1], f.read())
        st = os.stat(ak)
        self.assertEqual(st.st_uid, M["uid"])
        self.assertEqual(stat.S_IMODE(st.st_mode) & 0o022, 0)
        with login.server(M["state"], M["config"], ["PasswordAuthentication=no"]) as server:
            keyed = login.sftp(server, M["user"], key, ["pwd", "ls .ssh"])
            pw = password_sftp(server, ["pwd"])
        self.assertEqual(keyed.returncode, 0, keyed.stderr)
        self.assertIn("Remote working directory: /", keyed.stdout)
        self.assertIn(".ssh/authorized_keys", keyed.stdout)
        self.assertNotEqual(pw.returncode, 0)
        self.assertIn("Permission denied", pw.stderr)


if __name__ == "__main__":
    wharftest.main()
