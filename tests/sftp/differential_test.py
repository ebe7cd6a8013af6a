#!/usr/bin/python3
"""Differential test: the same `sftp -b` scripts against wharf-sftp-server and against Debian's
OpenSSH sftp-server give the same output, the same exit status and the same files.

Intended differences, normalized or kept out of the shared scripts:
  * OpenSSH's server is not confined: it starts in the root (`-d`) and shows host paths
    ("Remote working directory: /tmp/.../root", `remote mkdir "/tmp/.../root/d"`). Wharf shows
    "/" for its root. The OpenSSH transcript has the root's host path replaced by "" (or "/").
  * Wharf refuses to create a symlink whose target leaves the root (Permission denied);
    OpenSSH creates it. Checked separately below.
  * Wharf's readlink of a planted absolute link outside the root is denied; OpenSSH shows it.
"""

import os
import re
import struct
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ["TEST_SRCDIR"], "wharf/tests/sftp"))
import sftptest  # noqa: E402
import wharftest  # noqa: E402

SCRIPT_COMMANDS = [
    "put a", "mkdir d", "-mkdir d", "put a d/b", "ls", "ls -l", "ls -la d", "ls -n d",
    "rename a d/c", "ln -s c d/s", "ln d/c d/h", "-ln d/nonexistent d/h2", "chmod 640 d/c",
    "-chmod 640 nothere", "-rm nothere", "-rmdir d", "-get nothere", "-cd nothere", "cd d",
    "ls -l", "get c c_back", "get -a c", "lls", "cd ..", "df", "-ls nothere", "rm d/h",
    "-put nothere", "lumask 077", "put -p a d/perm", "rename d/perm d/c", "ls -l d",
    "lmkdir le", "lmkdir le/sub", "put -r le", "rmdir le/sub", "rmdir le", "pwd",
]
SCRIPT_ABORT = ["put a x", "mkdir y", "rm nothere", "put a never"]
SCRIPT_OVERWRITE = ["put a", "put b a", "get a got", "chmod 000 a", "chmod 755 a", "ls -1"]


class Differential(unittest.TestCase):
    def run_both(self, script, prepare_local):
        results = {}
        for server in ("wharf", "openssh"):
            base = sftptest.scratch(f"{self.id().rsplit('.', 1)[-1]}_{server}")
            root, local = os.path.join(base, "root"), os.path.join(base, "local")
            os.makedirs(root)
            os.makedirs(local)
            prepare_local(local)
            r = sftptest.run_sftp(root, script, local, server=server)
            out = r.stdout + r.stderr
            if server == "openssh":
                out = out.replace(f"Remote working directory: {root}\n",
                                  "Remote working directory: /\n").replace(root, "")
            # Volatile fields: free space (the filesystem is shared and busy) and the date. sftp
            # prints "%b %e %H:%M", or "%b %e  %Y" for an mtime after its own time(NULL): with
            # the kernel's fine-grained file timestamps (Linux 6.13+) a file written just before
            # a second ticks over can be stamped ahead of time(), which is coarse.
            out = re.sub(r"(?m)^( +\d+){4} +\d+%$", "DF", out)
            out = re.sub(r"[A-Z][a-z]{2} [ \d]\d (\d\d:\d\d| \d{4})", "DATE", out)
            results[server] = (r.returncode, out, sftptest.tree(root), sftptest.tree(local))
        return results

    def assertSame(self, results):
        w, o = results["wharf"], results["openssh"]
        self.maxDiff = None
        self.assertEqual(w[1], o[1], "transcripts differ")
        self.assertEqual(w[0], o[0], "exit status differs")
        self.assertEqual(w[2], o[2], "server-side files differ")
        self.assertEqual(w[3], o[3], "client-side files differ")
        return w

    @staticmethod
    def local_files(local):
        sftptest.write_random(os.path.join(local, "a"), 70001, seed=1)
        sftptest.write_random(os.path.join(local, "b"), 33000, seed=2)

    def test_commands_script(self):
        w = self.assertSame(self.run_both(SCRIPT_COMMANDS, self.local_files))
        self.assertEqual(w[0], 0)
        self.assertIn("d/c", w[2])

    def test_script_aborts_at_same_error(self):
        w = self.assertSame(self.run_both(SCRIPT_ABORT, self.local_files))
        self.assertNotEqual(w[0], 0)
        self.assertNotIn("never", w[2])

    def test_overwrite_script(self):
        w = self.assertSame(self.run_both(SCRIPT_OVERWRITE, self.local_files))
        self.assertEqual(w[2]["a"][1], 33000)

    def test_readdir_longnames_identical(self):
        """READDIR longnames byte for byte, entry by entry (".." of the root excluded)."""
        base = sftptest.scratch("longnames")
        for name in ("f", "g"):
            sftptest.write_random(os.path.join(base, name), 1234, seed=3)
        os.chmod(os.path.join(base, "g"), 0o4751)
        os.mkdir(os.path.join(base, "dir"), 0o1777)
        os.symlink("f", os.path.join(base, "link"))
        os.utime(os.path.join(base, "f"), (100000000, 100000000))
        listings = {}
        for server in ("wharf", "openssh"):
            c = sftptest.RawSftp(base, server=server)
            c.init()
            path = "/" if server == "wharf" else base
            c.send(b"\x0b" + sftptest.u32(1) + sftptest.s(path))
            t, _, rest = c.recv()
            self.assertEqual(t, 102)
            handle = rest[4:]
            names = {}
            for i in range(100):
                c.send(b"\x0c" + sftptest.u32(2 + i) + sftptest.s(handle))
                t, _, rest = c.recv()
                if t == 101:
                    self.assertEqual(sftptest.status_of(rest), 1)
                    break
                (count,) = struct.unpack(">I", rest[:4])
                pos = 4
                for _ in range(count):
                    (n,) = struct.unpack(">I", rest[pos:pos + 4])
                    name = rest[pos + 4:pos + 4 + n].decode()
                    pos += 4 + n
                    (n,) = struct.unpack(">I", rest[pos:pos + 4])
                    names[name] = rest[pos + 4:pos + 4 + n].decode()
                    pos += 4 + n
                    (flags,) = struct.unpack(">I", rest[pos:pos + 4])
                    self.assertEqual(flags, 0xF)
                    pos += 4 + 8 + 8 + 4 + 8
            self.assertEqual(c.close(), 0)
            names.pop("..", None)
            listings[server] = names
        self.assertEqual(listings["wharf"], listings["openssh"])
        self.assertEqual(set(listings["wharf"]), {".", "f", "g", "dir", "link"})

    def test_intended_difference_escaping_symlink(self):
        script = ["-ln -s ../../escape esc", "ln -s inside ok"]
        results = self.run_both(script, self.local_files)
        self.assertIn("esc", results["openssh"][2])
        self.assertNotIn("esc", results["wharf"][2])
        self.assertIn("Permission denied", results["wharf"][1])
        self.assertIn("ok", results["wharf"][2])


if __name__ == "__main__":
    wharftest.main()
