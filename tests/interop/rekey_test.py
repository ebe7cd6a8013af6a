#!/usr/bin/python3
"""Key re-exchange with real clients after authentication (issue 3), logged in as wharfd's demo
user (its key is in the state directory): rekeying started by the server (RekeyLimit by bytes
with sftp, and by time with paramiko while requests flow) and by the client (ssh's RekeyLimit)
with several ciphers and with zlib@openssh.com compression, while SFTP moves 8 MiB each way and
the data arrive intact; and no rekey before authentication even when the limit is reached during
it."""

import filecmp
import os
import socket
import subprocess
import sys
import time
import unittest

import paramiko

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None
BLOB = None
SIZE = 8 << 20


def setUpModule():
    global STATE, BLOB
    STATE = interop.StateDir().generate_default_keys()
    BLOB = os.path.join(wharftest.tmpdir(), "blob")
    with open(BLOB, "wb") as f:
        f.write(os.urandom(SIZE))


def tearDownModule():
    if STATE:
        STATE.remove()


def login_options():
    return ["-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o",
            "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
            "-i", STATE.key_path("demo_key")]


def sftp_round_trip(port, options=(), timeout=180):
    """put then get BLOB with `sftp -vv`; returns the client's stderr."""
    back = BLOB + ".back"
    if os.path.exists(back):
        os.unlink(back)
    cmd = ["sftp", "-vv", "-b", "-", *login_options(), "-P", str(port)]
    for o in options:
        cmd += ["-o", o]
    cmd.append("demo@127.0.0.1")
    r = subprocess.run(cmd, input=f"put {BLOB} upload\nget upload {back}\nrm upload\n",
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"sftp failed ({r.returncode}):\n{r.stderr[-3000:]}")
    if not filecmp.cmp(BLOB, back, shallow=False):
        raise AssertionError("the file came back different")
    return r.stderr


def exchanges(stderr):
    """(key exchanges the client saw, how many the server started) from ssh -vv: the initiator's
    KEXINIT comes first, so a "received" before "sent" means the server began."""
    events = [l for l in stderr.splitlines()
              if l.endswith("SSH2_MSG_KEXINIT sent") or l.endswith("SSH2_MSG_KEXINIT received")]
    total = by_server = 0
    pending = None
    for e in events:
        if pending is None:
            pending = e
            total += 1
            by_server += e.endswith("received")
        else:
            pending = None
    return total, by_server


class Rekey(unittest.TestCase):
    def test_server_rekeys_by_bytes(self):
        with STATE.server(["RekeyLimit=1M"]) as server:
            err = sftp_round_trip(server.port)
            interop.assert_no_crash(self, server)
        total, by_server = exchanges(err)
        self.assertGreaterEqual(by_server, 8, err[-2000:])  # 16 MiB moved, 1 MiB limit
        self.assertEqual(total, by_server + 1)  # plus the initial exchange

    def test_server_rekeys_by_time_with_traffic(self):
        with STATE.server(["RekeyLimit=default 1", "LogLevel=DEBUG1"]) as server:
            key = paramiko.Ed25519Key.from_private_key_file(STATE.key_path("demo_key"))
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            t = paramiko.Transport(sock)
            try:
                t.start_client(timeout=30)
                t.auth_publickey("demo", key)
                sftp = paramiko.SFTPClient.from_transport(t)
                deadline = time.monotonic() + 4.5
                while time.monotonic() < deadline:  # a request every 0.2 s, 4.5 s in all
                    sftp.listdir(".")
                    time.sleep(0.2)
                sftp.close()
            finally:
                t.close()
            interop.assert_no_crash(self, server)
            log = server.read_log()
        kex = [l for l in log.splitlines() if "DEBUG: kex: " in l]
        self.assertGreaterEqual(len(kex), 3, log[-3000:])  # the initial one and two or more
        self.assertLessEqual(len(kex), 7, log[-3000:])

    def test_no_rekey_before_authentication(self):
        with STATE.server(["RekeyLimit=1K"]) as server:
            err = sftp_round_trip(server.port)
        before_auth = err.split("Authenticated to 127.0.0.1", 1)[0]
        self.assertEqual(exchanges(before_auth), (1, 0), before_auth[-3000:])
        self.assertGreaterEqual(exchanges(err)[1], 8)

    def test_rekeys_with_compression_restart_the_zlib_streams(self):
        # OpenSSH starts a new zlib stream at every NEWKEYS (ssh_set_newkeys()); both ends must.
        with STATE.server(["Compression=yes"]) as server:
            err = sftp_round_trip(server.port, ["Compression=yes", "RekeyLimit=1M"])
            interop.assert_no_crash(self, server)
        self.assertIn("compression: zlib@openssh.com", err)
        total, by_server = exchanges(err)
        self.assertGreaterEqual(total - by_server, 4, err[-2000:])

    def check_client_rekeys(self, cipher):
        with STATE.server() as server:
            err = sftp_round_trip(server.port, [f"Ciphers={cipher}", "RekeyLimit=1M"])
            interop.assert_no_crash(self, server)
        self.assertIn(f"cipher: {cipher}", err)
        total, by_server = exchanges(err)
        self.assertGreaterEqual(total - by_server, 9, err[-2000:])


def add_cases():
    for cipher in ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr"]:
        setattr(Rekey, f"test_client_rekeys_{interop.safe_name(cipher)}",
                lambda self, c=cipher: self.check_client_rekeys(c))


add_cases()

if __name__ == "__main__":
    wharftest.main()
