#!/usr/bin/python3
"""The connection protocol against real clients (OpenSSH ssh/sftp/scp, paramiko) through a real
wharfd and its demo user: SFTP and SCP work, everything else is refused the way RFC 4254 and
issue 4 say, MaxSessions and ClientAliveInterval are enforced."""

import filecmp
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
import wharftest  # noqa: E402
import wharfd  # noqa: E402

import paramiko  # noqa: E402

SERVER = None
REFUSAL = "This service allows sftp and scp only.\r\n"


def setUpModule():
    global SERVER
    SERVER = wharfd.Wharfd(overrides=["MaxSessions=3"]).start()


def tearDownModule():
    SERVER.cleanup()


def key_path(server):
    return os.path.join(server.state_dir, "demo_key")


def ssh_opts(server):
    return ["-p", str(server.port), *wharfd.SSH_OPTS, "-i", key_path(server)]


def run(cmd, timeout=60, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)


def scratch(name, size):
    path = os.path.join(wharftest.tmpdir(), name)
    with open(path, "wb") as f:
        f.write(os.urandom(size))
    return path


def paramiko_client(server):
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", port=server.port, username="demo", key_filename=key_path(server),
                   look_for_keys=False, allow_agent=False, timeout=15)
    return client


class OpenSSHClients(unittest.TestCase):
    def test_sftp_put_and_get_a_file_larger_than_the_windows(self):
        src = scratch("sftp_src.bin", 9 * 1024 * 1024 + 123)
        back = os.path.join(wharftest.tmpdir(), "sftp_back.bin")
        batch = f"put {src} big.bin\nget big.bin {back}\n"
        r = run(["sftp", "-P", str(SERVER.port), *wharfd.SSH_OPTS, "-i", key_path(SERVER),
                 "-b", "-", "demo@127.0.0.1"], input=batch.encode())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(filecmp.cmp(src, back, shallow=False))
        self.assertTrue(filecmp.cmp(src, os.path.join(SERVER.state_dir, "drop", "big.bin"),
                                    shallow=False))

    def test_legacy_scp_upload_and_download(self):
        src = scratch("scp_src.bin", 3 * 1024 * 1024 + 7)
        back = os.path.join(wharftest.tmpdir(), "scp_back.bin")
        base = ["scp", "-O", "-P", str(SERVER.port), *wharfd.SSH_OPTS, "-i", key_path(SERVER)]
        r = run(base + [src, "demo@127.0.0.1:scp.bin"])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run(base + ["demo@127.0.0.1:scp.bin", back])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(filecmp.cmp(src, back, shallow=False))

    def test_exec_is_refused_with_message_and_exit_status(self):
        r = run(["ssh", *ssh_opts(SERVER), "demo@127.0.0.1", "id"], stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.decode(), REFUSAL)
        self.assertEqual(r.stdout, b"")

    def test_shell_is_refused_with_message_and_exit_status(self):
        r = run(["ssh", "-T", *ssh_opts(SERVER), "demo@127.0.0.1"], input=b"echo hi\n")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.decode(), REFUSAL)

    def test_forced_pty_fails(self):
        r = run(["ssh", "-tt", *ssh_opts(SERVER), "demo@127.0.0.1"], stdin=subprocess.DEVNULL)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"PTY allocation request failed", r.stderr + r.stdout)


class ParamikoClient(unittest.TestCase):
    def setUp(self):
        self.client = paramiko_client(SERVER)
        self.transport = self.client.get_transport()

    def tearDown(self):
        self.client.close()

    def test_direct_tcpip_is_administratively_prohibited(self):
        with self.assertRaises(paramiko.ChannelException) as cm:
            self.transport.open_channel("direct-tcpip", ("127.0.0.1", 22), ("127.0.0.1", 4000))
        self.assertEqual(cm.exception.code, 1)
        with self.assertRaises(paramiko.ChannelException) as cm:
            self.transport.open_channel("x11", src_addr=("127.0.0.1", 6000))
        self.assertEqual(cm.exception.code, 1)

    def test_global_requests_are_refused(self):
        self.assertIsNone(self.transport.global_request("keepalive@openssh.com", wait=True))
        with self.assertRaises(paramiko.SSHException):
            self.transport.request_port_forward("127.0.0.1", 0)
        # The connection is still fine afterwards.
        sftp = self.client.open_sftp()
        self.assertIsInstance(sftp.listdir("."), list)
        sftp.close()

    def test_pty_request_fails(self):
        chan = self.transport.open_session()
        with self.assertRaises(paramiko.SSHException):
            chan.get_pty()
        chan.close()

    def test_max_sessions(self):
        chans = [self.transport.open_session() for _ in range(3)]
        with self.assertRaises(paramiko.ChannelException) as cm:
            self.transport.open_session()
        self.assertEqual(cm.exception.code, 4)  # resource shortage
        chans[0].close()
        deadline = time.monotonic() + 10
        while True:  # the slot frees once our CLOSE and the server's have both gone by
            try:
                chans[0] = self.transport.open_session()
                break
            except paramiko.ChannelException:
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.05)
        for c in chans:
            c.close()

    def test_exec_exit_status_and_stderr(self):
        chan = self.transport.open_session()
        chan.exec_command("uname -a")
        self.assertEqual(chan.recv_exit_status(), 1)
        self.assertEqual(chan.makefile_stderr().read().decode(), REFUSAL)
        self.assertEqual(chan.makefile().read(), b"")
        chan.close()

    def test_sftp_subsystem_and_exit_status(self):
        chan = self.transport.open_session()
        chan.invoke_subsystem("sftp")
        sftp = paramiko.SFTPClient(chan)
        with sftp.open("p.txt", "w") as f:
            f.write(b"paramiko")
        with sftp.open("p.txt", "r") as f:
            self.assertEqual(f.read(), b"paramiko")
        chan.shutdown_write()  # EOF: the SFTP server ends with exit status 0
        self.assertEqual(chan.recv_exit_status(), 0)
        chan.close()


class ClientAlive(unittest.TestCase):
    def test_unresponsive_client_is_dropped(self):
        server = wharfd.Wharfd(overrides=["ClientAliveInterval=1", "ClientAliveCountMax=2"])
        server.start()
        try:
            proc = subprocess.Popen(["ssh", "-N", *ssh_opts(server), "demo@127.0.0.1"],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            try:
                deadline = time.monotonic() + 20
                while "Accepted publickey" not in server.read_log():
                    self.assertLess(time.monotonic(), deadline, server.read_log())
                    time.sleep(0.1)
                # An answering client stays connected across several intervals.
                time.sleep(3.5)
                self.assertIsNone(proc.poll())
                self.assertNotIn("not responding", server.read_log())
                # A client that stops answering is dropped after 1 + 2 intervals.
                proc.send_signal(signal.SIGSTOP)
                deadline = time.monotonic() + 15
                while "not responding" not in server.read_log():
                    self.assertLess(time.monotonic(), deadline, server.read_log())
                    time.sleep(0.2)
                proc.send_signal(signal.SIGCONT)
                self.assertEqual(proc.wait(timeout=15), 255)
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGCONT)
                    proc.kill()
                    proc.wait()
        finally:
            server.cleanup()


if __name__ == "__main__":
    wharftest.main()
