#!/usr/bin/python3
"""File transfers through wharfd with real clients: OpenSSH scp (legacy and SFTP mode, -3
between two servers, host:~/file), PuTTY pscp (-scp and -sftp) and sftp, byte for byte."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
import wharfd  # noqa: E402
import wharftest  # noqa: E402

NOBODY = 65534
CTX = {}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_user_root(base, name):
    root = os.path.join(base, name)
    os.makedirs(root, mode=0o755)
    if os.geteuid() == 0:
        os.chown(root, NOBODY, NOBODY)
    return root


def start_server(base, name, key_pub):
    """A wharfd with one virtual user `alice` whose root is <base>/<name>."""
    state = wharfd.make_state_dir()
    root = make_user_root(base, name)
    keys = os.path.join(state, "alice_keys")
    shutil.copy(key_pub, keys)
    os.chmod(keys, 0o644)
    os.chmod(state, 0o711)
    users = os.path.join(state, "users")
    with open(users, "w") as f:
        f.write(f"alice::{NOBODY}:{NOBODY}:{root}\n")
    config = f"VirtualUsersFile {users}\nAuthorizedKeysFile {keys}\n"
    server = wharfd.Wharfd(state_dir=state, config_text=config).start()
    return server, root


def host_fingerprint(server):
    m = re.search(r"Host key: \d+ (SHA256:\S+) .*\(ED25519\)", server.read_log())
    return m.group(1)


def setUpModule():
    base = wharfd.make_state_dir()
    os.chmod(base, 0o755)
    CTX["base"] = base
    key = os.path.join(base, "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True)
    CTX["key"] = key
    subprocess.run(["puttygen", key, "-O", "private", "-o", key + ".ppk"], check=True,
                   capture_output=True)
    CTX["a"], CTX["root_a"] = start_server(base, "root_a", key + ".pub")
    CTX["b"], CTX["root_b"] = start_server(base, "root_b", key + ".pub")
    data = os.path.join(wharftest.tmpdir(), "data")
    os.makedirs(data, exist_ok=True)
    CTX["data"] = data
    for size in (0, 1, 1 << 20, 100 << 20):
        with open(os.path.join(data, f"f{size}"), "wb") as f:
            f.write(os.urandom(size))
    tree = os.path.join(data, "tree")
    os.makedirs(os.path.join(tree, "sub", "deeper"))
    for i, rel in enumerate(["a.txt", "sub/b.bin", "sub/deeper/c.bin"]):
        with open(os.path.join(tree, rel), "wb") as f:
            f.write(os.urandom(1000 * (i + 1)))


def tearDownModule():
    for name in ("a", "b"):
        if name in CTX:
            CTX[name].cleanup()
    shutil.rmtree(CTX.get("base", "/nonexistent"), ignore_errors=True)


def ssh_config_args(server):
    return ["-P", str(server.port), "-i", CTX["key"], *wharfd.SSH_OPTS]


def scp(*args, server=None, legacy=True, timeout=300):
    cmd = ["scp", "-q"] + (["-O"] if legacy else []) + ssh_config_args(server or CTX["a"])
    r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return r


class LegacyScp(unittest.TestCase):
    def round_trip(self, size):
        src = os.path.join(CTX["data"], f"f{size}")
        r = scp(src, f"alice@127.0.0.1:up{size}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha256(os.path.join(CTX["root_a"], f"up{size}")), sha256(src))
        back = os.path.join(wharftest.tmpdir(), f"down{size}")
        r = scp(f"alice@127.0.0.1:up{size}", back)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha256(back), sha256(src))

    def test_size_0(self):
        self.round_trip(0)

    def test_size_1(self):
        self.round_trip(1)

    def test_size_1mib(self):
        self.round_trip(1 << 20)

    def test_size_100mib(self):
        self.round_trip(100 << 20)

    def test_recursive_with_times_and_modes(self):
        tree = os.path.join(CTX["data"], "tree")
        os.chmod(os.path.join(tree, "a.txt"), 0o640)
        os.utime(os.path.join(tree, "a.txt"), (1_000_000_000, 1_000_000_000))
        r = scp("-rp", tree, "alice@127.0.0.1:rtree")
        self.assertEqual(r.returncode, 0, r.stderr)
        st = os.stat(os.path.join(CTX["root_a"], "rtree", "a.txt"))
        self.assertEqual(int(st.st_mtime), 1_000_000_000)
        self.assertEqual(st.st_mode & 0o777, 0o640)
        back = os.path.join(wharftest.tmpdir(), "rtree_back")
        r = scp("-rp", "alice@127.0.0.1:rtree", back)
        self.assertEqual(r.returncode, 0, r.stderr)
        for rel in ["a.txt", "sub/b.bin", "sub/deeper/c.bin"]:
            self.assertEqual(sha256(os.path.join(back, rel)), sha256(os.path.join(tree, rel)))


class SftpModeScp(unittest.TestCase):
    def test_upload_download_and_home_tilde(self):
        src = os.path.join(CTX["data"], f"f{1 << 20}")
        r = scp(src, "alice@127.0.0.1:sftpmode.bin", legacy=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        back = os.path.join(wharftest.tmpdir(), "tilde.bin")
        # OpenSSH 9's SFTP-mode scp resolves ~ with expand-path@openssh.com.
        r = scp("alice@127.0.0.1:~/sftpmode.bin", back, legacy=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha256(back), sha256(src))


class BetweenServers(unittest.TestCase):
    def copy_3(self, legacy, name):
        src = os.path.join(CTX["data"], f"f{1 << 20}")
        shutil.copy(src, os.path.join(CTX["root_a"], name))
        os.chown(os.path.join(CTX["root_a"], name), NOBODY, NOBODY)
        a, b = CTX["a"], CTX["b"]
        # scp -3 takes per-host ports from URIs.
        cmd = ["scp", "-q", "-3"] + (["-O"] if legacy else []) + ["-i", CTX["key"],
                                                                     *wharfd.SSH_OPTS,
               f"scp://alice@127.0.0.1:{a.port}/{name}", f"scp://alice@127.0.0.1:{b.port}/"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha256(os.path.join(CTX["root_b"], name)), sha256(src))

    def test_scp_3_legacy(self):
        self.copy_3(True, "three_legacy.bin")

    def test_scp_3_sftp_mode(self):
        self.copy_3(False, "three_sftp.bin")

    def copy_3_tree(self, legacy, name):
        tree = os.path.join(CTX["root_a"], name)
        shutil.copytree(os.path.join(CTX["data"], "tree"), tree)
        for dirpath, dirs, files in os.walk(tree):
            for n in dirs + files:
                os.chown(os.path.join(dirpath, n), NOBODY, NOBODY)
        a, b = CTX["a"], CTX["b"]
        cmd = ["scp", "-q", "-3", "-r"] + (["-O"] if legacy else []) + [
            "-i", CTX["key"], *wharfd.SSH_OPTS,
            f"scp://alice@127.0.0.1:{a.port}/{name}", f"scp://alice@127.0.0.1:{b.port}/"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        for rel in ["a.txt", "sub/b.bin", "sub/deeper/c.bin"]:
            self.assertEqual(sha256(os.path.join(CTX["root_b"], name, rel)),
                             sha256(os.path.join(tree, rel)))

    def test_scp_3_recursive_legacy(self):
        self.copy_3_tree(True, "t3_legacy")

    def test_scp_3_recursive_sftp_mode(self):
        self.copy_3_tree(False, "t3_sftp")


class Putty(unittest.TestCase):
    def pscp(self, mode, *args):
        a = CTX["a"]
        cmd = ["pscp", mode, "-batch", "-q", "-P", str(a.port), "-i", CTX["key"] + ".ppk",
               "-hostkey", host_fingerprint(a), *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)

    def both_ways(self, mode):
        src = os.path.join(CTX["data"], f"f{1 << 20}")
        name = f"pscp{mode}.bin"
        r = self.pscp(mode, src, f"alice@127.0.0.1:{name}")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(sha256(os.path.join(CTX["root_a"], name)), sha256(src))
        back = os.path.join(wharftest.tmpdir(), name)
        r = self.pscp(mode, f"alice@127.0.0.1:{name}", back)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(sha256(back), sha256(src))

    def test_pscp_scp(self):
        self.both_ways("-scp")

    def test_pscp_sftp(self):
        self.both_ways("-sftp")


class Sftp(unittest.TestCase):
    def test_sftp_100mib_round_trip(self):
        a = CTX["a"]
        src = os.path.join(CTX["data"], f"f{100 << 20}")
        back = os.path.join(wharftest.tmpdir(), "sftp_back")
        batch = os.path.join(wharftest.tmpdir(), "batch")
        with open(batch, "w") as f:
            f.write(f"put {src} big.bin\nget big.bin {back}\n")
        r = subprocess.run(["sftp", "-q", "-b", batch, *ssh_config_args(a), "alice@127.0.0.1"],
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sha256(back), sha256(src))
        self.assertEqual(sha256(os.path.join(CTX["root_a"], "big.bin")), sha256(src))

    def test_symlinks_cannot_point_outside_for_host_processes(self):
        # The session is chrooted: "/etc/passwd" resolves inside it for the client, but an
        # admin's cp -r or a backup on the host would follow it to the host's file. So would a
        # ".." link once moved (issue 5's confinement promise covers host processes too).
        root = CTX["root_a"]
        batch = os.path.join(wharftest.tmpdir(), "symlink_batch")
        with open(batch, "w") as f:
            f.write("-ln -s /etc/passwd abs\n-mkdir sl\n-ln -s x/../../etc/passwd sl/rel\n"
                    "ln -s big-or-not sl/ok\n")
        r = subprocess.run(["sftp", "-q", "-b", batch, *ssh_config_args(CTX["a"]),
                            "alice@127.0.0.1"], capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.count("Permission denied"), 2, r.stderr)
        self.assertFalse(os.path.lexists(os.path.join(root, "abs")))
        self.assertFalse(os.path.lexists(os.path.join(root, "sl", "rel")))
        self.assertEqual(os.readlink(os.path.join(root, "sl", "ok")), "big-or-not")
        import paramiko  # the second, independent client
        t = paramiko.Transport(("127.0.0.1", CTX["a"].port))
        try:
            t.connect(username="alice", pkey=paramiko.Ed25519Key.from_private_key_file(CTX["key"]))
            sftp = paramiko.SFTPClient.from_transport(t)
            for target, link in (("/etc/shadow", "p_abs"), ("../sl/ok", "sl/p_rel")):
                with self.assertRaises(PermissionError) as refused:
                    sftp.symlink(target, link)
                self.assertIn("must be relative", str(refused.exception))
                self.assertFalse(os.path.lexists(os.path.join(root, link)))
            sftp.symlink("ok", "sl/p_ok")
            self.assertEqual(sftp.readlink("sl/p_ok"), "ok")
        finally:
            t.close()


if __name__ == "__main__":
    wharftest.main()
