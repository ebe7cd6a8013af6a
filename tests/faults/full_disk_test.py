#!/usr/bin/python3
"""A full disk (issue 8, faults): the user's root is a fresh 8 MiB tmpfs and a 16 MiB file is
uploaded with OpenSSH sftp, scp -O, scp (SFTP mode) and paramiko.

Every client reports a failure (sftp/paramiko get SSH_FX_FAILURE, legacy scp the sink's "No space
left on device" line). Atomic uploads on: the final name still holds the previous complete file
and the space is free again (no temporary file left). Atomic uploads off: sftp and paramiko leave
the bytes that fitted, a prefix of the source (as OpenSSH's sftp-server does; scp in SFTP mode
then sets the full size, so a hole follows); legacy scp receives under a hidden name and leaves
nothing. Then the same user removes what is there and uploads a
file that fits, byte for byte. Mounting must work (CI runs as root): a failed mount fails.
"""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/faults"))
import faultlib  # noqa: E402
import wharftest  # noqa: E402

DISK = 8 << 20
BIG = 16 << 20
SMALL = 1 << 20
PREVIOUS = 512 << 10
CTX = {}
# What each client prints when the server refuses a write for lack of space.
FAILURE_TEXT = {
    "sftp": "Failure",
    "scp-sftp": "Failure",
    "paramiko": "Failure",
    "scp-legacy": "No space left on device",
}


def setUpModule():
    base = faultlib.wharfd.make_state_dir()
    os.chmod(base, 0o755)
    CTX["base"] = base
    CTX["datom"] = faultlib.make_root(os.path.join(base, "datom"))
    CTX["dplain"] = faultlib.make_root(os.path.join(base, "dplain"))
    CTX["server"] = faultlib.Server({
        "datom": (CTX["datom"], ["AtomicUploads yes"]),
        "dplain": (CTX["dplain"], ["AtomicUploads no"]),
    })
    scratch = faultlib.scratch_dir("full-disk")
    CTX["scratch"] = scratch
    for name, size in (("big", BIG), ("small", SMALL), ("prev", PREVIOUS)):
        path = os.path.join(scratch, f"{name}.bin")
        CTX[name] = path
        CTX[name + "_sha"] = faultlib.write_random(path, size)


def tearDownModule():
    if "server" in CTX:
        CTX["server"].stop()
    for user in ("datom", "dplain"):
        if user in CTX:
            subprocess.run(["umount", CTX[user]], capture_output=True)
    shutil.rmtree(CTX.get("base", "/nonexistent"), ignore_errors=True)


def used_bytes(path):
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


class FullDisk(unittest.TestCase):
    def setUp(self):
        self.server = CTX["server"]
        self.reported = set(self.server.crashes())

    def tearDown(self):
        new = {p: s for p, s in self.server.crashes().items() if p not in self.reported}
        faultlib.figure("crashes", len(new))
        self.assertEqual(new, {}, self.server.server.read_log()[-4000:])
        self.assertTrue(self.server.alive(), "wharfd listener died")

    def mount(self, user):
        root = CTX[user]
        r = subprocess.run(["mount", "-t", "tmpfs", "-o",
                            f"size={DISK},mode=755,uid={faultlib.NOBODY},gid={faultlib.NOBODY}",
                            "tmpfs", root], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, f"mount tmpfs failed (CI runs as root): {r.stderr}")
        self.addCleanup(self.umount, root)
        return root

    def umount(self, root):
        self.server.wait_no_children()
        r = subprocess.run(["umount", root], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def sftp(self, user, *commands):
        batch = os.path.join(CTX["scratch"], f"cmds-{user}")
        with open(batch, "w") as f:
            f.write("".join(c + "\n" for c in commands))
        return faultlib.run_client(self.server.sftp_batch(user, batch))

    def upload(self, client, user, local, remote):
        cmd = self.server.upload_cmd(client, user, local, remote, CTX["scratch"])
        return faultlib.run_client(cmd)

    def fill(self, client, atomic):
        user = "datom" if atomic else "dplain"
        root = self.mount(user)
        target = os.path.join(root, "target.bin")
        if atomic:
            shutil.copy(CTX["prev"], target)
            os.chown(target, faultlib.NOBODY, faultlib.NOBODY)
        before = used_bytes(root)
        r = self.upload(client, user, CTX["big"], "target.bin")
        faultlib.figure("faults_injected", 1)
        print(f"{client} {'atomic' if atomic else 'non-atomic'} upload of {BIG} bytes to "
              f"{DISK} bytes: exit {r.returncode}, stderr {r.stderr.strip()!r}")
        self.assertNotEqual(r.returncode, 0, "the client did not see the failure")
        self.assertIn(FAILURE_TEXT[client], r.stderr)
        self.assertTrue(self.server.wait_no_children(), "connection child still running")
        left = sorted(os.listdir(root))
        if atomic:
            self.assertEqual(left, ["target.bin"], "leftovers after a failed atomic upload")
            self.assertEqual(faultlib.sha256_file(target), CTX["prev_sha"],
                             "the previous file was replaced by a partial upload")
            self.assertEqual(used_bytes(root), before, "the temporary file's space is not free")
            faultlib.figure("bytes_verified_sha256", PREVIOUS)
        elif client == "scp-legacy":
            self.assertEqual(left, [], "legacy scp left a file after a failed upload")
        else:
            self.assertIn(left, ([], ["target.bin"]))
            if left:
                # What fitted, a prefix of the source; scp in SFTP mode then sets the full size
                # (fsetstat), so a hole of zeros may follow.
                with open(target, "rb") as f, open(CTX["big"], "rb") as g:
                    got, want = f.read(), g.read()
                data = len(got.rstrip(b"\0"))
                self.assertLessEqual(data, DISK)
                self.assertEqual(got[:data], want[:data], "the partial data is not a prefix")
                self.assertLessEqual(len(got), BIG)
                print(f"{client} non-atomic: {data} bytes of data left under the final name, "
                      f"size {len(got)}")
        # The same user cleans up and uploads a file that fits.
        if left:
            r = self.sftp(user, "rm target.bin")
            self.assertEqual(r.returncode, 0, r.stderr)
        r = self.upload(client, user, CTX["small"], "small.bin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(self.server.wait_no_children(), "connection child still running")
        self.assertEqual(sorted(os.listdir(root)), ["small.bin"])
        self.assertEqual(faultlib.sha256_file(os.path.join(root, "small.bin")), CTX["small_sha"])
        faultlib.figure("bytes_verified_sha256", SMALL)

    def test_sftp_atomic(self):
        self.fill("sftp", True)

    def test_sftp_plain(self):
        self.fill("sftp", False)

    def test_scp_legacy_atomic(self):
        self.fill("scp-legacy", True)

    def test_scp_legacy_plain(self):
        self.fill("scp-legacy", False)

    def test_scp_sftp_atomic(self):
        self.fill("scp-sftp", True)

    def test_scp_sftp_plain(self):
        self.fill("scp-sftp", False)

    def test_paramiko_atomic(self):
        self.fill("paramiko", True)

    def test_paramiko_plain(self):
        self.fill("paramiko", False)


if __name__ == "__main__":
    wharftest.main()
