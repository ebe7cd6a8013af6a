#!/usr/bin/python3
"""Load (issue 8): 500 silent unauthenticated connections held open while a real OpenSSH sftp
login still succeeds; a listener out of file descriptors neither spins nor stops serving."""

import os
import resource
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/daemon"))
import daemonlib  # noqa: E402
import wharftest  # noqa: E402

SITE = None
HELD = 500


def setUpModule():
    global SITE
    SITE = daemonlib.Site()


def tearDownModule():
    SITE.cleanup()


def cpu_seconds(pid):
    """utime + stime of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Load(unittest.TestCase):
    def setUp(self):
        self.held = []
        self.server = None

    def tearDown(self):
        daemonlib.close_all(self.held)
        if self.server:
            self.server.stop()

    def test_500_silent_connections_while_sftp_logs_in(self):
        limit = daemonlib.raise_nofile(4096)
        self.assertGreaterEqual(limit, HELD + 200, "RLIMIT_NOFILE too low for this test")
        self.server = SITE.server("MaxStartups 600\nLoginGraceTime 5m\n")
        t0 = time.monotonic()
        self.held = daemonlib.hold(self.server.port, HELD)
        print(f"{HELD} connections served in {time.monotonic() - t0:.1f} s", flush=True)
        kids = daemonlib.children(self.server)
        self.assertGreaterEqual(len(kids), HELD)
        r = SITE.sftp(self.server, ["put /etc/hostname uploaded", "ls -l uploaded"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        with open(os.path.join(SITE.root, "uploaded")) as a, open("/etc/hostname") as b:
            self.assertEqual(a.read(), b.read())
        open_now = sum(1 for s in self.held if daemonlib.still_open(s))
        self.assertEqual(open_now, HELD, "held connections were dropped during the login")
        print(f"FIGURE max_concurrent_connections {open_now}", flush=True)

    def test_out_of_descriptors_pauses_instead_of_spinning(self):
        # wharfd inherits a soft RLIMIT_NOFILE of 48: the listener runs out of descriptors
        # (one startup pipe per pending connection) after a few dozen connections.
        daemonlib.raise_nofile(4096)
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (48, hard))
        try:
            self.server = SITE.server("MaxStartups 1000\n")
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        port = self.server.port
        while True:  # until a connection is accepted by the kernel but not served
            s = daemonlib.connect(port)
            s.settimeout(2)
            self.held.append(s)
            try:
                if s.recv(8)[:4] != b"SSH-":
                    break
            except TimeoutError:
                break
            self.assertLess(len(self.held), 60, "descriptors never ran out")
        waiting = [daemonlib.connect(port) for _ in range(5)]
        self.held += waiting
        before = cpu_seconds(self.server.proc.pid)
        time.sleep(3)
        spent = cpu_seconds(self.server.proc.pid) - before
        print(f"listener CPU while out of descriptors: {spent:.2f} s in 3 s", flush=True)
        self.assertLess(spent, 0.6, "the listener spins while accept() fails")
        errors = daemonlib.log_lines(self.server, r"accept: |pipe: ")
        self.assertLessEqual(len(errors), 12, errors[:5])
        # Descriptors come back: the waiting connections are served.
        daemonlib.close_all(self.held[:-len(waiting)])
        for s in waiting:
            s.settimeout(15)
            self.assertEqual(s.recv(8)[:4], b"SSH-")
        self.assertIsNone(self.server.proc.poll())


if __name__ == "__main__":
    wharftest.main()
