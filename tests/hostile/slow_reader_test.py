#!/usr/bin/python3
"""A client that stops reading while it keeps sending requests that each cause a reply (issue
8): pipelined SFTP READs of 32 KiB (an amplification of about 1000x) or global requests with
want-reply. The server's memory stays bounded (its output queue stops growing once backlogged and
it stops reading input; measured as the connection child's RSS in /proc) and, with
ClientAliveInterval set, the connection is cut although the client never drains what was
queued for it."""

import os
import socket
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/hostile"))
import hostile  # noqa: E402
import wharftest  # noqa: E402
from hostile import FIGURES  # noqa: E402
from rawssh import sshstr, u32  # noqa: E402

SERVER = None
INTERVAL, COUNT_MAX = 1, 2
RSS_GROWTH_LIMIT_KIB = 96 * 1024
FLUSH_TIMEOUT = 10  # daemon/connection_driver.cc kFlushTimeout
# From the moment the server stopped taking our requests: keepalives, then the flush allowance.
CUT_WITHIN = INTERVAL * (COUNT_MAX + 1) + FLUSH_TIMEOUT + 10.0


def setUpModule():
    global SERVER
    SERVER = hostile.Server([f"ClientAliveInterval={INTERVAL}",
                             f"ClientAliveCountMax={COUNT_MAX}"])
    path = os.path.join(SERVER.state.path, "drop", "big")
    with open(path, "wb") as f:
        f.write(os.urandom(1 << 20))
    os.chmod(path, 0o644)


def tearDownModule():
    FIGURES.print()
    if SERVER:
        SERVER.stop()


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class SlowReader(unittest.TestCase):
    def tearDown(self):
        SERVER.assert_up(self)

    def flood(self, c, make_packet, limit_bytes):
        """Sends packets until the server stops taking them (our send blocks) or `limit_bytes`
        of them went out. `make_packet` returns (payload, requests in it). Returns the number
        of requests sent."""
        c.sock.settimeout(3.0)
        sent, nbytes = 0, 0
        try:
            while nbytes < limit_bytes:
                packets = [make_packet() for _ in range(64)]
                data = b"".join(c.protect(p) for p, _ in packets)
                c.sock.sendall(data)
                sent += sum(n for _, n in packets)
                nbytes += len(data)
        except (socket.timeout, BrokenPipeError, ConnectionResetError):
            pass
        return sent

    def watch(self, pid, seconds):
        """Peak RSS (KiB) of pid over `seconds`."""
        peak = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and pid_alive(pid):
            peak = max(peak, hostile.rss_kib(pid))
            time.sleep(0.1)
        return peak

    def run_case(self, name, setup, make_packet, limit_bytes, backlogged):
        before_children = set(SERVER.child_pids())
        c = hostile.login(SERVER)
        try:
            pids = set(SERVER.child_pids()) - before_children
            self.assertEqual(len(pids), 1, pids)
            pid = pids.pop()
            make = setup(c)
            base = hostile.rss_kib(pid)
            t0 = time.monotonic()
            sent = self.flood(c, lambda: make_packet(make), limit_bytes)
            flooded = time.monotonic() - t0
            t0 = time.monotonic()
            peak = max(self.watch(pid, 2.0), hostile.rss_kib(pid) if pid_alive(pid) else 0)
            # ClientAliveInterval: no input is read while the output is backlogged, so the
            # keepalives go unanswered and the connection must end, even with output unsent.
            deadline = t0 + CUT_WITHIN
            while pid_alive(pid) and time.monotonic() < deadline:
                peak = max(peak, hostile.rss_kib(pid) if pid_alive(pid) else 0)
                time.sleep(0.2)
            cut_after = time.monotonic() - t0
            print(f"{name}: {sent} requests sent in {flooded:.1f} s, child RSS {base} KiB -> peak {peak} KiB, "
                  f"alive after {cut_after:.1f} s: {pid_alive(pid)}", flush=True)
            self.assertGreater(sent, 1000)
            self.assertLess(peak - base, RSS_GROWTH_LIMIT_KIB)
            self.assertFalse(pid_alive(pid), f"connection child {pid} still there after "
                                             f"{CUT_WITHIN} s\n{SERVER.read_log()[-3000:]}")
            self.assertRegex(SERVER.read_log(), f"wharfd.{pid}.*not responding")
            if backlogged:  # the DISCONNECT could not even be written: the flush gave up
                self.assertRegex(SERVER.read_log(),
                                 f"wharfd.{pid}.*did not take the last output")
        finally:
            c.close()

    def test_pipelined_sftp_reads_without_reading_replies(self):
        def setup(c):
            sftp = hostile.SftpChannel(c, window=0xFFFFFFFF)
            sftp.init()
            handle = sftp.open_read("/big")
            self.window = sftp.window
            return sftp.ours, handle, [100]

        def make(state):
            ours, handle, counter = state
            frames = []
            for _ in range(800):  # ~29 KiB of READ requests in one CHANNEL_DATA
                counter[0] += 1
                body = (bytes([5]) + u32(counter[0]) + sshstr(handle) +
                        struct.pack(">Q", 0) + u32(32768))
                frames.append(u32(len(body)) + body)
            return bytes([94]) + u32(ours) + sshstr(b"".join(frames)), len(frames)

        # Stay inside the server's channel window (it is not topped up while we do not read).
        self.run_case("sftp reads", setup, make, 3 << 20, backlogged=True)

    def test_global_requests_with_want_reply_without_reading(self):
        def setup(c):
            return None

        def make(_):
            return bytes([80]) + sshstr("keepalive@openssh.com") + b"\1", 1

        self.run_case("global requests", setup, make, 6 << 20, backlogged=False)


if __name__ == "__main__":
    wharftest.main()
