#!/usr/bin/python3
"""Session requests after a real login (issue 4): shell, exec and pty are refused with "This
service allows sftp and scp only" on stderr and a non-zero exit status; env is ignored; other
channel types and forwarding requests are refused; sftp keeps working on the same server."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

M = {}


def setUpModule():
    M["key"] = login.open_site(M).key("ed25519")
    M["server"] = login.start(M["state"], login.one_user(M, "slt", (65500, 65530), [M["key"]]))


def tearDownModule():
    login.close_site(M)
    login.summary("ssh shell, ssh ls, ssh -tt (pty) refused with the message and exit status; "
                  "SetEnv ignored; paramiko exec/shell exit status, direct-tcpip and tcpip-forward "
                  "refused; sftp subsystem still works")


def ssh(*args, extra=()):
    return login.ssh(M["server"], M["user"], M["key"], *args, extra=extra)


class Refusals(unittest.TestCase):
    def assertRefused(self, r):
        self.assertNotEqual(r.returncode, 0)
        self.assertNotEqual(r.returncode, 255, r.stderr)  # not a connection/auth failure
        self.assertIn(login.REFUSAL, r.stderr)
        self.assertNotIn(login.REFUSAL, r.stdout)

    def test_shell_refused(self):
        self.assertRefused(ssh())

    def test_exec_ls_refused(self):
        r = ssh("ls", "/")
        self.assertRefused(r)
        self.assertNotIn("marker-root.txt", r.stdout)

    def test_exec_with_shell_metacharacters_refused(self):
        r = ssh("scp -t /; touch /tmp/wharf-pwned")
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists("/tmp/wharf-pwned"))

    def test_pty_refused(self):
        # With -tt a refused pty-req is fatal for the client (clientloop.c client_status_confirm).
        r = ssh("ls", extra=["-tt"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("PTY allocation request failed on channel 0", r.stderr)
        self.assertNotIn("Permission denied", r.stderr)
        self.assertNotIn("marker-root.txt", r.stdout)

    def test_env_ignored_and_sftp_still_works(self):
        r = login.sftp(M["server"], M["user"], M["key"], ["pwd"],
                       extra=["-o", "SetEnv=LD_PRELOAD=/tmp/x.so FOO=bar"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Remote working directory: /", r.stdout)

    def test_paramiko_exec_exit_status_and_stderr(self):
        import paramiko
        t = login.paramiko_transport(M["server"])
        try:
            t.auth_publickey(M["user"], login.paramiko_key(M["key"]))
            chan = t.open_session(timeout=20)
            chan.set_environment_variable("FOO", "bar")
            chan.exec_command("id")
            status = chan.recv_exit_status()
            err = b""
            while chan.recv_stderr_ready() or not chan.exit_status_ready():
                err += chan.recv_stderr(4096)
            err += chan.recv_stderr(4096)
            self.assertNotEqual(status, 0)
            self.assertIn(login.REFUSAL, err.decode())
            self.assertTrue(t.is_active())
            with self.assertRaises(paramiko.ChannelException) as cm:
                t.open_channel("direct-tcpip", ("127.0.0.1", 22), ("127.0.0.1", 1), timeout=20)
            self.assertEqual(cm.exception.code, 1)
            with self.assertRaises(paramiko.SSHException):
                t.request_port_forward("127.0.0.1", 0)
            sftp = paramiko.SFTPClient.from_transport(t)
            self.assertIn("marker-root.txt", sftp.listdir("."))
        finally:
            t.close()

    def test_unknown_subsystem_refused(self):
        r = ssh("netconf", extra=["-s"])
        self.assertNotEqual(r.returncode, 0)


if __name__ == "__main__":
    wharftest.main()
