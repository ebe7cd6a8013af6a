#!/usr/bin/python3
"""RekeyLimit by time on an idle connection (issue 3; sshd_config(5) RekeyLimit): after
authentication, with `RekeyLimit default 1`, wharfd must start key re-exchanges from its timer
even when the client sends nothing. The client (`ssh -s ... sftp`, idle for 4.5 s) must see
server-initiated exchanges complete while idle."""

import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None


def setUpModule():
    global STATE
    STATE = interop.StateDir().generate_default_keys()


def tearDownModule():
    if STATE:
        STATE.remove()


class IdleRekey(unittest.TestCase):
    def test_server_rekeys_idle_connection_by_time(self):
        with STATE.server(["RekeyLimit=default 1", "LogLevel=DEBUG1"]) as server:
            cmd = ["ssh", "-vv", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o",
                   "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o",
                   "IdentitiesOnly=yes", "-i", STATE.key_path("demo_key"), "-p",
                   str(server.port), "-s", "demo@127.0.0.1", "sftp"]
            p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            try:
                time.sleep(4.5)  # idle: only the server's timer can start an exchange
                idle_log = server.read_log()
                _, err = p.communicate(input=b"", timeout=30)  # EOF ends the session
            finally:
                p.kill()
            interop.assert_no_crash(self, server)
        err = err.decode("utf-8", "replace")
        self.assertIn("Authenticated to 127.0.0.1", err, err[-2000:])
        kex = [l for l in idle_log.splitlines() if "DEBUG: kex: " in l]
        self.assertGreaterEqual(len(kex), 3, idle_log[-3000:])  # initial + 2 or more while idle
        self.assertGreaterEqual(err.count("SSH2_MSG_NEWKEYS received"), 3, err[-3000:])


if __name__ == "__main__":
    wharftest.main()
