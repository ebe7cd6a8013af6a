#!/usr/bin/python3
"""sshfs (FUSE over OpenSSH's ssh, with its own SFTP client): a chrooted user's directory mounted
and used as a filesystem, the way Linux desktops and scripts use an SFTP server. Every step is a
real program on the mount (cp, dd, truncate, mv, ln, chmod, touch, git, tar, df), and every
result is checked on the server's side, under the user's root. sshfs writes in place (open
without O_TRUNC, writes at offsets, SETSTAT for truncate), renames with posix-rename, links with
hardlink@openssh.com and syncs with fsync@openssh.com."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

M = {}
DIR = "fs"  # the mounted directory, under the user's root


def setUpModule():
    area = login.open_site(M)
    M["key"] = area.key("ed25519")
    M["config"] = login.one_user(M, "sfs", (65000, 65499), [M["key"]])
    M["server"] = login.start(M["state"], M["config"])
    os.mkdir(host(""))
    os.chown(host(""), M["uid"], M["uid"])
    M["mnt"] = os.path.join(wharftest.tmpdir(), "mnt")
    os.mkdir(M["mnt"])
    ssh = " ".join(["ssh", *login.CLIENT_OPTS, *login.BATCH, "-i", M["key"]])
    # idmap=user shows the user's files as ours (root's), as a desktop user sees their own.
    login.check(["sshfs", "-p", str(M["server"].port), "-o", f"ssh_command={ssh}", "-o",
                 "idmap=user", f"{M['user']}@127.0.0.1:/{DIR}", M["mnt"]], timeout=60)
    M["mounted"] = True


def tearDownModule():
    if M.get("mounted"):
        if login.run(["fusermount3", "-u", M["mnt"]], timeout=30).returncode != 0:
            login.run(["umount", "-l", M["mnt"]], timeout=30)
    log = M["server"].read_log() if "server" in M else ""
    login.close_site(M)
    if "killed by signal" in log:
        raise AssertionError("a wharfd process crashed:\n" + log[-3000:])
    login.summary("sshfs mount of a chrooted user's directory: cp/cmp 3 MiB, append, in-place "
                  "writes at offsets, truncate down and up, mv over a file, hard link, relative "
                  "symlink (a climbing one refused), chmod/touch on files and directories, "
                  "mkdir -p, rmdir of a non-empty directory refused, rm -r, 1500 entries, "
                  "directory rename, git init/commit/gc/fsck, tar round trip, df, fsync")


def host(rel):
    """Where `rel` (relative to the mounted directory) lies on the server's side."""
    return os.path.join(M["root"], DIR, rel)


def mnt(rel):
    return os.path.join(M["mnt"], rel)


class Sshfs(unittest.TestCase):
    def sh(self, script, ok=True):
        """Runs `script` with sh in the mounted directory; returns (exit code, output)."""
        r = login.run(["sh", "-c", script], timeout=120, cwd=M["mnt"])
        if ok:
            self.assertEqual(r.returncode, 0, f"{script}\n{r.stdout}{r.stderr}")
        return r.returncode, r.stdout + r.stderr

    def read_host(self, rel):
        with open(host(rel), "rb") as f:
            return f.read()

    def test_copy_append_write_in_place_and_truncate(self):
        data = os.urandom(3 * 1024 * 1024 + 4321)
        src = os.path.join(wharftest.tmpdir(), "sshfs-src.bin")
        with open(src, "wb") as f:
            f.write(data)
        self.sh(f"cp {src} big.bin && cmp {src} big.bin")
        self.assertEqual(self.read_host("big.bin"), data)
        self.sh("echo one > a.txt && echo two >> a.txt")
        self.assertEqual(self.read_host("a.txt"), b"one\ntwo\n")
        # dd without truncation: OPEN without O_TRUNC, one WRITE at offset 100.
        self.sh("printf XYZ | dd of=big.bin bs=1 seek=100 conv=notrunc status=none")
        self.assertEqual(self.read_host("big.bin"), data[:100] + b"XYZ" + data[103:])
        self.sh("truncate -s 1000 big.bin")
        self.assertEqual(self.read_host("big.bin"), data[:100] + b"XYZ" + data[103:1000])
        self.sh("truncate -s 5000 big.bin")
        self.assertEqual(self.read_host("big.bin")[1000:], bytes(4000))
        # Read and write through one descriptor, then overwrite its first byte.
        self.sh("printf 'hello world' > rw.txt && printf J | dd of=rw.txt conv=notrunc "
                "status=none && cat rw.txt")
        self.assertEqual(self.read_host("rw.txt"), b"Jello world")

    def test_rename_links_modes_and_times(self):
        self.sh("echo new > n.txt && echo old > o.txt && mv -f n.txt o.txt")
        self.assertEqual(self.read_host("o.txt"), b"new\n")
        self.assertFalse(os.path.exists(host("n.txt")))
        self.sh("echo linked > l.txt && ln l.txt hard.txt && ln -s l.txt soft")
        self.assertEqual(os.stat(host("l.txt")).st_nlink, 2)
        self.assertEqual(os.readlink(host("soft")), "l.txt")
        self.assertEqual(self.sh("cat soft")[1], "linked\n")
        code, out = self.sh("mkdir -p sub && ln -s ../l.txt sub/up", ok=False)
        self.assertNotEqual(code, 0)
        self.assertIn("Permission denied", out)
        self.assertFalse(os.path.lexists(host("sub/up")))
        self.sh("chmod 600 l.txt && mkdir -p d && chmod 700 d")
        self.assertEqual(os.stat(host("l.txt")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(host("d")).st_mode & 0o777, 0o700)
        self.sh("touch -d '2001-02-03 04:05:06 UTC' l.txt d")
        self.assertEqual(int(os.stat(host("l.txt")).st_mtime), 981173106)
        self.assertEqual(int(os.stat(host("d")).st_mtime), 981173106)
        code, out = self.sh("ln l.txt hard.txt", ok=False)
        self.assertIn("File exists", out)
        code, out = self.sh("set -o noclobber; echo x > l.txt", ok=False)
        self.assertNotEqual(code, 0)
        self.assertEqual(self.read_host("l.txt"), b"linked\n")

    def test_directories(self):
        self.sh("mkdir -p x/y/z && echo q > x/y/z/q")
        self.assertEqual(self.read_host("x/y/z/q"), b"q\n")
        code, out = self.sh("rmdir x", ok=False)
        self.assertIn("Directory not empty", out)
        self.sh("mv x x2 && cat x2/y/z/q")
        self.assertFalse(os.path.exists(host("x")))
        self.sh("rm -r x2")
        self.assertFalse(os.path.exists(host("x2")))
        self.sh("mkdir many && for i in $(seq 1 1500); do : > many/f$i; done")
        self.assertEqual(len(os.listdir(host("many"))), 1500)
        self.assertEqual(self.sh("ls many | wc -l")[1].strip(), "1500")

    def test_git_repository(self):
        # git creates lock files with O_EXCL, renames them into place, fsyncs and packs.
        self.sh("git init -q repo && cd repo && git config user.email u@example.org && "
                "git config user.name u && echo hi > f && git add f && git commit -qm one && "
                "echo more >> f && git commit -qam two && git gc -q && git fsck --strict")
        r = login.run(["git", "-c", "safe.directory=*", "-C", host("repo"), "log", "--format=%s"],
                      timeout=60)
        self.assertEqual(r.stdout.split(), ["two", "one"], r.stderr)
        r = login.run(["git", "-c", "safe.directory=*", "-C", host("repo"), "show", "HEAD:f"],
                      timeout=60)
        self.assertEqual(r.stdout, "hi\nmore\n", r.stderr)

    def test_tar_round_trip(self):
        files = {f"t/d{i % 7}/f{i}": os.urandom(i * 37) for i in range(60)}
        src = os.path.join(wharftest.tmpdir(), "sshfs-tar")
        for rel, data in files.items():
            os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
            with open(os.path.join(src, rel), "wb") as f:
                f.write(data)
        # --no-same-owner: root's tar would chown, which the user may not (as with sshd).
        self.sh(f"tar -C {src} -cf - t | tar --no-same-owner -xf - && diff -r {src}/t t")
        for rel, data in files.items():
            self.assertEqual(self.read_host(rel), data, rel)

    def test_df_and_fsync(self):
        mounted = os.statvfs(M["mnt"])
        real = os.statvfs(M["root"])
        self.assertGreater(mounted.f_blocks, 0)
        self.assertEqual(mounted.f_blocks * mounted.f_frsize, real.f_blocks * real.f_frsize)
        self.sh("dd if=/dev/zero of=synced.bin bs=64k count=4 conv=fsync status=none")
        self.assertEqual(os.path.getsize(host("synced.bin")), 256 * 1024)
        log = M["server"].read_log()
        self.assertNotIn("killed by signal", log)


if __name__ == "__main__":
    wharftest.main()
