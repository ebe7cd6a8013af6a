#!/usr/bin/python3
"""Per-user policies through the real client, checked on disk: read-only, drop box, and atomic
uploads whose client (or server) is killed mid-transfer."""

import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/sftp"))
import sftptest  # noqa: E402
import wharftest  # noqa: E402


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


class Policies(unittest.TestCase):
    def setUp(self):
        name = self.id().rsplit(".", 1)[-1]
        self.root = sftptest.scratch(name + "_root")
        self.local = sftptest.scratch(name + "_local")
        sftptest.write_random(os.path.join(self.root, "existing"), 5000, seed=1)
        os.mkdir(os.path.join(self.root, "dir"))
        sftptest.write_random(os.path.join(self.local, "up"), 100000, seed=2)

    def path(self, *p):
        return os.path.join(self.root, *p)

    def test_read_only(self):
        before = sftptest.tree(self.root)
        r = sftptest.run_sftp(self.root, [
            "-put up", "-put up existing", "-mkdir new", "-rm existing", "-rmdir dir",
            "-rename existing moved", "-chmod 777 existing", "-ln -s existing sl",
            "-ln existing hl", "ls", "get existing got",
        ], self.local, flags=["-R"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreaterEqual(r.stderr.count("Permission denied"), 7, r.stderr)
        self.assertEqual(sftptest.tree(self.root), before)
        self.assertEqual(sftptest.digest(os.path.join(self.local, "got")),
                         sftptest.digest(self.path("existing")))

    def test_drop_box(self):
        existing = sftptest.digest(self.path("existing"))
        r = sftptest.run_sftp(self.root, [
            "put up", "put -p up up2", "put up dir/inner", "-put up existing", "-put up up",
            "-ls", "-ls dir", "-get up back", "-get existing e", "-rm up", "-rename up x",
            "-rmdir dir", "-ln -s up sl", "-chmod 777 up", "mkdir newdir",
        ], self.local, flags=["-D"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        want = sftptest.digest(os.path.join(self.local, "up"))
        for name in ("up", "up2", "dir/inner"):
            self.assertEqual(sftptest.digest(self.path(name)), want, name)
        self.assertEqual(sftptest.digest(self.path("existing")), existing)
        self.assertEqual(sorted(os.listdir(self.root)),
                         ["dir", "existing", "newdir", "up", "up2"])  # no temp files left
        self.assertEqual(os.listdir(self.path("dir")), ["inner"])
        self.assertFalse(os.path.exists(os.path.join(self.local, "back")))
        self.assertFalse(os.path.exists(os.path.join(self.local, "e")))
        self.assertEqual(os.stat(self.path("up")).st_mode & 0o777, 0o644)  # chmod was a no-op
        listed = [l for l in r.stdout.splitlines() if not l.startswith("sftp>")]
        self.assertFalse([l for l in listed if "up" in l or "existing" in l], listed)  # no listing
        self.assertIn("Permission denied", r.stderr)

    def start_slow_upload(self, flags):
        big = os.path.join(self.local, "big")
        sftptest.write_random(big, 64 << 20, seed=9)
        with open(self.path("target"), "wb") as f:
            f.write(b"PREVIOUS")
        direct = " ".join(sftptest.server_command(self.root, flags))
        # -l throttles to ~8 MB/s so the upload is surely in flight when killed.
        return subprocess.Popen(["sftp", "-q", "-l", "65536", "-D", direct, "-b", "-"],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=self.local, text=True), big

    def temp_files(self):
        return [n for n in os.listdir(self.root) if n.startswith(".target.wharf-")]

    def temp_growing(self):
        temps = self.temp_files()
        return bool(temps) and os.path.getsize(self.path(temps[0])) > (1 << 20)

    def test_atomic_upload_client_killed(self):
        proc, _ = self.start_slow_upload(["-A"])
        proc.stdin.write("put big target\n")
        proc.stdin.flush()
        self.assertTrue(wait_for(self.temp_growing), "upload never started")
        with open(self.path("target"), "rb") as f:
            self.assertEqual(f.read(), b"PREVIOUS")  # nothing under the final name yet
        proc.kill()
        proc.wait()
        # The server sees end of input and drops the unfinished upload.
        self.assertTrue(wait_for(lambda: not self.temp_files()), self.temp_files())
        with open(self.path("target"), "rb") as f:
            self.assertEqual(f.read(), b"PREVIOUS")

    def test_atomic_upload_server_killed(self):
        proc, _ = self.start_slow_upload(["-A"])
        proc.stdin.write("put big target\n")
        proc.stdin.flush()
        self.assertTrue(wait_for(self.temp_growing), "upload never started")
        with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
            children = [int(p) for p in f.read().split()]
        self.assertEqual(len(children), 1)
        os.kill(children[0], signal.SIGKILL)
        proc.wait(timeout=30)
        with open(self.path("target"), "rb") as f:
            self.assertEqual(f.read(), b"PREVIOUS")  # the partial data stays hidden

    def test_atomic_upload_completes(self):
        r = sftptest.run_sftp(self.root, ["put up existing"], self.local, flags=["-A"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sftptest.digest(self.path("existing")),
                         sftptest.digest(os.path.join(self.local, "up")))
        self.assertEqual(sorted(os.listdir(self.root)), ["dir", "existing"])

    RESERVED = ".t.wharf-00000000000000a1"  # the shape of an atomic upload's temporary name

    def test_temporary_names_are_refused_to_openssh_sftp(self):
        # Such a file would be swept as an abandoned upload by the next atomic session here.
        before = sftptest.tree(self.root)
        for flags in ([], ["-A"]):
            r = sftptest.run_sftp(self.root, [
                f"-put up {self.RESERVED}", f"-rename existing {self.RESERVED}",
                f"-ln existing {self.RESERVED}", f"-ln -s {self.RESERVED} sl",
                f"-put up dir/{self.RESERVED}",
            ], self.local, flags=flags)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr.count("Permission denied"), 5, r.stderr)
            self.assertEqual(sftptest.tree(self.root), before)

    def test_temporary_names_are_refused_to_paramiko(self):
        client, proc = sftptest.paramiko_over_stdio(self.root)
        try:
            for attempt in (lambda: client.open(self.RESERVED, "wb"),
                            lambda: client.posix_rename("existing", self.RESERVED),
                            lambda: client.rename("existing", self.RESERVED),
                            lambda: client.symlink(self.RESERVED, "sl")):
                with self.assertRaises(PermissionError):
                    attempt()
            with client.open("t.wharf-00000000000000a1", "wb") as f:  # no leading dot: fine
                f.write(b"ok")
        finally:
            client.close()
            proc.wait(timeout=10)
        self.assertEqual(sorted(os.listdir(self.root)),
                         ["dir", "existing", "t.wharf-00000000000000a1"])

    def test_umask_and_forced_modes(self):
        r = sftptest.run_sftp(self.root, ["put up a", "mkdir d", "chmod 777 a"], self.local,
                              flags=["-m", "0600", "-M", "0750"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(self.path("a")).st_mode & 0o7777, 0o600)
        self.assertEqual(os.stat(self.path("d")).st_mode & 0o7777, 0o750)
        r = sftptest.run_sftp(self.root, ["put up b", "mkdir e"], self.local,
                              flags=["-u", "077"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(self.path("b")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.path("e")).st_mode & 0o777, 0o700)

    def test_request_deny_list(self):
        r = sftptest.run_sftp(self.root, ["-rm existing", "-mkdir x", "put up"], self.local,
                              flags=["-P", "remove,mkdir"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(self.path("existing")))
        self.assertFalse(os.path.exists(self.path("x")))
        self.assertTrue(os.path.exists(self.path("up")))


if __name__ == "__main__":
    wharftest.main()
