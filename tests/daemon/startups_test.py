#!/usr/bin/python3
"""MaxStartups and PerSourceMaxStartups (issue 8, sshd(8)): unauthenticated connections beyond
the limits are closed at once with a log line saying why; random early drop between start and
full; authenticated connections no longer count; PerSourceNetBlockSize groups sources."""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/daemon"))
import daemonlib  # noqa: E402
import wharftest  # noqa: E402

SITE = None


def setUpModule():
    global SITE
    daemonlib.raise_nofile(4096)
    SITE = daemonlib.Site()


def tearDownModule():
    SITE.cleanup()


class MaxStartups(unittest.TestCase):
    def setUp(self):
        self.held = []

    def tearDown(self):
        daemonlib.close_all(self.held)
        if hasattr(self, "server"):
            self.server.stop()

    def test_hard_cap_refuses_at_full_and_frees_on_close(self):
        self.server = SITE.server("MaxStartups 5\n")
        self.held = daemonlib.hold(self.server.port, 5)
        s, ok = daemonlib.probe(self.server.port)
        self.assertFalse(ok, "the 6th unauthenticated connection was served")
        lines = daemonlib.wait_for(lambda: daemonlib.log_lines(
            self.server, r"refusing connection from 127\.0\.0\.1 port \d+: MaxStartups 5:100:5 "
            r"\(5 unauthenticated connections\)"), 5)
        self.assertEqual(len(lines), 1, self.server.read_log())
        # A held connection ends: its slot frees once the listener sees the child go.
        self.held.pop().close()
        s = daemonlib.wait_for(lambda: daemonlib.probe(self.server.port)[0], 10, step=0.2)
        self.assertIsNotNone(s, "no slot freed after a startup closed")
        self.held.append(s)
        self.assertTrue(all(daemonlib.still_open(h) for h in self.held))

    def test_random_early_drop_fraction(self):
        # start 4, rate 30, full 10000: the odds stay exactly 30% for the first 142 extra
        # startups (sshd's integer arithmetic), so every attempt below is a 30% coin.
        self.server = SITE.server("MaxStartups 4:30:10000\n")
        self.held = daemonlib.hold(self.server.port, 4)
        attempts, dropped = 200, 0
        for _ in range(attempts):
            s, ok = daemonlib.probe(self.server.port)
            if ok:
                self.held.append(s)  # keep it: pending only grows, odds stay 30%
            else:
                dropped += 1
        # Binomial(200, 0.3): mean 60, sd 6.5; the bounds are more than 3.8 sd away.
        print(f"random early drop: {dropped} of {attempts} dropped at 30%", flush=True)
        self.assertGreaterEqual(dropped, 35)
        self.assertLessEqual(dropped, 85)
        # Refusals are logged, but rate-limited: never more lines than refusals.
        lines = daemonlib.log_lines(self.server, r"refusing connection from .*MaxStartups 4:30:10000")
        self.assertGreater(len(lines), 0)
        self.assertLessEqual(len(lines), dropped)

    def test_authenticated_connections_are_not_startups(self):
        import paramiko
        self.server = SITE.server("MaxStartups 2\n")
        clients = []
        try:
            for _ in range(3):  # more logged-in clients than MaxStartups
                c = paramiko.SSHClient()
                c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
                c.connect("127.0.0.1", port=self.server.port, username=SITE.user,
                          key_filename=SITE.key, allow_agent=False, look_for_keys=False,
                          timeout=20)
                clients.append(c)
                # The listener learns of the login through the child's startup pipe.
                time.sleep(0.3)
            for c in clients:
                self.assertEqual(c.open_sftp().normalize("."), "/")
            self.held = daemonlib.hold(self.server.port, 2)
            s, ok = daemonlib.probe(self.server.port)
            self.assertFalse(ok, "a 3rd unauthenticated connection was served at MaxStartups 2")
        finally:
            for c in clients:
                c.close()


class PerSource(unittest.TestCase):
    def setUp(self):
        self.held = []

    def tearDown(self):
        daemonlib.close_all(self.held)
        self.server.stop()

    def test_per_source_limit(self):
        self.server = SITE.server("MaxStartups 100\nPerSourceMaxStartups 3\n")
        self.held = daemonlib.hold(self.server.port, 3)
        s, ok = daemonlib.probe(self.server.port)
        self.assertFalse(ok, "a 4th connection from one source was served")
        self.assertTrue(daemonlib.log_lines(
            self.server, r"refusing connection from 127\.0\.0\.1 port \d+: "
            r"PerSourceMaxStartups 3 reached for 127\.0\.0\.1/32"), self.server.read_log())
        # Another source (another loopback address) has its own count.
        self.held += daemonlib.hold(self.server.port, 3, source="127.0.0.2")
        s, ok = daemonlib.probe(self.server.port, source="127.0.0.2")
        self.assertFalse(ok)

    def test_net_block_size_groups_sources(self):
        self.server = SITE.server(
            "MaxStartups 100\nPerSourceMaxStartups 2\nPerSourceNetBlockSize 8:128\n")
        self.held = daemonlib.hold(self.server.port, 1)
        self.held += daemonlib.hold(self.server.port, 1, source="127.0.0.2")
        s, ok = daemonlib.probe(self.server.port, source="127.9.9.9")
        self.assertFalse(ok, "127.9.9.9 is in the same /8 as two held startups")
        self.assertTrue(daemonlib.log_lines(
            self.server, r"refusing connection from 127\.9\.9\.9 port \d+: "
            r"PerSourceMaxStartups 2 reached for 127\.0\.0\.0/8"), self.server.read_log())


if __name__ == "__main__":
    wharftest.main()
