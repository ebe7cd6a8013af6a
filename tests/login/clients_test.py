#!/usr/bin/python3
"""Other clients and pre-authentication attacks (issue 4): paramiko opening a session or forging
USERAUTH_SUCCESS (message 52) before authentication is cut off; paramiko publickey logins with
SFTP get/put; PuTTY plink and psftp with keys converted by puttygen and -hostkey; rclone copy,
check, move and purge; asyncssh across rekeys with compression, and its SYMLINK order; curl
(libssh2) SFTP with quote commands, and its scp uploads, which end with EOF instead of a status
byte; WinSCP's and Node ssh2's SYMLINK order; lftp's mirror and resume; libssh, whose cipher
list ends with a comma and whose SYMLINK is in the draft's order; Twisted Conch's cftp;
Dropbear's dbclient as the transport under OpenSSH's sftp; JSch (Java);
python's scp module."""

import os
import re
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

M = {}


def setUpModule():
    area = login.open_site(M)
    M["keys"] = {"ed25519": area.key("ed25519"), "ecdsa": area.key("ecdsa", 384),
                 "rsa": area.key("rsa", 2048)}
    # JSch 0.1.5x reads only PEM keys, and signs RSA with SHA-1 (refused, as by sshd 8.8+).
    M["keys"]["jsch"] = os.path.join(area.keys, "jsch_ecdsa_pem")
    login.check(["ssh-keygen", "-q", "-N", "", "-t", "ecdsa", "-b", "256", "-m", "PEM", "-f",
                 M["keys"]["jsch"]])
    M["config"] = login.one_user(M, "clt", (65000, 65499), M["keys"].values())
    M["server"] = login.start(M["state"], M["config"])


def tearDownModule():
    login.close_site(M)
    login.summary("paramiko: open_session and forged message 52 before auth (after KEX and "
                  "after a failed auth), publickey login + SFTP get/put x3 key types; PuTTY "
                  "psftp upload/download and plink exec refusal with puttygen keys and "
                  "-hostkey; rclone copy up/down (3 MiB, mtimes), check, moveto, purge; "
                  "asyncssh put/get across rekeys with zlib, SYMLINK in draft order; "
                  "curl/libssh2 sftp put/get/range/list/quote commands and scp put "
                  "(EOF-terminated)/get/missing file; WinSCP's and Node ssh2's SYMLINK order "
                  "(paramiko with their identifications); lftp mirror -R with mtimes and rerun, "
                  "reput, get, mv, rm -r; libssh (ctypes) put/get/rename/symlink/readlink/unlink/"
                  "rmdir and a wrong host key refused; Twisted Conch cftp put/get/chmod/rename/"
                  "mkdir; Dropbear dbclient under sftp, 3 ciphers, 6 MiB each way, RekeyLimit 1M; "
                  "JSch 0.1.54 sftp/scp with the README's ECDH and ECDSA lines, refused without; "
                  "python scp module put/get -r with mtimes (T records without -p); scp -O and "
                  "curl scp uploads onto read-only, root-owned and missing-directory targets fail; "
                  "chrooted REALPATH through a symlink (cd link/..)")


def make_tree(name, files, mtime):
    """A local directory `name` (under the test's tmpdir) holding `files` ({relative path:
    bytes}), every file with the given mtime. Returns its path."""
    src = os.path.join(wharftest.tmpdir(), name)
    for rel, data in files.items():
        path = os.path.join(src, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (mtime, mtime))
    return src


def forge(transport, payload):
    import paramiko
    m = paramiko.Message()
    m.add_bytes(payload)
    transport._send_user_message(m)


class PreAuth(unittest.TestCase):
    def setUp(self):
        self.mark = len(M["server"].read_log())

    def assertCut(self, t):
        self.assertIsNotNone(login.wait_inactive(t, 15), "connection not ended")
        self.assertTrue(login.log_lines_since(M["server"], self.mark,
                                              r"message \d+ is not allowed before authentication"))

    def test_open_session_right_after_kex(self):
        import paramiko
        t = login.paramiko_transport(M["server"])
        try:
            with self.assertRaises(paramiko.SSHException):
                t.open_session(timeout=15)
            self.assertCut(t)
        finally:
            t.close()

    def test_open_session_after_failed_auth(self):
        import paramiko
        t = login.paramiko_transport(M["server"])
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_publickey("nobody-" + M["user"], login.paramiko_key(M["keys"]["rsa"]))
            self.assertTrue(t.is_active())
            with self.assertRaises(paramiko.SSHException):
                t.open_session(timeout=15)
            self.assertCut(t)
        finally:
            t.close()

    def test_forged_userauth_success_right_after_kex(self):
        import paramiko
        t = login.paramiko_transport(M["server"])
        try:
            forge(t, bytes([52]))
            self.assertCut(t)
            with self.assertRaises(paramiko.SSHException):
                t.open_session(timeout=5)
        finally:
            t.close()

    def test_forged_userauth_success_during_auth(self):
        import paramiko
        t = login.paramiko_transport(M["server"])
        try:
            with self.assertRaises(paramiko.AuthenticationException):
                t.auth_publickey(M["user"], login.paramiko_key(login.keygen(
                    M["area"].keys, login.unique_name("unauthorized"), "ed25519")))
            forge(t, bytes([52]))
            self.assertCut(t)
            self.assertFalse(t.is_authenticated())
        finally:
            t.close()

    def test_forged_channel_data_before_auth(self):
        t = login.paramiko_transport(M["server"])
        try:
            forge(t, bytes([94]) + (0).to_bytes(4, "big") + (4).to_bytes(4, "big") + b"ls\r\n")
            self.assertCut(t)
        finally:
            t.close()


def userauth_request(user, service="ssh-connection", method="none"):
    """SSH_MSG_USERAUTH_REQUEST (RFC 4252 section 5) as raw payload bytes."""
    def string(v):
        v = v.encode()
        return len(v).to_bytes(4, "big") + v
    return bytes([50]) + string(user) + string(service) + string(method)


class RequestDiscipline(unittest.TestCase):
    """Requests sent straight after one paramiko auth call (so the service stays accepted)."""

    def setUp(self):
        import paramiko
        self.mark = len(M["server"].read_log())
        self.t = login.paramiko_transport(M["server"])
        with self.assertRaises(paramiko.AuthenticationException):
            self.t.auth_publickey(M["user"], login.paramiko_key(login.keygen(
                M["area"].keys, login.unique_name("unauthorized"), "ed25519")))
        self.assertTrue(self.t.is_active())

    def tearDown(self):
        self.t.close()

    def test_changing_user_during_authentication_ends_the_connection(self):
        forge(self.t, userauth_request("other-" + M["user"]))
        self.assertIsNotNone(login.wait_inactive(self.t, 15), "connection not ended")
        self.assertTrue(login.log_lines_since(M["server"], self.mark, r"changed during auth"))

    def test_changing_service_during_authentication_ends_the_connection(self):
        forge(self.t, userauth_request(M["user"], service="ssh-userauth"))
        self.assertIsNotNone(login.wait_inactive(self.t, 15), "connection not ended")

    def test_none_requests_after_the_first_count(self):
        # The failed publickey of setUp counted once; as in sshd, later "none" requests count too.
        for _ in range(4):
            forge(self.t, userauth_request(M["user"]))
        time.sleep(1)
        self.assertTrue(self.t.is_active())  # 5 failures: under the default MaxAuthTries of 6
        forge(self.t, userauth_request(M["user"]))
        self.assertIsNotNone(login.wait_inactive(self.t, 15), "not cut at the sixth failure")
        self.assertTrue(login.log_lines_since(M["server"], self.mark,
                                              r"Too many authentication failures"))

    def test_requests_are_capped_whatever_maxauthtries_allows(self):
        import paramiko
        with login.server(M["state"], M["config"], ["MaxAuthTries=1000"]) as server:
            t = login.paramiko_transport(server)
            try:
                with self.assertRaises(paramiko.BadAuthenticationType):
                    t.auth_none(M["user"])
                for _ in range(20):
                    forge(t, userauth_request(M["user"]))
                time.sleep(1)
                self.assertTrue(t.is_active())  # 21 requests: under the cap of 64
                for _ in range(60):
                    if not t.is_active():
                        break
                    try:
                        forge(t, userauth_request(M["user"]))
                    except (EOFError, OSError):
                        break  # the server already closed the socket
                self.assertIsNotNone(login.wait_inactive(t, 15), "not cut after 80 requests")
            finally:
                t.close()
            self.assertIn("too many authentication requests", server.read_log())


class Paramiko(unittest.TestCase):
    def sftp_roundtrip(self, kind):
        import paramiko
        t = login.paramiko_transport(M["server"])
        try:
            t.auth_publickey(M["user"], login.paramiko_key(M["keys"][kind]))
            self.assertTrue(t.is_authenticated())
            sftp = paramiko.SFTPClient.from_transport(t)
            self.assertEqual(sftp.normalize("."), "/")
            local = os.path.join(wharftest.tmpdir(), f"pm-{kind}.bin")
            data = os.urandom(300000)
            with open(local, "wb") as f:
                f.write(data)
            sftp.put(local, f"pm-{kind}.bin")
            back = local + ".back"
            sftp.get(f"pm-{kind}.bin", back)
            with open(back, "rb") as f:
                self.assertEqual(f.read(), data)
            dest = os.path.join(M["root"], f"pm-{kind}.bin")
            with open(dest, "rb") as f:
                self.assertEqual(f.read(), data)
            self.assertEqual(os.stat(dest).st_uid, M["uid"])
            self.assertEqual(sorted(sftp.listdir("hostetc")), ["marker-inner.txt"])
            sftp.close()
        finally:
            t.close()

    def test_paramiko_ed25519_sftp_get_put(self):
        self.sftp_roundtrip("ed25519")

    def test_paramiko_ecdsa_sftp_get_put(self):
        self.sftp_roundtrip("ecdsa")

    def test_paramiko_rsa_sftp_get_put(self):
        self.sftp_roundtrip("rsa")


class Putty(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ppk = M["keys"]["ed25519"] + ".ppk"
        login.check(["puttygen", M["keys"]["ed25519"], "-O", "private", "-o", cls.ppk])
        cls.hostkeys = []
        for name in ("ssh_host_ed25519_key", "ssh_host_ecdsa_key", "ssh_host_rsa_key"):
            cls.hostkeys += ["-hostkey", login.host_fingerprint(M["state"], name)]

    def test_psftp_upload_and_download(self):
        local = os.path.join(wharftest.tmpdir(), "putty-up.txt")
        with open(local, "w") as f:
            f.write("from psftp\n")
        batch = os.path.join(wharftest.tmpdir(), "psftp-batch")
        with open(batch, "w") as f:
            f.write(f"pwd\nput {local} putty-up.txt\nget marker-root.txt {local}.back\n")
        r = login.run(["psftp", "-batch", "-bc", "-be", *self.hostkeys, "-P",
                       str(M["server"].port), "-i", self.ppk, "-b", batch,
                       f"{M['user']}@127.0.0.1"], timeout=90)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Remote directory is /", r.stdout)
        with open(os.path.join(M["root"], "putty-up.txt")) as f:
            self.assertEqual(f.read(), "from psftp\n")
        with open(local + ".back") as f:
            self.assertEqual(f.read(), "root marker\n")

    def test_plink_login_then_exec_refused(self):
        r = login.run(["plink", "-batch", "-ssh", *self.hostkeys, "-P", str(M["server"].port),
                       "-i", self.ppk, f"{M['user']}@127.0.0.1", "ls"], timeout=90)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(login.REFUSAL, r.stderr)

    def test_plink_wrong_hostkey_refused(self):
        r = login.run(["plink", "-batch", "-ssh", "-hostkey",
                       "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "-P",
                       str(M["server"].port), "-i", self.ppk, f"{M['user']}@127.0.0.1", "ls"],
                      timeout=90)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn(login.REFUSAL, r.stderr)


class Rclone(unittest.TestCase):
    """rclone (Go's pkg/sftp): its uploads send bytes after each WRITE's data, which sftp-server
    ignores; it probes for md5sum/sha1sum over exec, which Wharf refuses, and must cope."""

    @classmethod
    def setUpClass(cls):
        tmp = wharftest.tmpdir()
        cls.known = os.path.join(tmp, "rclone-known-hosts")
        with open(cls.known, "w") as known:
            for kind in ("ed25519", "ecdsa", "rsa"):
                with open(os.path.join(M["state"], f"ssh_host_{kind}_key.pub")) as f:
                    key = " ".join(f.read().split()[:2])
                known.write(f"[127.0.0.1]:{M['server'].port} {key}\n")
        cls.conf = os.path.join(tmp, "rclone.conf")
        with open(cls.conf, "w") as f:
            f.write(f"[w]\ntype = sftp\nhost = 127.0.0.1\nport = {M['server'].port}\n"
                    f"user = {M['user']}\nkey_file = {M['keys']['ed25519']}\n"
                    f"known_hosts_file = {cls.known}\n")

    def rclone(self, *args):
        r = login.run(["rclone", "--config", self.conf, "--contimeout", "20s", "--timeout",
                       "60s", "--retries", "1", "--low-level-retries", "1", *args], timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout + r.stderr

    def test_rclone_copy_up_and_down_keeps_bytes_and_mtime(self):
        tmp = wharftest.tmpdir()
        files = {"big.bin": os.urandom(3 * 1024 * 1024 + 4321), "sub/small.txt": b"small\n"}
        src = make_tree("rc-src", files, 1500000000)
        self.rclone("copy", src, "w:rc")
        for name, data in files.items():
            path = os.path.join(M["root"], "rc", name)
            with open(path, "rb") as f:
                self.assertEqual(f.read(), data, name)
            self.assertEqual(int(os.stat(path).st_mtime), 1500000000, name)
        self.assertIn("0 differences found", self.rclone("check", src, "w:rc"))
        back = os.path.join(tmp, "rc-back")
        self.rclone("copy", "w:rc", back)
        for name, data in files.items():
            with open(os.path.join(back, name), "rb") as f:
                self.assertEqual(f.read(), data, name)
        self.rclone("moveto", "w:rc/sub/small.txt", "w:rc/moved.txt")
        self.assertTrue(os.path.exists(os.path.join(M["root"], "rc", "moved.txt")))
        self.rclone("purge", "w:rc")
        self.assertFalse(os.path.exists(os.path.join(M["root"], "rc")))


class AsyncSsh(unittest.TestCase):
    """asyncssh: its own SSH and SFTP code. It rekeys (here after every MiB) while it keeps
    sending channel data, with zlib@openssh.com compression restarted at each NEWKEYS, and it
    sends SYMLINK in the draft's argument order to a server that is not OpenSSH."""

    def run_client(self, body):
        import asyncio
        import asyncssh

        async def main():
            async with asyncssh.connect(
                    "127.0.0.1", M["server"].port, username=M["user"],
                    client_keys=[M["keys"]["ed25519"]], known_hosts=None,
                    compression_algs=["zlib@openssh.com"], rekey_bytes=1 << 20) as conn:
                async with conn.start_sftp_client() as sftp:
                    return await body(sftp)
        return asyncio.run(asyncio.wait_for(main(), 90))

    def test_asyncssh_transfers_across_rekeys_with_compression(self):
        local = os.path.join(wharftest.tmpdir(), "as-up.bin")
        data = os.urandom(3 << 20) + b"text " * 200000  # random and compressible
        with open(local, "wb") as f:
            f.write(data)

        async def body(sftp):
            await sftp.put(local, "as-up.bin")
            await sftp.get("as-up.bin", local + ".back")
        self.run_client(body)
        with open(os.path.join(M["root"], "as-up.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        with open(local + ".back", "rb") as f:
            self.assertEqual(f.read(), data)

    def test_asyncssh_symlink_is_never_reversed(self):
        async def body(sftp):
            try:
                await sftp.symlink("as-target.txt", "as-link")
                return None
            except Exception as e:  # noqa: BLE001 - the refusal is an outcome
                return e
        error = self.run_client(body)
        link = os.path.join(M["root"], "as-link")
        # The reversed order would make a link named as-target.txt.
        self.assertFalse(os.path.lexists(os.path.join(M["root"], "as-target.txt")))
        if error is None:
            self.assertTrue(os.readlink(link).endswith("as-target.txt"), os.readlink(link))
        else:
            self.assertIn("ermission", str(error))  # asyncssh sends absolute targets
            self.assertFalse(os.path.lexists(link))


class Lftp(unittest.TestCase):
    """lftp: its own SFTP code over the ssh binary (sftp:connect-program). Uploads, downloads,
    `mirror -R` with mtimes and a rerun that must skip what is unchanged, and `reput`, which
    resumes a partial upload from the server's size."""

    def lftp(self, *commands):
        ssh = " ".join(["ssh", "-a", "-x", *login.CLIENT_OPTS, *login.BATCH, "-i",
                        M["keys"]["ed25519"]])
        script = [f'set sftp:connect-program "{ssh}"', "set net:max-retries 1",
                  "set net:timeout 30", f"open -u {M['user']}, -p {M['server'].port} "
                  "sftp://127.0.0.1", *commands]
        r = login.run(["lftp", "-c", "; ".join(script)], timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def test_lftp_put_get_mirror_and_resume(self):
        tmp = wharftest.tmpdir()
        files = {"big.bin": os.urandom(3 * 1024 * 1024 + 11), "sub/a.txt": b"lftp\n"}
        src = make_tree("lf-src", files, 1400000000)
        out = self.lftp("mkdir -p lf", f"mirror -R --verbose=1 {src} lf/tree")
        self.assertIn("Transferring file", out)
        for name, data in files.items():
            path = os.path.join(M["root"], "lf", "tree", name)
            with open(path, "rb") as f:
                self.assertEqual(f.read(), data, name)
            self.assertEqual(int(os.stat(path).st_mtime), 1400000000, name)
        out = self.lftp(f"mirror -R --verbose=1 {src} lf/tree")
        self.assertNotIn("Transferring file", out)  # nothing changed, nothing sent
        # reput: the server holds the first MiB; lftp sends only the rest.
        whole = files["big.bin"]
        partial = os.path.join(M["root"], "lf", "resumed.bin")
        with open(partial, "wb") as f:
            f.write(whole[:1 << 20])
        os.chown(partial, M["uid"], M["uid"])
        self.lftp(f"reput {src}/big.bin -o lf/resumed.bin")
        with open(partial, "rb") as f:
            self.assertEqual(f.read(), whole)
        back = os.path.join(tmp, "lf-back.bin")
        self.lftp(f"get lf/resumed.bin -o {back}", "mv lf/resumed.bin lf/moved.bin",
                  "rm -r lf/tree")
        with open(back, "rb") as f:
            self.assertEqual(f.read(), whole)
        self.assertEqual(os.listdir(os.path.join(M["root"], "lf")), ["moved.bin"])


class Libssh(unittest.TestCase):
    """libssh (KDE's kio, Remmina, ansible-pylibssh) through ctypes: its own SSH and SFTP code.
    Its sftp_symlink sends the draft's order to a server whose banner is not OpenSSH's."""

    def client(self):
        import libssh_client
        return libssh_client.Client(M["server"].port, M["user"], M["keys"]["ed25519"],
                                    login.host_fingerprint(M["state"]))

    def test_libssh_put_get_rename_and_symlink(self):
        data = os.urandom(700000)
        c = self.client()
        try:
            c.mkdir("/ls")
            c.put("/ls/up.bin", data)
            self.assertEqual(c.get("/ls/up.bin"), data)
            c.rename("/ls/up.bin", "/ls/moved.bin")
            c.symlink("moved.bin", "/ls/link")
            self.assertEqual(c.readlink("/ls/link"), "moved.bin")
            self.assertEqual(c.get("/ls/link"), data)
        finally:
            c.close()
        with open(os.path.join(M["root"], "ls", "moved.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.readlink(os.path.join(M["root"], "ls", "link")), "moved.bin")
        c = self.client()
        try:
            c.unlink("/ls/link")
            c.unlink("/ls/moved.bin")
            c.rmdir("/ls")
        finally:
            c.close()
        self.assertFalse(os.path.exists(os.path.join(M["root"], "ls")))

    def test_libssh_refuses_a_wrong_host_key(self):
        import libssh_client
        with self.assertRaisesRegex(OSError, "fingerprint mismatch"):
            libssh_client.Client(M["server"].port, M["user"], M["keys"]["ed25519"],
                                 "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")


class TwistedConch(unittest.TestCase):
    """Twisted Conch's cftp: an SSH transport and SFTP client of its own (it picks aes256-ctr,
    hmac-sha2-512 and the rsa-sha2-512 host key here). Its known_hosts lines name the bare host:
    it does not match [host]:port entries."""

    def test_cftp_put_get_chmod_rename_mkdir(self):
        tmp = wharftest.tmpdir()
        known = os.path.join(tmp, "conch-known-hosts")
        with open(known, "w") as out:
            for kind in ("ed25519", "ecdsa", "rsa"):
                with open(os.path.join(M["state"], f"ssh_host_{kind}_key.pub")) as f:
                    out.write("127.0.0.1 " + " ".join(f.read().split()[:2]) + "\n")
        local = os.path.join(tmp, "conch-up.bin")
        data = os.urandom(2 * 1024 * 1024 + 3)
        with open(local, "wb") as f:
            f.write(data)
        batch = os.path.join(tmp, "conch-batch")
        with open(batch, "w") as f:
            # cftp's get takes a bare name (no "/") and its chmod ignores cd: stay at the top.
            f.write(f"put {local} cn-up.bin\nget cn-up.bin {local}.back\n"
                    "chmod 600 cn-up.bin\nrename cn-up.bin cn-moved.bin\nmkdir cn-e\n"
                    "rmdir cn-e\nmkdir cn-made\n")
        r = login.run(["cftp3", "-p", str(M["server"].port), "-i", M["keys"]["ed25519"],
                       "--known-hosts", known, "-b", batch, f"{M['user']}@127.0.0.1"],
                      timeout=90, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # cftp exits 0 even when its batch stops at a failure: the files tell.
        moved = os.path.join(M["root"], "cn-moved.bin")
        with open(moved, "rb") as f:
            self.assertEqual(f.read(), data)
        with open(local + ".back", "rb") as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(os.stat(moved).st_mode & 0o777, 0o600)
        self.assertFalse(os.path.exists(os.path.join(M["root"], "cn-up.bin")))
        self.assertFalse(os.path.exists(os.path.join(M["root"], "cn-e")))
        self.assertTrue(os.path.isdir(os.path.join(M["root"], "cn-made")))  # the batch ran on


class Dropbear(unittest.TestCase):
    """Dropbear's dbclient as the SSH transport under OpenSSH's sftp (sftp -S): its own key
    exchange (it sends a guessed first key exchange packet, kexguess2), ciphers and MACs, and
    Wharf's rekeying every MiB under a 6 MiB transfer each way."""

    def test_dbclient_under_sftp_each_cipher_across_server_rekeys(self):
        tmp = wharftest.tmpdir()
        key = os.path.join(tmp, "dropbear-key")
        login.check(["dropbearconvert", "openssh", "dropbear", M["keys"]["ed25519"], key])
        local = os.path.join(tmp, "db-up.bin")
        data = os.urandom(6 * 1024 * 1024 + 9)
        with open(local, "wb") as f:
            f.write(data)
        with login.server(M["state"], M["config"], ["RekeyLimit=1M", "LogLevel=DEBUG"]) as server:
            for cipher, mac in (("chacha20-poly1305@openssh.com", "hmac-sha2-256"),
                                ("aes128-ctr", "hmac-sha2-256"), ("aes256-ctr", "hmac-sha2-256")):
                wrapper = os.path.join(tmp, "dbclient-sftp")
                with open(wrapper, "w") as f:
                    f.write(f"#!/bin/sh\nexec dbclient -y -y -i {key} -c {cipher} -m {mac} "
                            f"-p {server.port} -s {M['user']}@127.0.0.1 sftp\n")
                os.chmod(wrapper, 0o755)
                batch = os.path.join(tmp, "db-batch")
                with open(batch, "w") as f:
                    f.write(f"put {local} db-{cipher}.bin\nget db-{cipher}.bin {local}.back\n")
                r = login.run(["sftp", "-S", wrapper, "-b", batch, "ignored@127.0.0.1"],
                              timeout=120)
                self.assertEqual(r.returncode, 0, cipher + r.stdout + r.stderr)
                with open(os.path.join(M["root"], f"db-{cipher}.bin"), "rb") as f:
                    self.assertEqual(f.read(), data, cipher)
                with open(local + ".back", "rb") as f:
                    self.assertEqual(f.read(), data, cipher)
                os.remove(local + ".back")
            # 12 MiB through each connection: about a dozen key exchanges each.
            self.assertGreater(server.read_log().count("kex: "), 3 * 8)


class Jsch(unittest.TestCase):
    """JSch from Debian (0.1.54; the 0.1.5x line many Java integrations embed) knows neither
    curve25519 nor ed25519: it needs the two lines the README gives (an ECDH key exchange and
    the ECDSA host key), as with any server that offers neither by default."""

    JSCH_OVERRIDES = ["KexAlgorithms=+ecdh-sha2-nistp256", "HostKeyAlgorithms=+ecdsa-sha2-nistp256"]

    def run_jsch(self, server, local):
        known = os.path.join(wharftest.tmpdir(), "jsch-known-hosts")
        with open(os.path.join(M["state"], "ssh_host_ecdsa_key.pub")) as f:
            key = " ".join(f.read().split()[:2])
        with open(known, "w") as f:
            f.write(f"[127.0.0.1]:{server.port} {key}\n")
        return login.run(["java", "-cp", "/usr/share/java/jsch.jar",
                          wharftest.runfile("tests/login/JschClient.java"), str(server.port),
                          M["user"], M["keys"]["jsch"], known, local], timeout=120)

    def test_jsch_sftp_and_scp_with_the_readme_settings(self):
        local = os.path.join(wharftest.tmpdir(), "jsch-up.bin")
        data = os.urandom(1500000)
        with open(local, "wb") as f:
            f.write(data)
        with login.server(M["state"], M["config"], self.JSCH_OVERRIDES) as server:
            r = self.run_jsch(server, local)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("readlink moved.bin", r.stdout)
        self.assertIn("scp exit 0", r.stdout)
        for path in (os.path.join(M["root"], "js", "moved.bin"),
                     os.path.join(M["root"], "js", "scp.bin"), local + ".back"):
            with open(path, "rb") as f:
                self.assertEqual(f.read(), data, path)
        self.assertFalse(os.path.lexists(os.path.join(M["root"], "js", "link")))

    def test_jsch_without_them_fails_negotiation(self):
        local = os.path.join(wharftest.tmpdir(), "jsch-none.bin")
        with open(local, "wb") as f:
            f.write(b"x")
        r = self.run_jsch(M["server"], local)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Algorithm negotiation fail", r.stderr)


class PythonScp(unittest.TestCase):
    """python's scp module (on paramiko; netmiko and many scripts use it): it runs `scp -t`
    without -p even when asked to preserve times, and sends T records all the same."""

    def test_scp_module_recursive_put_and_get_keep_mtimes(self):
        import paramiko
        import scp
        tmp = wharftest.tmpdir()
        files = {"big.bin": os.urandom(1500000), "sub/a.txt": b"scp module\n"}
        src = make_tree("pyscp-src", files, 1300000000)
        t = paramiko.Transport(socket.create_connection(("127.0.0.1", M["server"].port), 20))
        try:
            t.connect(username=M["user"], pkey=login.paramiko_key(M["keys"]["ed25519"]))
            client = scp.SCPClient(t, socket_timeout=30)
            client.put(src, "pyscp", recursive=True, preserve_times=True)
            client.get("pyscp", os.path.join(tmp, "pyscp-back"), recursive=True,
                       preserve_times=True)
            with self.assertRaisesRegex(scp.SCPException, "No such file"):
                client.get("pyscp/missing.bin", os.path.join(tmp, "missing"))
            client.close()
        finally:
            t.close()
        for name, data in files.items():
            for path in (os.path.join(M["root"], "pyscp", name),
                         os.path.join(tmp, "pyscp-back", name)):
                with open(path, "rb") as f:
                    self.assertEqual(f.read(), data, path)
                self.assertEqual(int(os.stat(path).st_mtime), 1300000000, path)


class ScpRefusals(unittest.TestCase):
    """An scp upload the server refuses must fail in the client. scp.c refuses at the C record
    (libssh2 reads no status after the data), and refuses a file the user may not write."""

    def test_refused_uploads_fail_in_openssh_scp_and_curl(self):
        tmp = wharftest.tmpdir()
        local = os.path.join(tmp, "refused.txt")
        with open(local, "w") as f:
            f.write("new content\n")
        ro = os.path.join(M["root"], "ro.txt")
        foreign = os.path.join(M["root"], "foreign.txt")
        for path, mode, owner in ((ro, 0o444, M["uid"]), (foreign, 0o644, 0)):
            with open(path, "w") as f:
                f.write("keep me\n")
            os.chown(path, owner, owner)
            os.chmod(path, mode)
        pin = login.host_fingerprint(M["state"]).removeprefix("SHA256:")
        for target in ("ro.txt", "foreign.txt", "no-such-dir/x.txt"):
            r = login.run(["scp", "-O", *login.CLIENT_OPTS, *login.BATCH, "-P",
                           str(M["server"].port), "-i", M["keys"]["ed25519"], local,
                           f"{M['user']}@127.0.0.1:{target}"], timeout=60)
            self.assertNotEqual(r.returncode, 0, target)
            self.assertRegex(r.stderr, "Permission denied|No such file", target)
            r = login.run(["curl", "-sS", "--max-time", "60", "--hostpubsha256", pin, "-u",
                           M["user"] + ":", "--key", M["keys"]["ed25519"], "--pubkey",
                           M["keys"]["ed25519"] + ".pub", "-T", local,
                           f"scp://127.0.0.1:{M['server'].port}/{target}"], timeout=90)
            self.assertNotEqual(r.returncode, 0, target)  # curl used to report success
        for path, mode, owner in ((ro, 0o444, M["uid"]), (foreign, 0o644, 0)):
            with open(path) as f:
                self.assertEqual(f.read(), "keep me\n")
            st = os.stat(path)
            self.assertEqual((st.st_mode & 0o777, st.st_uid), (mode, owner))
        self.assertFalse(os.path.exists(os.path.join(M["root"], "no-such-dir")))


class ChrootedRealpath(unittest.TestCase):
    """The session is chrooted (no /proc inside): REALPATH must still follow symlinks, so that
    `cd link/..` lands where `ls link/..` looks, as with sftp-server."""

    def test_cd_through_a_symlink_then_up(self):
        os.makedirs(os.path.join(M["root"], "rp", "sub", "deep"), exist_ok=True)
        link = os.path.join(M["root"], "rp", "dl")
        if not os.path.lexists(link):
            os.symlink("sub/deep", link)
        r = login.sftp(M["server"], M["user"], M["keys"]["ed25519"],
                       ["cd rp/dl", "pwd", "cd ..", "pwd"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(re.findall(r"Remote working directory: (\S+)", r.stdout),
                         ["/rp/sub/deep", "/rp/sub"])
        self.assertIn("(chroot)", M["server"].read_log())


class DraftSymlinkOrder(unittest.TestCase):
    """WinSCP and Node's ssh2 module are not on Debian; what they send for a symlink is known
    from their source (WinSCP's TSFTPFileSystem::CreateLink, ssh2's SFTP.symlink): to a server
    whose version does not start with OpenSSH, SYMLINK carries the link path first, then the
    target, as the draft has it. paramiko plays them here: their identification, that order."""

    def symlink_as(self, ident, first, second):
        import paramiko
        sock = socket.create_connection(("127.0.0.1", M["server"].port), timeout=20)
        t = paramiko.Transport(sock)
        if ident:
            t.local_version = ident
        try:
            t.start_client(timeout=20)
            t.auth_publickey(M["user"], login.paramiko_key(M["keys"]["ed25519"]))
            sftp = paramiko.SFTPClient.from_transport(t)
            sftp.symlink(first, second)  # paramiko sends its two arguments in this order
            sftp.close()
        finally:
            t.close()

    def test_winscp_and_node_ssh2_make_the_link_they_asked_for(self):
        for ident, tag in (("SSH-2.0-WinSCP_release_6.1.2", "ws"), ("SSH-2.0-ssh2js1.15.0", "nd")):
            self.symlink_as(ident, f"/{tag}-link", f"{tag}-target.txt")
            self.assertEqual(os.readlink(os.path.join(M["root"], f"{tag}-link")),
                             f"{tag}-target.txt")
            self.assertFalse(os.path.lexists(os.path.join(M["root"], f"{tag}-target.txt")))

    def test_other_clients_keep_openssh_order(self):
        self.symlink_as(None, "pm-target.txt", "/pm-link")  # paramiko's own: target first
        self.assertEqual(os.readlink(os.path.join(M["root"], "pm-link")), "pm-target.txt")


class Curl(unittest.TestCase):
    """curl on libssh2: a third SSH and SFTP implementation, and an scp client of its own (it
    sends `scp -t`/`scp -f` itself). The host key is pinned by its SHA256 fingerprint."""

    def curl(self, scheme, path, *args, expect=0):
        pin = login.host_fingerprint(M["state"]).removeprefix("SHA256:")
        r = login.run(["curl", "-sS", "--connect-timeout", "20", "--max-time", "90",
                       "--hostpubsha256", pin, "-u", M["user"] + ":", "--key",
                       M["keys"]["ed25519"], "--pubkey", M["keys"]["ed25519"] + ".pub", *args,
                       f"{scheme}://127.0.0.1:{M['server'].port}/{path}"], timeout=120)
        self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
        return r

    def test_curl_sftp_upload_download_listing_and_quote_commands(self):
        tmp = wharftest.tmpdir()
        local = os.path.join(tmp, "curl-up.bin")
        data = os.urandom(2 * 1024 * 1024 + 77)
        with open(local, "wb") as f:
            f.write(data)
        self.curl("sftp", "cu/deep/up.bin", "--ftp-create-dirs", "-T", local)
        with open(os.path.join(M["root"], "cu", "deep", "up.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.curl("sftp", "cu/deep/up.bin", "-o", local + ".back")
        with open(local + ".back", "rb") as f:
            self.assertEqual(f.read(), data)
        self.curl("sftp", "cu/deep/up.bin", "-r", "1000-1999", "-o", local + ".part")
        with open(local + ".part", "rb") as f:
            self.assertEqual(f.read(), data[1000:2000])
        self.assertEqual(sorted(self.curl("sftp", "cu/deep/", "-l").stdout.split()),
                         [".", "..", "up.bin"])
        long_form = self.curl("sftp", "cu/deep/").stdout.splitlines()[-1].split()
        self.assertEqual((long_form[0], long_form[4], long_form[-1]),
                         ("-rw-r--r--", str(len(data)), "up.bin"))
        self.curl("sftp", "cu/", "-Q", "rename /cu/deep/up.bin /cu/moved.bin",
                  "-Q", "chmod 640 /cu/moved.bin", "-Q", "symlink moved.bin /cu/link",
                  "-Q", "mkdir /cu/made", "-Q", "rmdir /cu/made", "-Q", "rm /cu/deep/../gone",
                  expect=21)  # the last command fails: no such file
        moved = os.path.join(M["root"], "cu", "moved.bin")
        self.assertEqual(os.stat(moved).st_mode & 0o777, 0o640)
        self.assertEqual(os.readlink(os.path.join(M["root"], "cu", "link")), "moved.bin")
        self.assertFalse(os.path.exists(os.path.join(M["root"], "cu", "made")))
        self.curl("sftp", "cu/", "-Q", "rm /cu/link", "-Q", "rm /cu/moved.bin")
        self.assertEqual(os.listdir(os.path.join(M["root"], "cu")), ["deep"])

    def test_curl_scp_upload_and_download(self):
        local = os.path.join(wharftest.tmpdir(), "curl-scp.bin")
        data = os.urandom(1024 * 1024 + 5)
        with open(local, "wb") as f:
            f.write(data)
        # libssh2 ends the upload with EOF, not with scp's status byte.
        self.curl("scp", "curl-scp.bin", "-T", local)
        with open(os.path.join(M["root"], "curl-scp.bin"), "rb") as f:
            self.assertEqual(f.read(), data)
        self.curl("scp", "curl-scp.bin", "-o", local + ".back")
        with open(local + ".back", "rb") as f:
            self.assertEqual(f.read(), data)
        # 78: CURLE_REMOTE_FILE_NOT_FOUND
        r = self.curl("scp", "no-such-file", "-o", local + ".none", expect=78)
        self.assertFalse(os.path.exists(local + ".none"), r.stderr)


if __name__ == "__main__":
    wharftest.main()
