#!/usr/bin/python3
"""Every authorized_keys option end to end with real clients (issue 4; the cases of OpenSSH's
regress/key-options.sh and sshd(8) AUTHORIZED_KEYS FILE FORMAT): from= (match, no match,
negation, CIDR), expiry-time, restrict, no-pty, command= (internal-sftp, scp, anything else),
environment=, principals=, cert-authority, malformed lines, and StrictModes."""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

M = {}


def setUpModule():
    M["key"] = login.open_site(M).key("ed25519")
    M["config"] = login.one_user(M, "olt", (63000, 63999))
    os.mkdir(os.path.join(M["root"], "incoming"))
    os.chown(os.path.join(M["root"], "incoming"), M["uid"], M["uid"])
    M["server"] = login.start(M["state"], M["config"])


def tearDownModule():
    login.close_site(M)
    login.summary("authorized_keys options: from= x6, expiry-time x2, restrict, no-pty, "
                  "command=internal-sftp (sftp; shell, exec, scp -O refused; -R, -p/-u narrow), command=scp -t, command=/bin/sh,"
                  " environment=, principals=, cert-authority, malformed lines, StrictModes x4")


def authorize(options, extra_before=(), **kw):
    line = login.public_line(M["key"])
    if options:
        line = options + " " + line
    return login.authorize(M["root"], [*extra_before, line], M["uid"], M["uid"], **kw)


def sftp_pwd(server=None):
    return login.sftp(server or M["server"], M["user"], M["key"], ["pwd"])


def paramiko_client():
    """An authenticated paramiko Transport (one auth call per connection)."""
    t = login.paramiko_transport(M["server"])
    t.auth_publickey(M["user"], login.paramiko_key(M["key"]))
    return t


class Case(unittest.TestCase):
    def assertLogin(self, r):
        self.assertEqual(r.returncode, 0, f"{r.stdout}\n{r.stderr}\n"
                         f"{M['server'].read_log()[-2000:]}")
        self.assertIn("Remote working directory: /", r.stdout)

    def assertRefused(self, r):
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Permission denied (publickey)", r.stderr)
        self.assertNotIn("Remote working directory", r.stdout)


class From(Case):
    def test_no_options_control(self):
        authorize("")
        self.assertLogin(sftp_pwd())

    def test_from_exact_match(self):
        authorize('from="127.0.0.1"')
        self.assertLogin(sftp_pwd())

    def test_from_wildcard_match(self):
        authorize('from="10.9.9.9,127.0.0.*"')
        self.assertLogin(sftp_pwd())

    def test_from_no_match(self):
        authorize('from="10.1.2.3"')
        self.assertRefused(sftp_pwd())

    def test_from_negation(self):
        authorize('from="!127.0.0.1,*"')
        self.assertRefused(sftp_pwd())

    def test_from_cidr_match(self):
        authorize('from="127.0.0.0/8"')
        self.assertLogin(sftp_pwd())

    def test_from_cidr_no_match(self):
        authorize('from="10.0.0.0/8,192.168.0.0/16"')
        self.assertRefused(sftp_pwd())


class Expiry(Case):
    def test_expiry_time_past(self):
        authorize('expiry-time="20000101"')
        self.assertRefused(sftp_pwd())

    def test_expiry_time_future(self):
        authorize('expiry-time="29991231"')
        self.assertLogin(sftp_pwd())


class Restrictions(Case):
    def check_pty_refused_but_sftp_works(self):
        import paramiko
        t = paramiko_client()
        try:
            chan = t.open_session(timeout=20)
            with self.assertRaises(paramiko.SSHException):
                chan.get_pty()
            # paramiko closes a channel whose request failed: sftp on a fresh one still works.
            self.assertTrue(t.is_active())
            chan = t.open_session(timeout=20)
            chan.invoke_subsystem("sftp")
            sftp = paramiko.SFTPClient(chan)
            self.assertIn("marker-root.txt", sftp.listdir("/"))
            sftp.close()
        finally:
            t.close()

    def test_restrict(self):
        authorize("restrict")
        self.assertLogin(sftp_pwd())
        self.check_pty_refused_but_sftp_works()

    def test_no_pty(self):
        authorize("no-pty")
        self.assertLogin(sftp_pwd())
        self.check_pty_refused_but_sftp_works()

    def test_environment_is_ignored(self):
        authorize('environment="LD_PRELOAD=/tmp/evil.so",environment="FOO=bar"')
        self.assertLogin(sftp_pwd())

    def test_principals_on_a_plain_key_refused(self):
        authorize(f'principals="{M["user"]}"')
        self.assertRefused(sftp_pwd())

    def test_cert_authority_line_refused_for_a_plain_key(self):
        authorize("cert-authority")
        self.assertRefused(sftp_pwd())

    def test_no_port_forwarding_direct_tcpip_refused(self):
        import paramiko
        authorize("no-port-forwarding,no-agent-forwarding,no-X11-forwarding")
        t = paramiko_client()
        try:
            with self.assertRaises(paramiko.ChannelException) as cm:
                t.open_channel("direct-tcpip", ("127.0.0.1", M["server"].port),
                               ("127.0.0.1", 1), timeout=20)
            self.assertEqual(cm.exception.code, 1)  # ADMINISTRATIVELY_PROHIBITED
        finally:
            t.close()


class Command(Case):
    def test_internal_sftp_with_sftp_client(self):
        authorize('command="internal-sftp"')
        self.assertLogin(sftp_pwd())

    def test_internal_sftp_refuses_a_shell_request_as_sshd(self):
        authorize('command="internal-sftp"')
        t = paramiko_client()
        try:
            chan = t.open_session(timeout=20)
            chan.settimeout(20)
            chan.invoke_shell()
            self.assertEqual(chan.recv_exit_status(), 1)
            stderr = chan.makefile_stderr().read()
            self.assertIn(b"This service allows sftp connections only.", stderr)
        finally:
            t.close()

    def test_internal_sftp_refuses_scp_and_exec_as_sshd(self):
        # Before, an exec started an SFTP server, and scp -O waited on it until killed.
        authorize('command="internal-sftp"')
        local = os.path.join(wharftest.tmpdir(), "not-via-scp.txt")
        with open(local, "w") as f:
            f.write("x\n")
        r = login.run(["scp", "-O", *login.CLIENT_OPTS, *login.BATCH, "-P",
                       str(M["server"].port), "-i", M["key"], local,
                       f"{M['user']}@127.0.0.1:not-via-scp.txt"], timeout=30)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("This service allows sftp connections only.", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(M["root"], "not-via-scp.txt")))
        r = login.ssh(M["server"], M["user"], M["key"], "cat /etc/passwd", timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("This service allows sftp connections only.", r.stderr)
        self.assertNotIn("root:", r.stdout)

    def test_internal_sftp_read_only_flag(self):
        authorize('command="internal-sftp -R"')
        local = os.path.join(wharftest.tmpdir(), "ro-upload.txt")
        with open(local, "w") as f:
            f.write("x\n")
        r = login.sftp(M["server"], M["user"], M["key"], ["get marker-root.txt " + local + ".got",
                                                          f"put {local} ro-upload.txt"])
        self.assertNotEqual(r.returncode, 0)
        self.assertTrue(os.path.exists(local + ".got"), r.stderr)
        self.assertFalse(os.path.exists(os.path.join(M["root"], "ro-upload.txt")))

    def test_internal_sftp_flags_only_narrow_the_configured_policy(self):
        # authorized_keys is in the user's own root: its command= flags must never widen what
        # the configuration allows (-p once replaced the list and -u the umask).
        config = (M["config"] + "SftpAllowedRequests open,close,read,write,realpath,stat,lstat,"
                  "fstat,fsetstat,setstat,opendir,readdir\nSftpUmask 077\n")
        state = login.wharfd.make_state_dir()
        login.make_host_keys(state)
        server = login.start(state, config)
        try:
            authorize('command="internal-sftp -p open,close,write,realpath,stat,lstat,fstat,'
                      'fsetstat,setstat,mkdir,remove -u 0"')
            local = os.path.join(wharftest.tmpdir(), "narrow.txt")
            with open(local, "w") as f:
                f.write("narrow\n")
            r = login.sftp(server, M["user"], M["key"], [f"put {local} narrow.txt",
                                                         "-mkdir narrowed-dir",
                                                         "-rm marker-root.txt", "-ls /"])
            self.assertEqual(r.returncode, 0, r.stderr)
            up = os.path.join(M["root"], "narrow.txt")
            self.assertEqual(os.stat(up).st_mode & 0o777, 0o600)  # umask 077 kept, not 0
            self.assertFalse(os.path.exists(os.path.join(M["root"], "narrowed-dir")))
            self.assertTrue(os.path.exists(os.path.join(M["root"], "marker-root.txt")))
            self.assertIn("Permission denied", r.stderr)  # mkdir, rm and ls (not in -p)
            os.remove(up)
            authorize('command="internal-sftp -p ,"')  # an empty list allows nothing
            r = login.sftp(server, M["user"], M["key"], ["pwd"])
            self.assertNotEqual(r.returncode, 0)
            self.assertNotIn("Remote working directory", r.stdout)
        finally:
            server.stop()
            shutil.rmtree(state, ignore_errors=True)

    def test_scp_sink_command(self):
        authorize('command="scp -t incoming"')
        local = os.path.join(wharftest.tmpdir(), "via-scp.txt")
        with open(local, "w") as f:
            f.write("sent with scp -O\n")
        r = login.run(["scp", "-O", *login.CLIENT_OPTS, *login.BATCH, "-P",
                       str(M["server"].port), "-i", M["key"], local,
                       f"{M['user']}@127.0.0.1:elsewhere.txt"])
        self.assertEqual(r.returncode, 0, r.stderr)
        dest = os.path.join(M["root"], "incoming", "via-scp.txt")
        with open(dest) as f:
            self.assertEqual(f.read(), "sent with scp -O\n")
        self.assertEqual(os.stat(dest).st_uid, M["uid"])
        self.assertFalse(os.path.exists(os.path.join(M["root"], "elsewhere.txt")))

    def test_other_command_refuses_sftp_with_a_clear_message(self):
        authorize('command="/bin/sh"')
        r = sftp_pwd()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("this service allows sftp and scp only", r.stderr)
        self.assertNotIn("Remote working directory", r.stdout)
        self.assertNotIn("Permission denied", r.stderr)

    def test_other_command_refuses_exec_with_a_clear_message(self):
        authorize('command="echo bar"')
        r = login.ssh(M["server"], M["user"], M["key"], "ls")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("restricted to a command this server cannot run", r.stderr)
        self.assertNotIn("bar", r.stdout)


class Malformed(Case):
    def test_malformed_lines_before_a_valid_one(self):
        body = login.public_line(M["key"]).split()[1]
        authorize("", extra_before=[
            "unknown-option ssh-ed25519 " + body,
            'from="127.0.0.1 ssh-ed25519 ' + body,
            "ssh-ed25519 !!!not-base64!!!",
            "ssh-ed25519",
            "command=\"internal-sftp\",,no-pty ssh-ed25519 " + body,
            "x" * 5000,
            "# a comment",
            "",
        ])
        self.assertLogin(sftp_pwd())

    def test_only_malformed_lines(self):
        body = login.public_line(M["key"]).split()[1]
        login.authorize(M["root"], ["unknown-option ssh-ed25519 " + body], M["uid"], M["uid"])
        self.assertRefused(sftp_pwd())


class StrictModes(Case):
    def test_group_writable_authorized_keys_refused(self):
        authorize("", file_mode=0o620)
        self.assertRefused(sftp_pwd())

    def test_group_writable_ssh_directory_refused(self):
        authorize("", dir_mode=0o770)
        self.assertRefused(sftp_pwd())

    def test_group_writable_home_refused(self):
        authorize("")
        os.chmod(M["root"], 0o775)
        try:
            self.assertRefused(sftp_pwd())
        finally:
            os.chmod(M["root"], 0o755)
        self.assertLogin(sftp_pwd())

    def test_authorized_keys_owned_by_another_user_refused(self):
        path = authorize("")
        os.chown(path, M["uid"] + 1, M["uid"])
        self.assertRefused(sftp_pwd())

    def test_strict_modes_no_accepts_group_writable_file(self):
        authorize("", file_mode=0o660)
        with login.server(M["state"], M["config"], ["StrictModes=no"]) as server:
            self.assertLogin(sftp_pwd(server))


if __name__ == "__main__":
    wharftest.main()
