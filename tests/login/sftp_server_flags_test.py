#!/usr/bin/python3
"""sftp-server's flags where an sshd_config puts them, as an operator migrating from sshd writes
them: on "Subsystem sftp /usr/lib/openssh/sftp-server" (once accepted and ignored: a -R was
silently dropped) and on "ForceCommand internal-sftp" (-d was ignored, -u could not go below the
process's 022). Real sftp and paramiko against wharfd; scp -O under a forced internal-sftp is
refused with sshd's words."""

import os
import stat
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

M = {}


def setUpModule():
    area = login.open_site(M)
    M["key"] = area.key("ed25519")
    M["config"] = login.one_user(M, "sft", (62000, 62999), [M["key"]])
    for d in ("upload", "pub"):
        os.mkdir(os.path.join(M["root"], d))
        os.chown(os.path.join(M["root"], d), M["uid"], M["uid"])
    M["local"] = os.path.join(wharftest.tmpdir(), "flags-local.txt")
    with open(M["local"], "w") as f:
        f.write("uploaded\n")
    os.chmod(M["local"], 0o666)  # sftp asks for the local mode; the umask decides


def tearDownModule():
    login.close_site(M)
    login.summary("Subsystem sftp /usr/lib/openssh/sftp-server -R -P remove (sftp, paramiko), "
                  "ForceCommand internal-sftp -d /upload -u 0002 (sftp pwd/put/mkdir modes, "
                  "paramiko normalize, -l INFO operation log lines), -d to a missing directory, SftpUmask 0002, scp -O refused")


def sftp(server, commands):
    return login.sftp(server, M["user"], M["key"], commands)


def paramiko_sftp(server):
    import paramiko
    t = login.paramiko_transport(server)
    t.auth_publickey(M["user"], login.paramiko_key(M["key"]))
    return t, paramiko.SFTPClient.from_transport(t)


def mode(*parts):
    return stat.S_IMODE(os.stat(os.path.join(M["root"], *parts)).st_mode)


class FlagsTest(unittest.TestCase):
    def tearDown(self):
        for name in ("upload/f.txt", "upload/d", "f.txt", "d", "pub/f.txt"):
            path = os.path.join(M["root"], name)
            if os.path.isdir(path):
                os.rmdir(path)
            elif os.path.exists(path):
                os.remove(path)

    def test_subsystem_line_naming_openssh_sftp_server_keeps_its_read_only_flag(self):
        line = "Subsystem sftp /usr/lib/openssh/sftp-server -R -u 0077 -P remove,rmdir\n"
        with login.server(M["state"], M["config"] + line) as server:
            r = sftp(server, [f"get marker-root.txt {M['local']}.got", f"put {M['local']} f.txt"])
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Permission denied", r.stderr)
            self.assertTrue(os.path.exists(M["local"] + ".got"), r.stderr)
            self.assertFalse(os.path.exists(os.path.join(M["root"], "f.txt")))
            t, client = paramiko_sftp(server)
            try:
                self.assertIn("marker-root.txt", client.listdir("."))
                with self.assertRaises(PermissionError):
                    client.remove("marker-root.txt")
                with self.assertRaises(PermissionError):
                    client.mkdir("d")
            finally:
                t.close()
            self.assertTrue(os.path.exists(os.path.join(M["root"], "marker-root.txt")))

    def test_force_command_start_directory_and_umask(self):
        config = M["config"] + "ForceCommand internal-sftp -d /upload -l INFO -u 0002\n"
        with login.server(M["state"], config) as server:
            r = sftp(server, ["pwd", f"put {M['local']} f.txt", "mkdir d", "ls", "rename f.txt g.txt",
                              "rename g.txt f.txt"])
            self.assertEqual(r.returncode, 0, r.stderr + server.read_log())
            self.assertIn("Remote working directory: /upload", r.stdout)
            # -l INFO: sftp-server's operation log, in its words
            log = server.read_log()
            for line in (f"session opened for local user {M['user']} from [127.0.0.1]",
                         'open "/upload/f.txt" flags WRITE,CREATE,TRUNCATE mode 0666',
                         'close "/upload/f.txt" bytes read 0 written 9',
                         'mkdir name "/upload/d" mode 0777',
                         'opendir "/upload"', 'closedir "/upload"',
                         'posix-rename old "/upload/f.txt" new "/upload/g.txt"'):
                self.assertIn(line, log)
            self.assertEqual(mode("upload", "f.txt"), 0o664)
            self.assertEqual(mode("upload", "d"), 0o775)
            self.assertFalse(os.path.exists(os.path.join(M["root"], "f.txt")))
            t, client = paramiko_sftp(server)
            try:
                self.assertEqual(client.normalize("."), "/upload")
                self.assertIn("f.txt", client.listdir())  # the start directory
                self.assertIn("marker-root.txt", client.listdir("/"))  # absolute paths: the root
                self.assertEqual(client.stat("../marker-root.txt").st_size, len("root marker\n"))
                with client.open("p.txt", "w") as f:
                    f.write(b"paramiko\n")
                self.assertEqual(client.open("p.txt").read(), b"paramiko\n")
                client.remove("p.txt")
            finally:
                t.close()
            log = server.read_log()
            self.assertIn('close "/upload/p.txt" bytes read 0 written 9', log)
            self.assertIn('close "/upload/p.txt" bytes read 9 written 0', log)
            self.assertIn('remove name "/upload/p.txt"', log)

    def test_missing_start_directory_starts_at_the_root(self):
        config = M["config"] + "ForceCommand internal-sftp -d /no/such/dir\n"
        with login.server(M["state"], config) as server:
            r = sftp(server, ["pwd"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Remote working directory: /\n", r.stdout)
            self.assertIn("start directory /no/such/dir is not a directory", server.read_log())

    def test_sftp_umask_below_the_process_umask(self):
        with login.server(M["state"], M["config"] + "SftpUmask 0002\n") as server:
            r = sftp(server, [f"put {M['local']} pub/f.txt"])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(mode("pub", "f.txt"), 0o664)
            self.assertNotIn('open "/pub/f.txt"', server.read_log())  # no -l INFO: no op log

    def test_scp_under_a_forced_internal_sftp_is_refused_not_hung(self):
        with login.server(M["state"], M["config"] + "ForceCommand internal-sftp\n") as server:
            r = login.run(["scp", "-O", *login.CLIENT_OPTS, *login.BATCH, "-P", str(server.port),
                           "-i", M["key"], M["local"], f"{M['user']}@127.0.0.1:f.txt"], timeout=30)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("This service allows sftp connections only.", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(M["root"], "f.txt")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
