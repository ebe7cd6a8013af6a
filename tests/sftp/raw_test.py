#!/usr/bin/python3
"""wharf-sftp-server driven by a raw client over its stdio: malformed and hostile requests are
answered while the session goes on; confinement vectors on every path argument of every request
and extension; and paramiko's SFTPClient as a second, independent client."""

import os
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/sftp"))
import sftptest  # noqa: E402
import wharftest  # noqa: E402
from sftptest import s, u32, u64, status_of  # noqa: E402

OPEN, CLOSE, READ, WRITE, LSTAT, FSTAT, SETSTAT = 3, 4, 5, 6, 7, 8, 9
OPENDIR, READDIR, REMOVE, MKDIR, RMDIR, REALPATH, STAT = 11, 12, 13, 14, 15, 16, 17
RENAME, READLINK, SYMLINK, EXTENDED = 18, 19, 20, 200
STATUS, HANDLE, DATA, NAME, ATTRS, EXT_REPLY = 101, 102, 103, 104, 105, 201
NO_ATTRS = u32(0)


class Raw(unittest.TestCase):
    def setUp(self):
        base = sftptest.scratch(self.id().rsplit(".", 1)[-1])
        self.base = base
        self.root = os.path.join(base, "root")
        self.outside = os.path.join(base, "outside")
        for d in (self.root, self.outside, os.path.join(base, "root0"),
                  os.path.join(base, "root_bak")):
            os.makedirs(d)
        for d in (self.outside, os.path.join(base, "root0"), os.path.join(base, "root_bak")):
            with open(os.path.join(d, "secret"), "w") as f:
                f.write("OUTSIDE")
        with open(os.path.join(self.root, "inside"), "w") as f:
            f.write("INSIDE")
        self.c = sftptest.RawSftp(self.root)
        self.next_id = 1000

    def tearDown(self):
        if self.c.proc.poll() is None:
            self.c.close()

    def request(self, type_, payload):
        self.next_id += 1
        self.c.send(bytes([type_]) + u32(self.next_id) + payload)
        t, rid, rest = self.c.recv()
        self.assertEqual(rid, self.next_id)
        return t, rest

    def ext(self, name, payload):
        return self.request(EXTENDED, s(name) + payload)

    def test_before_init_and_malformed(self):
        c = self.c
        c.send(bytes([OPENDIR]) + u32(1) + s("/"))
        t, rid, rest = c.recv()
        self.assertEqual((t, rid, status_of(rest)), (STATUS, 1, 4))  # FAILURE before INIT
        ext = c.init()
        self.assertIn(b"check-file-name", ext)
        cases = [
            bytes([OPEN]) + u32(2),                                  # no path
            bytes([OPEN]) + u32(3) + s("x") + u32(0x1a),             # no attrs
            bytes([STAT]) + u32(4) + u32(1 << 30),                   # string longer than msg
            bytes([REMOVE]) + u32(5) + s(b"in\0side"),               # NUL in path
            bytes([MKDIR]) + u32(6) + s(b"a\0b") + NO_ATTRS,         # NUL in path
            bytes([READ]) + u32(7) + s("nohandle") + u64(0),         # short
            bytes([EXTENDED]) + u32(8) + s("hardlink@openssh.com") + s("inside"),
            bytes([SETSTAT]) + u32(9) + s("inside") + u32(0x80000000) + u32(1000000),
        ]
        for body in cases:
            c.send(body)
            t, rid, rest = c.recv()
            self.assertEqual(t, STATUS)
            self.assertEqual(status_of(rest), 5, rid)  # BAD_MESSAGE
        # A garbage handle, an unknown type, an unknown extension.
        t, rest = self.request(READ, s("\x00" * 12) + u64(0) + u32(10))
        self.assertEqual(status_of(rest), 4)
        t, rest = self.request(77, b"")
        self.assertEqual(status_of(rest), 8)
        t, rest = self.ext("no-such@example.com", b"")
        self.assertEqual(status_of(rest), 8)
        # An oversized message: answered, skipped, and the session goes on.
        c.send_raw(u32(300000) + bytes([WRITE]) + u32(55) + b"\xee" * (300000 - 5))
        t, rid, rest = c.recv()
        self.assertEqual((t, rid, status_of(rest)), (STATUS, 55, 5))
        t, rest = self.request(MKDIR, s("still-alive") + NO_ATTRS)
        self.assertEqual(status_of(rest), 0)
        self.assertTrue(os.path.isdir(os.path.join(self.root, "still-alive")))
        self.assertEqual(os.listdir(self.root).count("a\0b"), 0)
        self.assertTrue(os.path.exists(os.path.join(self.root, "inside")))
        # End of input in the middle of a message: a clean exit.
        c.send_raw(u32(100) + b"\x03")
        self.assertEqual(c.close(), 0)

    def vectors(self):
        host_rel = self.outside.lstrip("/")
        deep = "../" * 1500 + "outside/secret"
        return ["../outside/secret", "/../outside/secret", "//../outside/secret",
                "/./../outside/secret", "../../../../../../../../../../outside/secret",
                "..\\..\\outside\\secret", "\\..\\outside", "../root0/secret",
                "../root_bak/secret", "/" + host_rel + "/secret", self.outside + "/secret",
                "abs/secret", "rel/secret", "d/l/secret", deep, "a/.." * 900 + "/../outside"]

    def test_confinement_on_every_path_argument(self):
        os.symlink(self.outside, os.path.join(self.root, "abs"))
        os.symlink("../outside", os.path.join(self.root, "rel"))
        os.makedirs(os.path.join(self.root, "d"))
        os.symlink("../../outside", os.path.join(self.root, "d", "l"))
        self.c.init()
        before = sftptest.tree(self.base)
        del before["root"]
        escapes, attempts = 0, 0
        base_bytes = self.base.encode()

        def check(label, v, t, rest):
            nonlocal escapes, attempts
            attempts += 1
            if base_bytes in rest or b"OUTSIDE" in rest:
                escapes += 1
                print(f"escape: {label} {v!r}: {rest[:80]!r}")

        for v in self.vectors():
            p = s(v)
            for name, t, payload in [
                ("stat", STAT, p), ("lstat", LSTAT, p), ("realpath", REALPATH, p),
                ("readlink", READLINK, p), ("opendir", OPENDIR, p),
                ("setstat", SETSTAT, p + u32(4) + u32(0o777)), ("remove", REMOVE, p),
                ("rmdir", RMDIR, p), ("mkdir", MKDIR, p + NO_ATTRS),
                ("rename", RENAME, p + s("x")), ("rename-to", RENAME, s("inside") + p),
                ("symlink-target", SYMLINK, p + s("sl")), ("symlink-link", SYMLINK, s("inside") + p),
            ]:
                tt, rest = self.request(t, payload)
                check(name, v, tt, rest)
                if tt == HANDLE:
                    handle = rest[4:]
                    tt, rest = self.request(READDIR, s(handle))
                    check("readdir", v, tt, rest)
                    self.request(CLOSE, s(handle))
            for name, payload in [
                ("posix-rename@openssh.com", p + s("x")), ("hardlink@openssh.com", p + s("hl")),
                ("hardlink@openssh.com", s("inside") + p), ("statvfs@openssh.com", p),
                ("lsetstat@openssh.com", p + u32(4) + u32(0o777)), ("expand-path@openssh.com", p),
                ("copy-file", p + s("cp") + b"\x01"), ("copy-file", s("inside") + p + b"\x01"),
                ("check-file-name", p + s("md5") + u64(0) + u64(0) + u32(0)),
                ("space-available", p),
            ]:
                tt, rest = self.ext(name, payload)
                check(name, v, tt, rest)
            # OPEN for reading, then READ; OPEN for writing, then WRITE.
            tt, rest = self.request(OPEN, p + u32(1) + NO_ATTRS)
            check("open", v, tt, rest)
            if tt == HANDLE:
                tt, rest = self.request(READ, s(rest[4:]) + u64(0) + u32(100))
                check("read", v, tt, rest)
            tt, rest = self.request(OPEN, p + u32(0x1a) + NO_ATTRS)
            if tt == HANDLE:
                h = rest[4:]
                self.request(WRITE, s(h) + u64(0) + s("PWNED"))
                self.request(CLOSE, s(h))
            attempts += 2
        self.c.close()
        after = sftptest.tree(self.base)
        del after["root"]
        changed = {k for k in set(before) | set(after)
                   if not k.startswith("root/") and before.get(k) != after.get(k)}
        escapes += len(changed)
        print(f"wire confinement: {attempts} requests, {escapes} escapes, outside changes: "
              f"{sorted(changed)}")
        print(f"FIGURE escape_attempts {attempts}\nFIGURE escapes_found {escapes}")
        self.assertEqual(escapes, 0)
        self.assertGreater(attempts, 400)

    def test_paramiko_client(self):
        self.c.proc.stdin.close()
        self.c.proc.wait(timeout=10)
        client, proc = sftptest.paramiko_over_stdio(self.root)
        try:
            self.assertEqual(client.normalize("../.."), "/")
            data = os.urandom(300000)
            with client.open("/../p.bin", "wb") as f:
                f.set_pipelined(True)
                f.write(data)
            with client.open("p.bin", "rb") as f:
                self.assertEqual(f.read(), data)
                import hashlib
                self.assertEqual(f.check("sha256"), hashlib.sha256(data).digest())
            client.mkdir("pd", 0o750)
            client.posix_rename("p.bin", "pd/q.bin")
            client.symlink("q.bin", "pd/lnk")
            self.assertEqual(client.readlink("pd/lnk"), "q.bin")
            client.chmod("pd/q.bin", 0o600)
            client.truncate("pd/q.bin", 10)
            client.utime("pd/q.bin", (1000, 2000))
            st = client.stat("pd/lnk")
            self.assertEqual((st.st_size, st.st_mtime, st.st_mode & 0o777), (10, 2000, 0o600))
            self.assertEqual(sorted(client.listdir("pd")), ["lnk", "q.bin"])
            with self.assertRaises(IOError):
                client.open("../outside/secret")
            with self.assertRaises(IOError):
                client.listdir("abs-missing")
            client.remove("pd/lnk")
            client.remove("pd/q.bin")
            client.rmdir("pd")
            self.assertEqual(sorted(client.listdir("/")), ["inside"])
        finally:
            client.close()
            proc.wait(timeout=10)
        self.assertEqual(proc.returncode, 0)


if __name__ == "__main__":
    wharftest.main()
