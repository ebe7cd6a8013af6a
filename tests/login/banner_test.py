#!/usr/bin/python3
"""Banner (sshd_config(5)): the file's text reaches OpenSSH's ssh and sftp and paramiko as
SSH_MSG_USERAUTH_BANNER before authentication (RFC 4252 section 5.4), for known and unknown
users alike; a Match block can give a user another banner or none; a banner file that cannot be
read is logged and logins still work."""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

M = {}
GREETING = "Authorised use only.\nWharf test banner " + "%06d" % random.randint(0, 999999) + "\n"


def setUpModule():
    area = login.open_site(M)
    state = M["state"]
    M["key"] = area.key("ed25519")
    uid = random.randint(65500, 65530)
    M["user"], M["quiet"] = login.unique_name("bnr"), login.unique_name("bnq")
    entries = []
    for name in (M["user"], M["quiet"]):
        root = area.user_root(name, uid, uid)
        login.authorize(root, [login.public_line(M["key"])], uid, uid)
        entries.append((name, "", uid, uid, root))
    users = login.write_users_file(os.path.join(area.base, "users"), entries)
    M["banner"] = os.path.join(area.base, "banner.txt")
    with open(M["banner"], "w") as f:
        f.write(GREETING)
    M["server"] = login.start(state, f"VirtualUsersFile {users}\nBanner {M['banner']}\n"
                                     f"Match User {M['quiet']}\n  Banner none\n")


def tearDownModule():
    login.close_site(M)


def paramiko_banner(user, password=None):
    """The banner paramiko received before its (possibly failing) authentication."""
    import paramiko
    t = login.paramiko_transport(M["server"])
    try:
        try:
            if password is None:
                t.auth_publickey(user, login.paramiko_key(M["key"]))
            else:
                t.auth_password(user, password)
        except paramiko.AuthenticationException:
            pass
        return t.get_banner(), t.is_authenticated()
    finally:
        t.close()


class Banner(unittest.TestCase):
    def test_openssh_ssh_and_sftp_show_the_banner(self):
        r = login.ssh(M["server"], M["user"], M["key"], "true")
        self.assertIn(GREETING, r.stderr)
        r = login.sftp(M["server"], M["user"], M["key"], ["pwd"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(GREETING, r.stderr)

    def test_paramiko_gets_the_banner_before_auth(self):
        banner, ok = paramiko_banner(M["user"])
        self.assertTrue(ok)
        self.assertEqual(banner.decode(), GREETING)

    def test_unknown_user_gets_the_same_banner(self):
        banner, ok = paramiko_banner("no-such-user-" + login.unique_name("x"), password="wrong")
        self.assertFalse(ok)
        self.assertEqual(banner.decode(), GREETING)

    def test_match_block_turns_it_off_for_one_user(self):
        banner, ok = paramiko_banner(M["quiet"])
        self.assertTrue(ok)
        self.assertIsNone(banner)
        r = login.ssh(M["server"], M["quiet"], M["key"], "true")
        self.assertNotIn("Wharf test banner", r.stderr)

    def test_unreadable_banner_file_is_logged_and_login_works(self):
        missing = os.path.join(M["area"].base, "no-such-banner")
        server = login.start(M["state"], f"Banner {missing}\n"
                             f"VirtualUsersFile {os.path.join(M['area'].base, 'users')}\n")
        try:
            r = login.sftp(server, M["user"], M["key"], ["pwd"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(f'Banner file "{missing}"', server.read_log())
        finally:
            server.stop()


if __name__ == "__main__":
    wharftest.main()
