#!/usr/bin/python3
"""Crashed connection children (issue 8, faults): a connection child is sent SIGSEGV or SIGKILL in
the middle of a transfer. The listener logs "connection child N killed by signal S", keeps
serving (the next login works), and nothing else dies: another session that was open at the time
goes on working. An atomic upload in the crashed child never reaches its final name (the previous
complete file stays). Penalties for crashes are the listener's subject (tests/daemon) and are off
here.
"""

import os
import random
import shutil
import signal
import sys
import time
import unittest

import paramiko

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/faults"))
import faultlib  # noqa: E402
import wharftest  # noqa: E402

BIG = 48 << 20
PREVIOUS = 1 << 20
LIMIT_KBIT = 200_000  # OpenSSH clients' -l: 25 MB/s
CTX = {}


def setUpModule():
    base = faultlib.wharfd.make_state_dir()
    os.chmod(base, 0o755)
    CTX["base"] = base
    CTX["root"] = faultlib.make_root(os.path.join(base, "atom"))
    CTX["server"] = faultlib.Server({"atom": (CTX["root"], ["AtomicUploads yes"])})
    scratch = faultlib.scratch_dir("child-crash")
    CTX["scratch"] = scratch
    for name, size in (("big", BIG), ("prev", PREVIOUS)):
        CTX[name] = os.path.join(scratch, f"{name}.bin")
        CTX[name + "_sha"] = faultlib.write_random(CTX[name], size)
    seed = int(os.environ.get("FAULT_SEED", str(int.from_bytes(os.urandom(4), "big"))))
    print(f"child_crash: seed {seed} (FAULT_SEED={seed} replays it)")
    CTX["rng"] = random.Random(seed)


def tearDownModule():
    if "server" in CTX:
        CTX["server"].stop()
    shutil.rmtree(CTX.get("base", "/nonexistent"), ignore_errors=True)


def bystander(server):
    """An open paramiko SFTP session: the connection that must survive another child's crash."""
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", port=server.port, username="atom", key_filename=server.key,
              look_for_keys=False, allow_agent=False, timeout=20)
    return c, c.open_sftp()


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.002)
    return False


class ChildCrash(unittest.TestCase):
    def setUp(self):
        self.server = CTX["server"]
        self.root = CTX["root"]
        self.reported = set(self.server.crashes())
        for name in os.listdir(self.root):
            os.unlink(os.path.join(self.root, name))

    def tearDown(self):
        new = {p: s for p, s in self.server.crashes().items() if p not in self.reported}
        faultlib.figure("crashes", len(new))
        self.assertEqual(new, {}, self.server.server.read_log()[-4000:])
        self.assertTrue(self.server.alive(), "wharfd listener died")

    def crash_during(self, cmd, sig, started):
        """Runs `cmd` with a bystander session open, sends `sig` to the client's connection child
        once `started()` holds; returns the client's result."""
        conn, sftp = bystander(self.server)
        self.addCleanup(conn.close)
        self.assertTrue(wait_for(lambda: len(self.server.children()) == 1))
        other = self.server.children()[0]
        proc = faultlib.start_client(cmd)
        ok = wait_for(lambda: len(self.server.children()) == 2 and started())
        child = next((p for p in self.server.children() if p != other), None)
        self.assertTrue(ok and child, "the transfer did not start")
        self.server.deliberate.add(child)
        os.kill(child, sig)
        faultlib.figure("faults_injected", 1)
        out, err = proc.communicate(timeout=60)
        self.assertNotEqual(proc.returncode, 0, "the client did not notice the crash")
        self.assertTrue(wait_for(lambda: self.server.children() == [other]),
                        "the crashed child is not reaped, or the bystander's child died")
        # Under AddressSanitizer (--config=asan) its SEGV handler reports and aborts: SIGABRT.
        expected = {sig, signal.SIGABRT} if "ASAN_OPTIONS" in os.environ else {sig}
        self.assertTrue(wait_for(lambda: self.server.killed_children().get(child) in expected, 10),
                        f"no 'connection child {child} killed by signal {sig}' in the log:\n"
                        f"{self.server.server.read_log()[-3000:]}")
        # Nothing else died: the bystander still works, and a new login works.
        with sftp.open("bystander.txt", "w") as f:
            f.write(b"still here")
        self.assertEqual(sftp.open("bystander.txt").read(), b"still here")
        conn.close()
        r = faultlib.run_client(self.server.sftp_batch_cmds("atom", CTX["scratch"], ["ls -l"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(self.server.alive())
        return err.decode(errors="replace")

    def upload_crash(self, client, sig):
        target = os.path.join(self.root, "target.bin")
        shutil.copy(CTX["prev"], target)
        os.chown(target, faultlib.NOBODY, faultlib.NOBODY)
        offset = CTX["rng"].randrange(1 << 20, BIG // 2)

        def started():
            temps = [e for e in os.listdir(self.root) if e.startswith(".target.bin.")]
            return any(os.path.getsize(os.path.join(self.root, t)) >= offset
                       for t in temps if os.path.exists(os.path.join(self.root, t)))

        cmd = self.server.upload_cmd(client, "atom", CTX["big"], "target.bin", CTX["scratch"])
        if client != "paramiko":
            cmd[1:1] = ["-l", str(LIMIT_KBIT)]  # a few seconds, so the crash lands mid-transfer
        self.crash_during(cmd, sig, started)
        self.assertEqual(faultlib.sha256_file(target), CTX["prev_sha"],
                         "the final name does not hold the previous complete file")
        faultlib.figure("bytes_verified_sha256", PREVIOUS)
        # The crashed child's hidden temporary file is removed by the next atomic upload of the
        # same name (its owner's lock is gone); that upload then lands whole.
        r = faultlib.run_client(self.server.upload_cmd("sftp", "atom", CTX["prev"], "target.bin",
                                                       CTX["scratch"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(self.server.wait_no_children())
        self.assertEqual(sorted(os.listdir(self.root)), ["bystander.txt", "target.bin"])

    def test_sigsegv_during_sftp_upload(self):
        self.upload_crash("sftp", signal.SIGSEGV)

    def test_sigkill_during_sftp_upload(self):
        self.upload_crash("sftp", signal.SIGKILL)

    def test_sigsegv_during_scp_legacy_upload(self):
        self.upload_crash("scp-legacy", signal.SIGSEGV)

    def test_sigkill_during_paramiko_upload(self):
        self.upload_crash("paramiko", signal.SIGKILL)

    def test_sigsegv_during_download(self):
        shutil.copy(CTX["big"], os.path.join(self.root, "big.bin"))
        local = os.path.join(CTX["scratch"], "down.bin")
        if os.path.exists(local):
            os.unlink(local)
        offset = CTX["rng"].randrange(1 << 20, BIG // 2)
        cmd = self.server.sftp_batch_cmds("atom", CTX["scratch"], [f'get big.bin "{local}"'])
        cmd[1:1] = ["-l", str(LIMIT_KBIT)]
        self.crash_during(cmd, signal.SIGSEGV,
                          lambda: os.path.exists(local) and os.path.getsize(local) >= offset)
        with open(local, "rb") as f, open(CTX["big"], "rb") as g:
            got = f.read()
            self.assertEqual(got, g.read(len(got)), "the partial download is not a prefix")
        faultlib.figure("bytes_verified_sha256", len(got))


if __name__ == "__main__":
    wharftest.main()
