#!/usr/bin/python3
"""Hostile inputs not covered by tests/interop/hostile_test.py and friends (issue 8): a client
EXT_INFO claiming 2^32-1 extensions, KEXINIT floods and re-exchange storms, identification-line
abuse, channel window and maximum-packet arithmetic, unknown and closed channel ids, 10000
channel opens, EXTENDED_DATA on the SFTP channel, huge SFTP lengths and hostile user names.
Each is refused or absorbed cleanly, nothing crashes, and the listener serves the next client.
Every malformed input sent is counted (FIGURE malformed_inputs_sent)."""

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
from hostile import FIGURES  # noqa: E402
from rawssh import sshstr, u32  # noqa: E402

SERVER = None
MAX_SESSIONS = 10  # sshd's and Wharf's default
PROMPT = 10.0


def setUpModule():
    global SERVER
    SERVER = hostile.Server()


def tearDownModule():
    FIGURES.print()
    if SERVER:
        SERVER.stop()


def malformed(n=1):
    FIGURES.add("malformed_inputs_sent", n)


def tree(path):
    """{relative path: (mode, size, mtime)} of everything under path."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            out[os.path.relpath(full, path)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


class Base(unittest.TestCase):
    def tearDown(self):
        SERVER.assert_up(self)

    def assert_cut(self, c, reasons=(hostile.DISCONNECT_PROTOCOL_ERROR,)):
        t0 = time.monotonic()
        types, reason = hostile.expect_cut(self, c, reasons, timeout=PROMPT + 5)
        self.assertLess(time.monotonic() - t0, PROMPT)
        return types, reason

    def assert_alive(self, c):
        """A logged-in connection still answers a global request."""
        c.send(bytes([80]) + sshstr("keepalive@openssh.com") + b"\1")
        self.assertEqual(hostile.recv_skipping(c, hostile.BACKGROUND | {93})[0], 82)


class ExtInfoAndKexinit(Base):
    def test_client_ext_info_with_2_32_minus_1_extensions(self):
        # RFC 8308 section 2.3 lets the client send EXT_INFO right after its NEWKEYS; the count
        # claims far more pairs than follow. Informational only: dropped, the session goes on.
        for tail in (b"", sshstr("a") + sshstr("b"), sshstr("x" * 1000)):
            c = hostile.with_keys(SERVER.port)
            try:
                c.send(bytes([7]) + u32(0xFFFFFFFF) + tail)
                malformed()
                hostile.service_request(c)
            finally:
                c.close()

    def test_kexinit_flood_during_initial_exchange_is_cut(self):
        c = hostile.connect(SERVER.port)
        sent = 0
        for _ in range(500):
            if not hostile.safe_send(c, rawssh.kexinit(["curve25519-sha256"])):
                break
            sent += 1
        malformed(max(sent - 1, 0))  # the first one is legitimate
        types, _ = self.assert_cut(c)
        self.assertNotIn(rawssh.MSG_KEX_ECDH_REPLY, types)

    def test_kexinit_flood_before_auth_is_cut(self):
        c = hostile.with_keys(SERVER.port)
        sent = sum(1 for _ in range(500)
                   if hostile.safe_send(c, rawssh.kexinit(["curve25519-sha256"])))
        malformed(sent)
        self.assert_cut(c)

    def test_kexinit_flood_after_auth_is_cut(self):
        c = hostile.login(SERVER)
        sent = sum(1 for _ in range(500)
                   if hostile.safe_send(c, rawssh.kexinit(["curve25519-sha256"])))
        malformed(max(sent - 1, 0))
        types, _ = self.assert_cut(c)
        self.assertLessEqual(types.count(rawssh.MSG_KEXINIT), 1)

    def test_rekey_storm_after_auth_completes_and_stays_small(self):
        c = hostile.login(SERVER)
        try:
            pid = max(SERVER.child_pids())
            before = hostile.rss_kib(pid)
            for _ in range(40):
                hostile.rekey(c)
            self.assert_alive(c)
            grown = hostile.rss_kib(pid) - before
            print(f"rekey storm: 40 re-exchanges, child RSS grew {grown} KiB", flush=True)
            self.assertLess(grown, 16 * 1024)
        finally:
            c.close()


class Identification(Base):
    def exchange(self, data, read_timeout=PROMPT):
        """Sends raw bytes first thing; returns (bytes received, saw EOF)."""
        s = socket.create_connection(("127.0.0.1", SERVER.port), timeout=PROMPT)
        try:
            s.sendall(data)
            got, eof = b"", False
            deadline = time.monotonic() + read_timeout
            s.settimeout(0.5)
            while time.monotonic() < deadline:
                try:
                    b = s.recv(65536)
                except socket.timeout:
                    if b"\n" in got and len(got) > 400:
                        break  # identification and KEXINIT arrived
                    continue
                except OSError:
                    eof = True
                    break
                if not b:
                    eof = True
                    break
                got += b
            return got, eof
        finally:
            s.close()

    def refused(self, data, why):
        got, eof = self.exchange(data)
        malformed()
        self.assertTrue(eof, f"not cut: {got[:200]!r}")
        self.assertTrue(got.startswith(b"SSH-2.0-Wharf_"), got[:100])
        # The reason as a text line (the KEXINIT queued at connect may come before or after it).
        self.assertRegex(got, b"\r\n[^\r\n]*" + why.encode() + b"[^\r\n]*\r\n")

    def accepted(self, data):
        got, eof = self.exchange(data + b"\r\n" if not data.endswith(b"\n") else data, 3.0)
        self.assertIn(b"curve25519-sha256", got, got[:300])

    def test_1024_lines_before_identification_are_tolerated(self):
        self.accepted(b"hello\r\n" * 1024 + b"SSH-2.0-Many_lines\r\n")

    def test_1025_lines_before_identification_are_refused(self):
        self.refused(b"hello\r\n" * 1025 + b"SSH-2.0-Too_many\r\n", "too many lines")

    def test_100000_empty_lines_are_refused(self):
        self.refused(b"\n" * 100000, "too many lines")

    def test_overlong_line_before_identification(self):
        self.refused(b"x" * 100000, "longer than 255")

    def test_identification_without_line_end_running_into_binary(self):
        self.refused(b"SSH-2.0-NoEnd" + os.urandom(300).replace(b"\n", b"_").replace(b"\0", b"_"),
                     "longer than 255")

    def test_nul_in_identification(self):
        self.refused(b"SSH-2.0-a\0b\r\n", "NUL")

    def test_nul_in_line_before_identification(self):
        self.refused(b"hello\0world\r\nSSH-2.0-x\r\n", "NUL")

    def test_identification_of_255_bytes_with_cr_lf_is_accepted(self):
        self.accepted(b"SSH-2.0-" + b"a" * (255 - 8 - 2) + b"\r\n")

    def test_identification_of_256_bytes_is_refused(self):
        self.refused(b"SSH-2.0-" + b"a" * (256 - 8 - 2) + b"\r\n", "longer than 255")

    def test_lf_only_line_end_is_accepted(self):
        self.accepted(b"SSH-2.0-LfOnly\n")

    def test_ssh_1_99_is_accepted_and_completes_kex(self):
        # RFC 4253 section 5.1: 1.99 means "2.0 and compatible with 1.x": a 2.0 server accepts it.
        c = rawssh.RawClient(SERVER.port, ident=b"SSH-1.99-Compat")
        try:
            c.key_exchange()
            hostile.service_request(c)
        finally:
            c.close()

    def test_other_versions_are_refused(self):
        for ident, why in [(b"SSH-1.5-Old", "not supported"), (b"SSH-2.1-Future", "not supported"),
                           (b"SSH-3.0-Future", "not supported"),
                           (b"SSH-2.0-", "bad software version"),
                           (b"SSH-2.0", "no software version"),
                           (b"SSH-2.0-\x7fdel", "bad software version"),
                           (b"SSH-2.0-caf\xc3\xa9", "bad software version")]:
            with self.subTest(ident=ident):
                self.refused(ident + b"\r\n", why)


class Channels(Base):
    def setUp(self):
        self.c = hostile.login(SERVER)

    def tearDown(self):
        self.c.close()
        super().tearDown()

    def open(self, window=1 << 20, max_packet=32768, peer_id=7):
        return hostile.open_session(self.c, peer_id, window, max_packet)

    def test_max_packet_0_is_refused(self):
        c = self.c
        c.send(bytes([90]) + sshstr("session") + u32(3) + u32(1 << 20) + u32(0))
        malformed()
        reply = hostile.recv_skipping(c)
        self.assertEqual(reply[0], 92, reply)
        r = rawssh.Reader(reply[1:])
        self.assertEqual((r.u32(), r.u32()), (3, 2))  # SSH_OPEN_CONNECT_FAILED
        self.assert_alive(c)

    def sftp_version_with_max_packet(self, max_packet):
        c = self.c
        ours, _, _ = self.open(max_packet=max_packet)
        hostile.start_sftp(c, ours)
        c.send(hostile.channel_data(ours, hostile.sftp_packet(bytes([1]) + u32(3))))
        data, sizes = b"", []
        while len(data) < 9:
            p = hostile.recv_skipping(c)
            self.assertEqual(p[0], 94, p)
            r = rawssh.Reader(p[1:])
            self.assertEqual(r.u32(), 7)
            chunk = r.string()
            sizes.append(len(chunk))
            data += chunk
        self.assertEqual(data[4], 2)  # SSH_FXP_VERSION
        return sizes

    def test_max_packet_1_gets_one_byte_per_packet(self):
        sizes = self.sftp_version_with_max_packet(1)  # legal, if absurd: not counted
        self.assertEqual(set(sizes), {1})

    def test_max_packet_2_32_minus_1_is_capped_by_the_server(self):
        sizes = self.sftp_version_with_max_packet(0xFFFFFFFF)  # legal: not counted
        self.assertLess(max(sizes), 256 * 1024)
        self.assert_alive(self.c)

    def test_window_adjust_past_2_32_minus_1_is_cut(self):
        ours, _, _ = self.open(window=1000)
        self.c.send(bytes([93]) + u32(ours) + u32(0xFFFFFFFF - 1000))  # exactly 2^32-1: fine
        self.assert_alive(self.c)
        self.c.send(bytes([93]) + u32(ours) + u32(1))
        malformed()
        self.assert_cut(self.c)

    def test_initial_window_2_32_minus_1_then_adjust_is_cut(self):
        ours, _, _ = self.open(window=0xFFFFFFFF)
        self.c.send(bytes([93]) + u32(ours) + u32(0xFFFFFFFF))
        malformed()
        self.assert_cut(self.c)

    def test_data_beyond_the_window_is_cut(self):
        ours, window, max_packet = self.open()
        chunk = b"d" * min(max_packet, 32768)
        sent = 0
        while sent + len(chunk) <= window:
            self.c.send(hostile.channel_data(ours, chunk))
            sent += len(chunk)
        rest = window - sent
        self.c.send(hostile.channel_data(ours, b"e" * (rest + 1)))
        malformed()
        self.assert_cut(self.c)

    def test_unknown_channel_ids_are_cut(self):
        for ident in (1, 5, 0x7FFFFFFF, 0xFFFFFFFF):
            with self.subTest(channel=ident):
                if ident != 1:
                    self.c = hostile.login(SERVER)
                self.open()  # channel 0 exists; the others do not
                self.c.send(hostile.channel_data(ident, b"x"))
                malformed()
                self.assert_cut(self.c)

    def test_closed_channel_id_is_cut(self):
        ours, _, _ = self.open()
        self.c.send(bytes([97]) + u32(ours))
        reply = hostile.recv_skipping(self.c)
        self.assertEqual(reply[0], 97)
        self.assert_alive(self.c)
        self.c.send(bytes([93]) + u32(ours) + u32(1))
        malformed()
        self.assert_cut(self.c)

    def test_10000_channel_opens(self):
        c = self.c
        pid = max(SERVER.child_pids())
        before = hostile.rss_kib(pid)
        batch = b"".join(c.protect(bytes([90]) + sshstr("session") + u32(i) + u32(1 << 20) +
                                   u32(32768)) for i in range(10000))
        c.send_raw(batch)
        malformed(10000 - MAX_SESSIONS)  # beyond MaxSessions
        confirmed, refused = 0, 0
        c.sock.settimeout(30)
        while confirmed + refused < 10000:
            p = hostile.recv_skipping(c)
            if p[0] == 91:
                confirmed += 1
            elif p[0] == 92:
                r = rawssh.Reader(p[1:])
                r.u32()
                self.assertEqual(r.u32(), 4)  # SSH_OPEN_RESOURCE_SHORTAGE
                refused += 1
            else:
                self.fail(f"unexpected message {p[0]}")
        self.assertEqual(confirmed, MAX_SESSIONS)
        self.assertEqual(refused, 10000 - MAX_SESSIONS)
        self.assert_alive(c)
        grown = hostile.rss_kib(pid) - before
        print(f"10000 channel opens: child RSS grew {grown} KiB", flush=True)
        self.assertLess(grown, 32 * 1024)

    def test_extended_data_on_the_sftp_channel_is_dropped(self):
        c = self.c
        ours, window, _ = self.open()
        hostile.start_sftp(c, ours)
        for code in (1, 2, 0xFFFFFFFF):
            c.send(bytes([95]) + u32(ours) + u32(code) + sshstr(b"\0" * 20000))
            malformed()
        sftp = hostile.SftpChannel.__new__(hostile.SftpChannel)
        sftp.c, sftp.ours, sftp.inbuf, sftp.closed = c, ours, b"", False
        sftp.init()  # the SFTP stream was not disturbed
        # Extended data counts against the window like data (RFC 4254 section 5.2).
        big = window
        chunk = b"\0" * 32000
        sent = 0
        while sent <= big:
            if not hostile.safe_send(c, bytes([95]) + u32(ours) + u32(1) + sshstr(chunk)):
                break
            sent += len(chunk)
        malformed()
        # Dropped data is given back at once (WINDOW_ADJUST), so the flood stays legal and the
        # connection stays usable.
        c.sock.settimeout(PROMPT)
        self.assert_alive(c)

    def test_huge_sftp_lengths(self):
        # sftp/server.cc: an oversized frame is answered with SSH_FX_BAD_MESSAGE once its type
        # and request id are in, and its bytes are discarded as they arrive; the session goes on.
        for length in (0xFFFFFFFF, 1 << 31, 256 * 1024 + 1):
            with self.subTest(length=length):
                c = hostile.login(SERVER) if length != 0xFFFFFFFF else self.c
                sftp = hostile.SftpChannel(c)
                c.send(hostile.channel_data(sftp.ours, u32(length) + bytes([17]) + u32(42)))
                malformed()
                reply = sftp.recv_message()
                r = rawssh.Reader(reply[1:])
                self.assertEqual((reply[0], r.u32(), r.u32()), (101, 42, 5), reply)
                if length == 256 * 1024 + 1:
                    # The rest of the frame is skipped, and the stream is in step again.
                    rest = length + 4 - 9
                    while rest > 0:
                        n = min(rest, 30000)
                        c.send(hostile.channel_data(sftp.ours, b"\0" * n))
                        rest -= n
                    sftp.init()
                self.assert_alive(c)
                c.close()

    def test_zero_length_sftp_frame(self):
        sftp = hostile.SftpChannel(self.c)
        self.c.send(hostile.channel_data(sftp.ours, u32(0)))
        malformed()
        reply = sftp.recv_message()
        self.assertEqual((reply[0], reply[5:9]), (101, u32(5)), reply)  # BAD_MESSAGE
        sftp.init()


class UserNames(Base):
    NAMES = [b"..", b"../x", b"a/b", b"~root", b"${HOME}", b"", b"\0", b"de\0mo", b"demo\0",
             b"demo/../demo", b"./demo", b"demo/", b"DEMO", b"demo ", b"root", b"\xff\xfe",
             b"%u", b"*", b"demo\n", b"x" * 65536]

    def test_hostile_user_names_are_refused_with_the_demo_key(self):
        before = tree(SERVER.state.path)
        log_start = len(SERVER.read_log())
        for name in self.NAMES:
            with self.subTest(name=name[:20]):
                c = hostile.with_keys(SERVER.port)
                try:
                    hostile.service_request(c)
                    # The demo user's own key, correctly signed, for the hostile name.
                    c.send(hostile.publickey_request(c.session_id, name, SERVER.demo_key))
                    malformed()
                    reply = hostile.recv_skipping(c, hostile.BACKGROUND | {7})
                    if reply[0] == rawssh.MSG_DISCONNECT:
                        self.assertIn(hostile.disconnect_reason(reply), (2, 15), reply)
                    else:
                        self.assertEqual(reply[0], 51, reply)  # USERAUTH_FAILURE
                        c.send(hostile.userauth_request(name, "none"))
                        self.assertEqual(hostile.recv_skipping(c)[0], 51)
                finally:
                    c.close()
        self.assertEqual(tree(SERVER.state.path), before)
        self.assertNotIn("Accepted", SERVER.read_log()[log_start:])


if __name__ == "__main__":
    wharftest.main()
