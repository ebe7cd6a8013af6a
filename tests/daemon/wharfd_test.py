#!/usr/bin/python3
"""wharfd as a process (issue 2): identification seen by OpenSSH, configuration checking and
dumping, inetd mode behind ProxyCommand, IPv4 and IPv6 listeners, clean stop, bad banners."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
import wharfd  # noqa: E402
import wharftest  # noqa: E402

STATE = None  # one state directory (and so one set of host keys) for the module


def setUpModule():
    global STATE
    STATE = wharfd.make_state_dir()


def tearDownModule():
    import shutil
    shutil.rmtree(STATE, ignore_errors=True)


def run_wharfd(*args, timeout=30):
    return subprocess.run([wharfd.wharfd_binary(), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def write_config(name, text):
    path = os.path.join(wharftest.tmpdir(), name)
    with open(path, "w") as f:
        f.write(text)
    return path


class Identification(unittest.TestCase):
    def test_ssh_vvv_sees_wharf_identification(self):
        with wharfd.Wharfd(state_dir=STATE) as server:
            r = server.ssh("true", extra=["-vvv"])
        self.assertIn("Remote protocol version 2.0, remote software version Wharf_", r.stderr)
        self.assertNotEqual(r.returncode, 0)  # nobody may log in without a key

    def test_old_protocol_version_gets_clear_refusal(self):
        with wharfd.Wharfd(state_dir=STATE) as server:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
                s.sendall(b"SSH-1.5-OldClient\r\n")
                data = read_until_eof(s)
        self.assertTrue(data.startswith(b"SSH-2.0-Wharf_"), data[:40])
        self.assertIn(b"protocol version 1.5 is not supported", data)

    def test_overlong_identification_line_is_refused(self):
        with wharfd.Wharfd(state_dir=STATE) as server:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
                s.sendall(b"SSH-2.0-" + b"a" * 400 + b"\r\n")
                data = read_until_eof(s)
        self.assertIn(b"longer than 255 bytes", data)

    def test_listener_survives_many_bad_clients(self):
        with wharfd.Wharfd(state_dir=STATE) as server:
            for payload in [b"", b"GET / HTTP/1.0\r\n\r\n", b"\x00" * 100, b"SSH-2.0-x\r\n\xff" * 3]:
                with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
                    s.sendall(payload)
                    s.shutdown(socket.SHUT_WR)
                    read_until_eof(s)
            r = server.ssh("true", extra=["-v"])
        self.assertIn("remote software version Wharf_", r.stderr)


def read_until_eof(sock, limit=1 << 20, timeout=15.0):
    sock.settimeout(timeout)
    chunks = []
    total = 0
    while total < limit:
        try:
            b = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not b:
            break
        chunks.append(b)
        total += len(b)
    return b"".join(chunks)


class Configuration(unittest.TestCase):
    def test_check_good_configuration(self):
        path = write_config("good_config", "Port 2222\nListenAddress 127.0.0.1\nLogLevel VERBOSE\n")
        r = run_wharfd("-t", "-f", path)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_debians_stock_sshd_config_passes_the_check(self):
        # The operator's starting point: openssh-server's own /etc/ssh/sshd_config (UsePAM,
        # X11Forwarding, AcceptEnv, ... skipped with a notice; its Subsystem line is served).
        stock = "/etc/ssh/sshd_config"
        r = run_wharfd("-t", "-f", stock)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, rf"{stock}:\d+: UsePAM is ignored: Wharf checks passwords")
        self.assertRegex(r.stderr, rf"{stock}:\d+: X11Forwarding is ignored")
        r = run_wharfd("-T", "-f", stock)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("subsystem sftp /usr/lib/openssh/sftp-server\n", r.stdout)

    def test_check_loads_the_files_the_configuration_names(self):
        # As sshd -t: a missing or open host key, or a bad VirtualUsersFile line, fails the
        # check instead of the start.
        missing = os.path.join(wharftest.tmpdir(), "no_such_host_key")
        path = write_config("missing_key", f"HostKey {missing}\n")
        r = run_wharfd("-t", "-f", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(missing, r.stderr)
        users = write_config("bad_users", "alice::1000:1000:/srv/alice:ok\nbob:no-such-hash\n")
        path = write_config("bad_users_config", f"VirtualUsersFile {users}\n")
        r = run_wharfd("-t", "-f", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"{users}:2:", r.stderr)

    def test_bad_line_names_file_and_line_and_refuses_to_start(self):
        path = write_config("bad_config", "Port 2222\n# comment\nNoSuchKeyword yes\n")
        r = run_wharfd("-t", "-f", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:3:", r.stderr)
        r = run_wharfd("-f", path, "-o", f"StateDirectory={STATE}")
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:3:", r.stderr)

    def test_bad_value_names_line(self):
        path = write_config("bad_value", "Port 2222\n\nPort seventy\n")
        r = run_wharfd("-t", "-f", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:3:", r.stderr)

    def test_dump_shows_effective_values_and_overrides(self):
        r = run_wharfd("-T", "-o", "LoginGraceTime=2m", "-p", "2345")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertIn("port 2345", lines)
        self.assertIn("logingracetime 120", lines)
        self.assertIn("listenaddress 127.0.0.1", " ".join(lines))

    def test_dump_shows_admission_settings(self):
        r = run_wharfd("-T")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        # Defaults: OpenSSH's MaxStartups and net blocks; penalties off unless configured.
        for line in ["maxstartups 10:30:100", "persourcemaxstartups none",
                     "persourcenetblocksize 32:128", "persourcepenalties no"]:
            self.assertIn(line, lines)
        path = write_config("admission_config",
                            "MaxStartups 3:50:9\nPerSourceMaxStartups 2\n"
                            "PerSourceNetBlockSize 24\nPerSourcePenalties authfail:1m\n")
        r = run_wharfd("-T", "-f", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        for line in ["maxstartups 3:50:9", "persourcemaxstartups 2",
                     "persourcenetblocksize 24:128"]:
            self.assertIn(line, lines)
        self.assertIn("persourcepenalties crash:90s authfail:60s noauth:1s", r.stdout)

    def test_bad_admission_values_name_file_and_line(self):
        for bad in ["MaxStartups 10:30", "MaxStartups 20:30:10", "PerSourceMaxStartups 0",
                    "PerSourceNetBlockSize 33", "PerSourceNetBlockSize 24:200",
                    "PerSourcePenalties authfail", "PerSourcePenalties bogus:5s"]:
            with self.subTest(line=bad):
                path = write_config("bad_admission", f"Port 2222\n{bad}\n")
                r = run_wharfd("-t", "-f", path)
                self.assertEqual(r.returncode, 1, bad)
                self.assertIn(f"{path}:2:", r.stderr)

    def test_dump_for_a_connection_applies_match(self):
        path = write_config("match_config",
                            "Port 2222\nMatch User alice Address 10.0.0.0/8\n  SftpReadOnly yes\n")
        r = run_wharfd("-T", "-f", path, "-C", "user=alice,addr=10.1.2.3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("sftpreadonly yes", r.stdout.splitlines())
        r = run_wharfd("-T", "-f", path, "-C", "user=alice,addr=192.0.2.1")
        self.assertIn("sftpreadonly no", r.stdout.splitlines())

    def test_bad_command_line(self):
        r = run_wharfd("-p", "notaport")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage:", r.stderr)


class Process(unittest.TestCase):
    def test_inetd_mode_behind_proxycommand(self):
        proxy = f"{wharfd.wharfd_binary()} -i -o StateDirectory={STATE}"
        r = subprocess.run(["ssh", "-v", *wharfd.SSH_OPTS, "-o", f"ProxyCommand={proxy}",
                            "nobody@wharf-inetd", "true"],
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertIn("remote software version Wharf_", r.stderr)
        self.assertIn("Authentications that can continue: publickey", r.stderr)

    def test_sigterm_stops_cleanly_and_frees_the_port(self):
        server = wharfd.Wharfd(state_dir=STATE).start()
        server.proc.send_signal(signal.SIGTERM)
        self.assertEqual(server.proc.wait(timeout=10), 0)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        self.assertIn("terminating", server.read_log())
        server.stop()

    def test_pid_file_holds_the_listener_pid_and_goes_away_on_stop(self):
        pid_path = os.path.join(STATE, "wharfd.pid")
        server = wharfd.Wharfd(state_dir=STATE, overrides=[f"PidFile={pid_path}"]).start()
        try:
            with open(pid_path) as f:
                self.assertEqual(f.read(), f"{server.proc.pid}\n")
            self.assertEqual(server.ssh("true").returncode, 255)  # a connection child comes and goes
            self.assertTrue(os.path.exists(pid_path))
        finally:
            server.stop()
        self.assertFalse(os.path.exists(pid_path))

    def test_inherited_descriptors_are_closed(self):
        # An fd wharfd inherits would reach every connection process, through chroot and the
        # uid drop: a directory fd leads out of any root.
        fd = os.open("/etc", os.O_RDONLY | os.O_DIRECTORY)
        try:
            with wharfd.Wharfd(state_dir=STATE, pass_fds=(fd,)) as server:
                fds = f"/proc/{server.proc.pid}/fd"
                links = [os.readlink(os.path.join(fds, n)) for n in os.listdir(fds)]
                self.assertTrue(any(link.startswith("socket:") for link in links), links)
                self.assertNotIn("/etc", links)
        finally:
            os.close(fd)

    def test_state_directory_others_could_replace_is_refused(self):
        # Host keys live there, and the demo's files are made there as root.
        base = tempfile.mkdtemp(prefix="unsafe-", dir=wharfd.safe_base())
        try:
            state = os.path.join(base, "state")
            os.mkdir(state, 0o700)
            os.chmod(base, 0o777)  # anyone could rename "state" away and put their own there
            server = wharfd.Wharfd(state_dir=state)
            with self.assertRaises(RuntimeError) as e:
                server.start()
            self.assertIn(f"{base} is writable by group or others", str(e.exception))
            os.chmod(base, 0o755)
            if os.geteuid() == 0:  # owned by another account: its owner plants keys or links
                os.chown(state, 65534, 65534)
                with self.assertRaises(RuntimeError) as e:
                    wharfd.Wharfd(state_dir=state).start()
                self.assertIn("is owned by uid 65534", str(e.exception))
                os.chown(state, 0, 0)
            with wharfd.Wharfd(state_dir=state) as server:  # the same, made safe: it starts
                self.assertIn("ready", server.read_log())
        finally:
            shutil.rmtree(base, ignore_errors=True)

    def test_host_key_others_can_read_is_refused(self):
        key = os.path.join(wharftest.tmpdir(), "open_host_key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True,
                       capture_output=True, timeout=60)
        os.chmod(key, 0o644)
        server = wharfd.Wharfd(state_dir=STATE, overrides=[f"HostKey={key}"])
        with self.assertRaises(RuntimeError) as e:
            server.start()
        self.assertIn(f"HostKey {key}: permissions 0644 are too open", str(e.exception))
        os.chmod(key, 0o600)
        with wharfd.Wharfd(state_dir=STATE, overrides=[f"HostKey={key}"]) as server:
            self.assertIn("Host key: 256 SHA256:", server.read_log())

    def test_unwritable_pid_file_is_logged_and_the_server_runs(self):
        pid_path = os.path.join(STATE, "no-such-dir", "wharfd.pid")
        with wharfd.Wharfd(state_dir=STATE, overrides=[f"PidFile={pid_path}"]) as server:
            self.assertIn(f'Couldn\'t create pid file "{pid_path}"', server.read_log())
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
                s.settimeout(10)
                self.assertTrue(s.recv(64).startswith(b"SSH-2.0-Wharf_"))

    def test_listens_on_ipv4_and_ipv6(self):
        if not socket.has_ipv6:
            self.skipTest("no IPv6 on this machine")
        try:
            probe = socket.socket(socket.AF_INET6)
            probe.bind(("::1", 0))
            probe.close()
        except OSError:
            self.skipTest("no ::1 on this machine")
        server = wharfd.Wharfd(state_dir=STATE, config_text="ListenAddress 127.0.0.1\n"
                               "ListenAddress ::1\n")
        with server:
            for host in ("127.0.0.1", "::1"):
                with socket.create_connection((host, server.port), timeout=10) as s:
                    s.settimeout(10)
                    self.assertTrue(s.recv(64).startswith(b"SSH-2.0-Wharf_"), host)

    def test_listen_address_may_be_a_host_name(self):
        # As in sshd_config: "localhost" is resolved and each of its addresses listened on.
        with wharfd.Wharfd(state_dir=STATE, config_text="ListenAddress localhost\n") as server:
            self.assertIn("Server listening on 127.0.0.1 port", server.read_log())
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
                s.settimeout(10)
                self.assertTrue(s.recv(64).startswith(b"SSH-2.0-Wharf_"))
        # (An unresolvable name is not tried: resolving it would query DNS off this machine.)

    def test_many_connections_at_once_each_get_a_child(self):
        with wharfd.Wharfd(state_dir=STATE) as server:
            procs = [subprocess.Popen(["ssh", "-v", "-p", str(server.port), *wharfd.SSH_OPTS,
                                       "nobody@127.0.0.1", "true"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      stdin=subprocess.DEVNULL, text=True)
                     for _ in range(8)]
            outputs = [p.communicate(timeout=60)[1] for p in procs]
        for out in outputs:
            self.assertIn("Authentications that can continue", out)

    def test_login_grace_time_cuts_a_silent_client(self):
        with wharfd.Wharfd(state_dir=STATE, overrides=["LoginGraceTime=2"]) as server:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
                start = time.monotonic()
                data = read_until_eof(s, timeout=20)
                took = time.monotonic() - start
        self.assertTrue(data.startswith(b"SSH-2.0-Wharf_"))
        self.assertGreater(took, 1.5)
        self.assertLess(took, 10)


if __name__ == "__main__":
    wharftest.main()
