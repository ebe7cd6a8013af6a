#!/usr/bin/python3
"""OpenSSH's sftp client (`sftp -D`) against wharf-sftp-server: every command of issue 5, the file
sizes around the 32 KiB boundaries and 100 MiB byte for byte, and -B x -R combinations."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/sftp"))
import sftptest  # noqa: E402
import wharftest  # noqa: E402


class SftpClient(unittest.TestCase):
    def setUp(self):
        self.root = sftptest.scratch(self.id().rsplit(".", 1)[-1] + "_root")
        self.local = sftptest.scratch(self.id().rsplit(".", 1)[-1] + "_local")

    def sftp(self, script, **kw):
        r = sftptest.run_sftp(self.root, script, self.local, **kw)
        self.assertEqual(r.returncode, 0, f"stdout:\n{r.stdout}\nstderr:\n{r.stderr}")
        return r.stdout

    def path(self, *p):
        return os.path.join(self.root, *p)

    def test_commands(self):
        sftptest.write_random(os.path.join(self.local, "a"), 5000)
        out = self.sftp([
            "pwd", "put a", "mkdir d", "mkdir d/e", "rmdir d/e", "rename a d/b", "ln -s b d/sym",
            "ln d/b d/hard", "chmod 600 d/b", "ls -l d", "df", "df -h", "get d/b back",
            "put a gone", "rm gone", "-rm does-not-exist", "-rmdir d",
        ])
        self.assertIn("Remote working directory: /\n", out)
        self.assertFalse(os.path.exists(self.path("a")))
        self.assertFalse(os.path.exists(self.path("gone")))
        self.assertFalse(os.path.exists(self.path("d", "e")))
        self.assertEqual(os.readlink(self.path("d", "sym")), "b")
        self.assertEqual(os.stat(self.path("d", "b")).st_nlink, 2)
        self.assertEqual(os.stat(self.path("d", "b")).st_mode & 0o777, 0o600)
        self.assertEqual(sftptest.digest(self.path("d", "b")),
                         sftptest.digest(os.path.join(self.local, "a")))
        self.assertEqual(sftptest.digest(os.path.join(self.local, "back")),
                         sftptest.digest(os.path.join(self.local, "a")))
        for name in ("b", "hard", "sym"):
            self.assertRegex(out, rf"\S+ +\S+ +\S+ +\S+ +\d+ .* d/{name}\n")
        self.assertIn("%Capacity", out)

    def test_sizes_byte_for_byte(self):
        sizes = [0, 1, 32767, 32768, 32769]
        script = []
        for n in sizes:
            sftptest.write_random(os.path.join(self.local, f"f{n}"), n, seed=n)
            script += [f"put f{n}", f"get f{n} back{n}"]
        self.sftp(script)
        for n in sizes:
            self.assertEqual(os.path.getsize(self.path(f"f{n}")), n)
            want = sftptest.digest(os.path.join(self.local, f"f{n}"))
            self.assertEqual(sftptest.digest(self.path(f"f{n}")), want)
            self.assertEqual(sftptest.digest(os.path.join(self.local, f"back{n}")), want)

    def test_100_mib_byte_for_byte(self):
        src = os.path.join(self.local, "big")
        sftptest.write_random(src, 100 << 20, seed=7)
        self.sftp(["put big", "get big back"])
        want = sftptest.digest(src)
        self.assertEqual(sftptest.digest(self.path("big")), want)
        self.assertEqual(sftptest.digest(os.path.join(self.local, "back")), want)

    def test_buffer_and_request_matrix(self):
        src = os.path.join(self.local, "m")
        sftptest.write_random(src, 150001, seed=3)
        want = sftptest.digest(src)
        for b in (5, 1000, 32000, 64000):
            for r in (1, 2, 10, 64):
                with self.subTest(B=b, R=r):
                    self.sftp([f"put m m_{b}_{r}", f"get m_{b}_{r} back_{b}_{r}"],
                              extra=("-B", str(b), "-R", str(r)))
                    self.assertEqual(sftptest.digest(self.path(f"m_{b}_{r}")), want)
                    self.assertEqual(sftptest.digest(os.path.join(self.local, f"back_{b}_{r}")),
                                     want)

    def test_resume_put_and_get(self):
        src = os.path.join(self.local, "r")
        sftptest.write_random(src, 3 << 20, seed=5)
        with open(src, "rb") as f:
            data = f.read()
        with open(self.path("r"), "wb") as f:
            f.write(data[: 1 << 20])  # a partial upload on the server
        with open(os.path.join(self.local, "back"), "wb") as f:
            f.write(data[: 12345])  # a partial download here
        self.sftp(["put -a r", "get -a r back"])
        with open(self.path("r"), "rb") as f:
            self.assertEqual(f.read(), data)
        with open(os.path.join(self.local, "back"), "rb") as f:
            self.assertEqual(f.read(), data)

    def test_recursive_and_preserve(self):
        os.makedirs(os.path.join(self.local, "tree", "sub"))
        sftptest.write_random(os.path.join(self.local, "tree", "sub", "x"), 1000)
        os.utime(os.path.join(self.local, "tree", "sub", "x"), (1000000, 1000000))
        self.sftp(["put -rp tree", "get -r tree copy"])
        self.assertEqual(os.stat(self.path("tree", "sub", "x")).st_mtime, 1000000)
        self.assertEqual(sftptest.digest(os.path.join(self.local, "copy", "sub", "x")),
                         sftptest.digest(os.path.join(self.local, "tree", "sub", "x")))

    def test_many_requests_in_flight(self):
        src = os.path.join(self.local, "inflight")
        sftptest.write_random(src, 20 << 20, seed=11)
        self.sftp(["put inflight", "get inflight back"], extra=("-R", "256"))
        self.sftp(["get inflight back2"], extra=("-R", "256", "-B", "8192"))
        want = sftptest.digest(src)
        self.assertEqual(sftptest.digest(self.path("inflight")), want)
        for name in ("back", "back2"):
            self.assertEqual(sftptest.digest(os.path.join(self.local, name)), want)

    def test_scp_in_sftp_mode(self):
        """OpenSSH 9's scp speaks SFTP; -S replaces ssh with a wrapper that runs the server."""
        wrapper = os.path.join(self.local, "fake-ssh")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec {sftptest.wharf_server()} {self.root}\n")
        os.chmod(wrapper, 0o755)
        sftptest.write_random(os.path.join(self.local, "s"), 100000, seed=4)
        os.makedirs(os.path.join(self.local, "dir", "sub"))
        sftptest.write_random(os.path.join(self.local, "dir", "sub", "t"), 5000, seed=5)

        def scp(*args):
            r = subprocess.run(["scp", "-q", "-S", wrapper, *args], cwd=self.local,
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)

        scp("s", "host:~/up")
        scp("-r", "dir", "host:/")
        scp("host:~/up", "down")
        scp("-r", "host:/dir", "copy")
        self.assertEqual(sftptest.digest(self.path("up")),
                         sftptest.digest(os.path.join(self.local, "s")))
        self.assertEqual(sftptest.digest(os.path.join(self.local, "down")),
                         sftptest.digest(os.path.join(self.local, "s")))
        self.assertEqual(sftptest.digest(os.path.join(self.local, "copy", "sub", "t")),
                         sftptest.digest(os.path.join(self.local, "dir", "sub", "t")))

    def test_client_cannot_leave_root(self):
        outside = os.path.join(os.path.dirname(self.root), "outside_" + os.path.basename(self.root))
        os.makedirs(outside, exist_ok=True)
        with open(os.path.join(outside, "secret"), "w") as f:
            f.write("OUTSIDE")
        os.symlink(outside, self.path("abs"))
        rel = os.path.relpath(outside, self.root)
        out = self.sftp(["cd ..", "pwd", "cd /../..", "pwd", f"-get {rel}/secret s1",
                         "-get abs/secret s2", f"-put /etc/hostname {rel}/planted", "-ls -l abs/"])
        self.assertEqual(out.count("Remote working directory: /\n"), 2)
        self.assertFalse(os.path.exists(os.path.join(self.local, "s1")))
        self.assertFalse(os.path.exists(os.path.join(self.local, "s2")))
        self.assertEqual(os.listdir(outside), ["secret"])

    def test_dot_dot_after_a_symlink_is_its_targets_parent(self):
        # REALPATH (cd) resolves like every other request, as OpenSSH's realpath(3) does.
        os.makedirs(self.path("dir2", "deep"))
        with open(self.path("dir2", "x"), "w") as f:
            f.write("x\n")
        os.symlink("dir2/deep", self.path("deeplink"))
        out = self.sftp(["cd deeplink/..", "pwd", "ls", "cd /", "-cd nope/..", "pwd"])
        self.assertIn("Remote working directory: /dir2\n", out)
        self.assertIn("deep", out)
        self.assertEqual(out.count("Remote working directory: /\n"), 1)


if __name__ == "__main__":
    wharftest.main()
