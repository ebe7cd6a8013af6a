#!/usr/bin/python3
"""Real OpenSSH ssh/sftp logins with every user key type (issue 4), for a virtual user
(VirtualUsersFile) and for a system user made with useradd, each confined to its own root:
`pwd` is `/`, `..` is the root, uploads land in the user's host directory owned by the user's
uid, and a planted symlink to /etc resolves inside the root."""

import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/login"))
import login  # noqa: E402
import wharftest  # noqa: E402

# (case name, ssh-keygen type, bits, client PubkeyAcceptedAlgorithms or None)
KEY_CASES = [
    ("ed25519", "ed25519", None, None),
    ("ecdsa256", "ecdsa", 256, None),
    ("ecdsa384", "ecdsa", 384, None),
    ("ecdsa521", "ecdsa", 521, None),
    ("rsa2048_sha256", "rsa", 2048, "rsa-sha2-256"),
    ("rsa2048_sha512", "rsa", 2048, "rsa-sha2-512"),
    ("rsa3072_sha512", "rsa", 3072, "rsa-sha2-512"),
]

M = {}  # module state: area, server, users
# The target's argument picks the user kind (one Bazel target each, to stay short under ASan).
WHICH = [a for a in sys.argv[1:] if a in ("virtual", "system")] or ["virtual", "system"]


def setUpModule():
    area = login.open_site(M)
    state = M["state"]
    M["keys"] = {}
    for case, kind, bits, _ in KEY_CASES:
        M["keys"][case] = area.key(kind, bits)
    vuid = random.randint(61000, 61999)
    vname = login.unique_name("vlt")
    vroot = area.user_root(vname, vuid, vuid)
    lines = [login.public_line(k) for k in M["keys"].values()]
    login.authorize(vroot, lines, vuid, vuid)
    users_file = login.write_users_file(os.path.join(area.base, "users"),
                                        [(vname, "", vuid, vuid, vroot)])
    M["users"] = {"virtual": (vname, vroot, vuid)}
    if "system" in WHICH:
        sysuser = M["sysuser"] = login.SystemUser(area)
        login.authorize(sysuser.root, lines, sysuser.uid, sysuser.gid)
        M["users"]["system"] = (sysuser.name, sysuser.root, sysuser.uid)
    M["server"] = login.start(state, f"VirtualUsersFile {users_file}\nLogLevel VERBOSE\n")


def tearDownModule():
    login.close_site(M)
    if "sysuser" in M:
        M["sysuser"].remove()
    login.summary(f"{len(KEY_CASES)} key types x {WHICH} users: ssh/sftp login, "
                  "pwd /, ls .. = root, put owned by the user's uid, symlink to /etc confined")


def confined_login(test, which, case, algorithms):
    user, root, uid = M["users"][which]
    local = os.path.join(wharftest.tmpdir(), f"{which}-{case}.txt")
    payload = f"upload by {user} with {case}\n"
    with open(local, "w") as f:
        f.write(payload)
    stolen = os.path.join(wharftest.tmpdir(), f"stolen-{which}-{case}")
    extra = ["-o", f"PubkeyAcceptedAlgorithms={algorithms}"] if algorithms else []
    r = login.sftp(M["server"], user, M["keys"][case], [
        "pwd",
        "ls -a ..",
        "ls hostetc",
        f"put {local} up-{case}.txt",
        f"-get hostetc/passwd {stolen}",
        f"-get /etc/passwd {stolen}",
    ], extra=extra)
    out = "\n".join(l for l in r.stdout.splitlines() if not l.startswith("sftp>")) + "\n"
    test.assertEqual(r.returncode, 0, f"{out}\n{r.stderr}\n{M['server'].read_log()[-3000:]}")
    test.assertIn("\nRemote working directory: /\n", "\n" + out)
    test.assertIn("marker-root.txt", out)                  # `ls ..` is the root itself
    test.assertNotRegex(out, r"(^|\s)\.\./(proc|usr|var)\b")  # ... not the host's /
    test.assertIn("marker-inner.txt", out)                 # hostetc -> /etc -> <root>/etc
    test.assertNotRegex(out, r"hostetc/(passwd|hostname|os-release)\b")
    test.assertFalse(os.path.exists(stolen), "a file of the host's /etc was downloaded")
    dest = os.path.join(root, f"up-{case}.txt")
    with open(dest) as f:
        test.assertEqual(f.read(), payload)
    st = os.stat(dest)
    test.assertEqual((st.st_uid, st.st_gid), (uid, uid if which == "virtual" else
                                              M["sysuser"].gid))
    log = M["server"].read_log()
    test.assertRegex(log, rf"Accepted publickey for {user} from 127\.0\.0\.1 port \d+ ssh2")


class KeyLogins(unittest.TestCase):
    def test_ssh_exec_after_key_login_reaches_the_connection_layer(self):
        user = M["users"]["virtual"][0]
        r = login.ssh(M["server"], user, M["keys"]["ed25519"], "true")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(login.REFUSAL, r.stderr)  # authenticated, then exec refused
        self.assertNotIn("Permission denied", r.stderr)


def _make(which, case, algorithms):
    def test(self):
        confined_login(self, which, case, algorithms)
    test.__name__ = f"test_{which}_user_{case}"
    test.__doc__ = f"{which} user logs in with a {case} key and is confined to its root"
    return test


for _which in WHICH:
    for _case, _kind, _bits, _alg in KEY_CASES:
        _t = _make(_which, _case, _alg)
        setattr(KeyLogins, _t.__name__, _t)


if __name__ == "__main__":
    wharftest.main()
