#!/usr/bin/python3
"""ClientAliveInterval and ClientAliveCountMax end to end (sshd_config(5) semantics): a logged-in
client that answers nothing gets COUNT_MAX keepalive@openssh.com requests, one per interval, and is
then cut; a client that keeps talking gets no keepalive at all, and once it falls silent but
answers them it gets one per interval and stays connected."""

import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/hostile"))
import hostile  # noqa: E402
import rawssh  # noqa: E402
import wharftest  # noqa: E402
from rawssh import sshstr  # noqa: E402

INTERVAL, COUNT_MAX = 1, 2
MSG_GLOBAL_REQUEST, MSG_REQUEST_FAILURE = 80, 82
SERVER = None


def setUpModule():
    global SERVER
    SERVER = hostile.Server([f"ClientAliveInterval={INTERVAL}",
                             f"ClientAliveCountMax={COUNT_MAX}"])


def tearDownModule():
    if SERVER:
        SERVER.stop()


def is_keepalive(payload):
    return payload[0] == MSG_GLOBAL_REQUEST and sshstr("keepalive@openssh.com") in payload


def packets_for(c, seconds, answer=False):
    """Payloads received within `seconds` (answering keepalives if asked); None marks EOF."""
    out = []
    deadline = time.monotonic() + seconds
    c.sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            p = c.recv()
        except rawssh.Eof:
            out.append(None)
            break
        except socket.timeout:
            continue
        out.append(p)
        if answer and is_keepalive(p):
            c.send(bytes([MSG_REQUEST_FAILURE]))
    return out


class Keepalive(unittest.TestCase):
    def tearDown(self):
        SERVER.assert_up(self)

    def test_silent_client_gets_count_max_keepalives_then_is_cut(self):
        c = hostile.login(SERVER)
        t0 = time.monotonic()
        got = packets_for(c, INTERVAL * (COUNT_MAX + 1) + 8)
        took = time.monotonic() - t0
        c.close()
        self.assertEqual(got[-1:], [None], f"not cut: {[p[0] for p in got if p]}")
        keepalives = [p for p in got if p and is_keepalive(p)]
        self.assertEqual(len(keepalives), COUNT_MAX)
        self.assertEqual(got[-2][0], rawssh.MSG_DISCONNECT)
        self.assertIn(b"Timeout, client not responding", got[-2])
        self.assertGreaterEqual(took, INTERVAL * (COUNT_MAX + 1) - 0.5)
        self.assertLessEqual(took, INTERVAL * (COUNT_MAX + 1) + 4)

    def test_busy_client_gets_none_and_answering_client_stays(self):
        c = hostile.login(SERVER)
        try:
            # Input every 0.3 s for 4 intervals: every deadline moves before it is reached.
            busy = []
            for _ in range(int(4 * INTERVAL / 0.3)):
                c.send(bytes([rawssh.MSG_IGNORE]) + sshstr("busy"))
                busy += packets_for(c, 0.3)
            self.assertEqual([p[0] for p in busy if p is None or is_keepalive(p)], [])
            # Silent but answering: about one keepalive per interval, and never cut.
            quiet = packets_for(c, 4 * INTERVAL + 0.5, answer=True)
            self.assertNotIn(None, quiet)
            self.assertIn(len([p for p in quiet if is_keepalive(p)]), range(3, 6))
        finally:
            c.close()


if __name__ == "__main__":
    wharftest.main()
