#!/usr/bin/python3
"""Two ways to run wharfd (issue 4). The embedded default: no -f, only -p and -o StateDirectory=;
the "Connect with:" command wharfd prints, run as printed with the real sftp client (plus host-key
and batch options), logs in as the demo user and uploads into <state>/drop. Unprivileged mode:
wharfd run as nobody serves a virtual user whose root nobody owns; confinement comes from fs/
alone and a planted symlink to /etc still resolves inside the root."""

import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharfd  # noqa: E402
import wharftest  # noqa: E402

NOBODY = pwd.getpwnam("nobody")
M = {}


def setUpModule():
    M["area"] = login.Area()


def tearDownModule():
    M["area"].cleanup()
    login.summary("embedded default: printed 'Connect with' command run with real sftp, upload "
                  "lands in <state>/drop (owned by nobody), same key after restart; unprivileged "
                  "wharfd (setpriv nobody): virtual user login, pwd /, symlink to /etc confined, "
                  "nothing written outside the root")


class EmbeddedDefault(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.state = wharfd.make_state_dir()
        login.make_host_keys(cls.state)  # the demo key pair is still wharfd's own, made at start

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.state, ignore_errors=True)

    def connect_command(self, server):
        m = re.search(r"Connect with: (sftp .*)$", server.read_log(), re.M)
        self.assertIsNotNone(m, server.read_log())
        return m.group(1).strip()

    def run_printed(self, printed, name, payload):
        argv = shlex.split(printed)
        self.assertEqual(argv[0], "sftp")
        local = os.path.join(wharftest.tmpdir(), name)
        with open(local, "w") as f:
            f.write(payload)
        batch = os.path.join(wharftest.tmpdir(), name + ".batch")
        with open(batch, "w") as f:
            f.write(f"pwd\nput {local}\nls\n")
        cmd = [argv[0], "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
               "-b", batch, *argv[1:]]
        return login.run(cmd, timeout=90)

    def test_printed_command_logs_in_and_uploads(self):
        server = wharfd.Wharfd(state_dir=self.state)  # no config: exactly -p and StateDirectory
        self.assertNotIn("-f", server.command())
        with server:
            printed = self.connect_command(server)
            self.assertIn(f"-P {server.port}", printed)
            self.assertIn("demo@127.0.0.1", printed)
            r = self.run_printed(printed, "hello-demo.txt", "first upload\n")
        self.assertEqual(r.returncode, 0, f"{r.stdout}\n{r.stderr}\n{server.read_log()}")
        self.assertIn("Remote working directory: /", r.stdout)
        dest = os.path.join(self.state, "drop", "hello-demo.txt")
        with open(dest) as f:
            self.assertEqual(f.read(), "first upload\n")
        if os.geteuid() == 0:
            self.assertEqual(os.stat(dest).st_uid, NOBODY.pw_uid)

    def test_restart_keeps_the_demo_key(self):
        with wharfd.Wharfd(state_dir=self.state) as server:
            first = self.connect_command(server)
        key = shlex.split(first)[shlex.split(first).index("-i") + 1]
        with open(key + ".pub") as f:
            pub = f.read()
        with wharfd.Wharfd(state_dir=self.state) as server:
            second = self.connect_command(server)
            r = self.run_printed(second, "again-demo.txt", "second upload\n")
        with open(key + ".pub") as f:
            self.assertEqual(f.read(), pub)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.state, "drop", "again-demo.txt")))


class AsNobody(wharfd.Wharfd):
    """wharfd run as nobody (setpriv), from a copy of the binary nobody can execute."""

    binary = None

    def command(self):
        return ["setpriv", f"--reuid={NOBODY.pw_uid}", f"--regid={NOBODY.pw_gid}",
                "--clear-groups", self.binary] + super().command()[1:]


@unittest.skipUnless(os.geteuid() == 0, "needs root to switch to nobody")
class Unprivileged(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        area = M["area"]
        AsNobody.binary = os.path.join(area.base, "wharfd")
        shutil.copy(wharfd.wharfd_binary(), AsNobody.binary)
        os.chmod(AsNobody.binary, 0o755)
        cls.state = wharfd.make_state_dir()
        login.make_host_keys(cls.state)
        login.chown_tree(cls.state, NOBODY.pw_uid, NOBODY.pw_gid)
        cls.key = area.key("ed25519")
        cls.user = login.unique_name("ult")
        cls.root = area.user_root(cls.user, NOBODY.pw_uid, NOBODY.pw_gid)
        login.authorize(cls.root, [login.public_line(cls.key)], NOBODY.pw_uid, NOBODY.pw_gid)
        users = login.write_users_file(os.path.join(area.base, "users"),
                                       [(cls.user, "", "", "", cls.root)])
        cls.server = AsNobody(state_dir=cls.state,
                              config_text=f"VirtualUsersFile {users}\nLogLevel VERBOSE\n").start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.state, ignore_errors=True)

    def test_daemon_runs_as_nobody(self):
        out = subprocess.run(["ps", "-o", "uid=", "-p", str(self.server.proc.pid)],
                             capture_output=True, text=True).stdout.strip()
        self.assertEqual(out, str(NOBODY.pw_uid))

    def test_login_and_confinement_without_root(self):
        local = os.path.join(wharftest.tmpdir(), "unpriv.txt")
        with open(local, "w") as f:
            f.write("unprivileged upload\n")
        stolen = os.path.join(wharftest.tmpdir(), "unpriv-stolen")
        r = login.sftp(self.server, self.user, self.key, [
            "pwd", "ls -a ..", "ls hostetc", f"put {local} up.txt",
            f"-put {local} ../../escape.txt",
            f"-get hostetc/passwd {stolen}", f"-get ../../../../etc/passwd {stolen}",
        ])
        out = "\n".join(l for l in r.stdout.splitlines() if not l.startswith("sftp>"))
        self.assertEqual(r.returncode, 0, f"{r.stdout}\n{r.stderr}\n{self.server.read_log()}")
        self.assertIn("Remote working directory: /", out)
        self.assertIn("marker-root.txt", out)
        self.assertIn("marker-inner.txt", out)
        self.assertNotRegex(out, r"hostetc/passwd")
        self.assertFalse(os.path.exists(stolen))
        self.assertEqual(os.stat(os.path.join(self.root, "up.txt")).st_uid, NOBODY.pw_uid)
        self.assertTrue(os.path.exists(os.path.join(self.root, "escape.txt")))  # .. stops at /
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(self.root), "escape.txt")))
        self.assertFalse(os.path.exists(os.path.join(M["area"].base, "..", "escape.txt")))


@unittest.skipUnless(os.geteuid() == 0, "needs root")
class RootDaemonVirtualUserWithoutIds(unittest.TestCase):
    """A virtual user whose users-file entry has no uid/gid, served by a root daemon: the session
    runs as the owner of its root (daemon/confine.cc target_ids), so its own authorized_keys,
    owned by that account (as `ssh-copy-id -s` leaves it), must pass StrictModes."""

    def test_login_with_keys_owned_by_the_root_owner(self):
        area = M["area"]
        state = wharfd.make_state_dir()
        login.make_host_keys(state)
        key = area.key("ed25519")
        uid = 61234
        user = login.unique_name("nid")
        root = area.user_root(user, uid, uid)
        login.authorize(root, [login.public_line(key)], uid, uid)
        users = login.write_users_file(os.path.join(area.base, user + ".users"),
                                       [(user, "", "", "", root)])
        try:
            local = os.path.join(wharftest.tmpdir(), "noids.txt")
            with open(local, "w") as f:
                f.write("no ids\n")
            with login.server(state, f"VirtualUsersFile {users}\nLogLevel VERBOSE\n") as s:
                r = login.sftp(s, user, key, ["pwd", f"put {local} noids.txt"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(os.stat(os.path.join(root, "noids.txt")).st_uid, uid)
        finally:
            shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    wharftest.main()
