#!/usr/bin/python3
"""Authentication refusals seen by real clients (issue 4): a wrong key and an unknown user get
the same message sequence; RSA keys under 2048 bits and algorithms outside
PubkeyAcceptedAlgorithms are refused while an accepted key still works on the same server."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

M = {}


def setUpModule():
    area = login.open_site(M)
    M["good"] = area.key("ed25519")
    M["wrong"] = area.key("ed25519")
    M["ecdsa"] = area.key("ecdsa", 256)
    M["rsa"] = area.key("rsa", 2048)
    M["rsa1024"] = area.key("rsa", 1024)
    keys = [M[k] for k in ("good", "ecdsa", "rsa", "rsa1024")]
    M["config"] = login.one_user(M, "rlt", (62000, 62999), keys)
    M["server"] = login.start(M["state"], M["config"])


def tearDownModule():
    login.close_site(M)
    login.summary("wrong key vs unknown user (ssh -vvv message sequence and paramiko), RSA 1024 "
                  "refused, PubkeyAcceptedAlgorithms without ecdsa / without rsa-sha2-256")


def auth_trace(user, key):
    """The client's view of authentication from the first "Authentications that can continue"
    on, with the user name, key path and ports normalised away."""
    r = login.ssh(M["server"], user, key, "true", extra=["-vvv"])
    lines = r.stderr.splitlines()
    start = next(i for i, l in enumerate(lines) if "Authentications that can continue" in l)
    out = []
    for line in lines[start:]:
        line = line.replace(user, "USER").replace(key, "KEY")
        line = re.sub(r"port \d+", "port N", line)
        line = re.sub(r"Transferred: .*", "Transferred", line)
        line = re.sub(r"Bytes per second: .*", "Bytes per second", line)
        out.append(line)
    return r, out


class Refusals(unittest.TestCase):
    def test_root_below_a_directory_another_account_owns_is_refused(self):
        # Whoever owns a directory above a user's root can swap the root for any directory it
        # likes (sshd's safely_chroot() refuses the same). The root itself may be the user's.
        parent = os.path.join(M["area"].base, login.unique_name("foreign-"))
        os.mkdir(parent, 0o755)
        os.chown(parent, 1, 1)
        uid = M["uid"] + 1 if M["uid"] < 62999 else M["uid"] - 1
        name = login.unique_name("rlf")
        root = os.path.join(parent, name)
        os.mkdir(root, 0o755)
        os.chown(root, uid, uid)
        login.authorize(root, [login.public_line(M["good"])], uid, uid)
        users = login.write_users_file(os.path.join(parent, "users"),
                                       [(name, "", uid, uid, root)])
        state = login.wharfd.make_state_dir()
        login.make_host_keys(state)
        server = login.start(state, f"VirtualUsersFile {users}\nLogLevel VERBOSE\n")
        try:
            r = login.sftp(server, name, M["good"], ["pwd"])
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertNotIn("Remote working directory", r.stdout)
            self.assertIn(f"{parent} is owned by uid 1", server.read_log())
            os.chown(parent, 0, 0)  # the same layout, owned by root: served
            r = login.sftp(server, name, M["good"], ["pwd"])
            self.assertEqual(r.returncode, 0, r.stderr + server.read_log()[-2000:])
            self.assertIn("Remote working directory: /", r.stdout)
        finally:
            server.stop()
            login.shutil.rmtree(state, ignore_errors=True)

    def test_wrong_key_and_unknown_user_get_identical_message_sequences(self):
        known, known_trace = auth_trace(M["user"], M["wrong"])
        unknown, unknown_trace = auth_trace(login.unique_name("nosuch"), M["wrong"])
        self.assertEqual(known.returncode, 255)
        self.assertEqual(unknown.returncode, 255)
        self.assertIn("Permission denied (publickey)", known.stderr)
        self.assertTrue(any("receive packet: type 51" in l for l in known_trace), known_trace)
        self.assertEqual(known_trace, unknown_trace)

    def test_wrong_key_and_unknown_user_identical_for_paramiko(self):
        import paramiko
        results = []
        for user in (M["user"], login.unique_name("nosuch")):
            t = login.paramiko_transport(M["server"])
            try:
                with self.assertRaises(paramiko.AuthenticationException) as cm:
                    t.auth_publickey(user, login.paramiko_key(M["wrong"]))
                e = cm.exception
                results.append((type(e).__name__, str(e), getattr(e, "allowed_types", None),
                                t.is_active(), t.is_authenticated()))
            finally:
                t.close()
        self.assertEqual(results[0][3:], (True, False))  # refused, connection still open
        self.assertEqual(results[0], results[1])

    def test_paramiko_second_auth_call_on_one_connection(self):
        # paramiko sends SSH_MSG_SERVICE_REQUEST "ssh-userauth" before every auth_* call; sshd
        # accepts it again until authentication succeeds (auth2.c input_service_request).
        import paramiko
        t = login.paramiko_transport(M["server"])
        try:
            with self.assertRaises(paramiko.BadAuthenticationType) as cm:
                t.auth_none(M["user"])
            self.assertEqual(cm.exception.allowed_types, ["publickey"])
            t.auth_publickey(M["user"], login.paramiko_key(M["good"]))
            self.assertTrue(t.is_authenticated())
        finally:
            t.close()

    def test_right_key_logs_in(self):
        r = login.sftp(M["server"], M["user"], M["good"], ["pwd"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Remote working directory: /", r.stdout)

    def test_rsa_1024_user_key_refused(self):
        mark = len(M["server"].read_log())
        r = login.sftp(M["server"], M["user"], M["rsa1024"], ["pwd"], extra=["-v"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Offering public key", r.stderr)  # the client did offer it
        self.assertIn("Permission denied (publickey)", r.stderr)
        self.assertNotIn("Remote working directory", r.stdout)
        self.assertTrue(login.log_lines_since(M["server"], mark, r"Failed publickey for " +
                                              M["user"]))

    def test_rsa_2048_user_key_accepted(self):
        r = login.sftp(M["server"], M["user"], M["rsa"], ["pwd"])
        self.assertEqual(r.returncode, 0, r.stderr)


class Algorithms(unittest.TestCase):
    def test_pubkey_accepted_algorithms_without_ecdsa_refuses_ecdsa_key(self):
        with login.server(M["state"], M["config"],
                         ["PubkeyAcceptedAlgorithms=-ecdsa-*"]) as server:
            refused = login.sftp(server, M["user"], M["ecdsa"], ["pwd"])
            accepted = login.sftp(server, M["user"], M["good"], ["pwd"])
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("Permission denied (publickey)", refused.stderr)
        self.assertEqual(accepted.returncode, 0, accepted.stderr)

    def test_ecdsa_key_accepted_by_default(self):
        r = login.sftp(M["server"], M["user"], M["ecdsa"], ["pwd"])
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_rsa_sha2_256_refused_when_only_sha2_512_accepted(self):
        with login.server(M["state"], M["config"],
                         ["PubkeyAcceptedAlgorithms=ssh-ed25519,rsa-sha2-512"]) as server:
            only256 = login.sftp(server, M["user"], M["rsa"], ["pwd"],
                                 extra=["-o", "PubkeyAcceptedAlgorithms=rsa-sha2-256"])
            with512 = login.sftp(server, M["user"], M["rsa"], ["pwd"],
                                 extra=["-o", "PubkeyAcceptedAlgorithms=rsa-sha2-512"])
        self.assertNotEqual(only256.returncode, 0)
        self.assertIn("Permission denied", only256.stderr)
        self.assertEqual(with512.returncode, 0, with512.stderr)


if __name__ == "__main__":
    wharftest.main()
