#!/usr/bin/python3
"""User enumeration (issue 8): a valid and an invalid user, each with (a) a wrong key (publickey
with a signature), (b) a malformed request, (c) a key query (publickey without signature) and
(d) a wrong password, get byte-identical reply sequences, and reply-time distributions that do not
differ significantly. Samples alternate valid/invalid on fresh connections (so per-connection
work such as the user lookup is in every sample, and drift cancels out); the statistics are the
two-sample Kolmogorov-Smirnov D with its asymptotic p-value and the Mann-Whitney U z-score, in
pure Python. A round is significant only if p < 0.001 AND both the medians and the 10th
percentiles differ by more than 1 ms in the same direction, and a case fails only if three rounds
are, so a loaded machine does not make it flaky while a real shift (a whole extra hash, say) fails
every time."""

import math
import os
import pwd
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unittest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/hostile"))
import hostile  # noqa: E402
import rawssh  # noqa: E402
import wharfd  # noqa: E402
import wharftest  # noqa: E402
from hostile import FIGURES  # noqa: E402
from rawssh import sshstr  # noqa: E402

M = {}
SAMPLES = 200           # per user, for the cheap cases
PASSWORD_SAMPLES = 30   # per user: each costs an Argon2id verification (~0.1 s)
P_LIMIT = 0.001
# Seconds. Sanitizer builds (ASAN_OPTIONS is set by --config=asan) run every code path several
# times slower, the small differences in work included, so the limit scales with them.
MEDIAN_LIMIT = 0.001 * (5 if "ASAN_OPTIONS" in os.environ else 1)
# A busy machine (2 cores shared with builds) can inflate one path's times for a while: a case
# fails only if every one of ROUNDS fresh measurements shows the same significant difference.
ROUNDS = 3


def setUpModule():
    base = tempfile.mkdtemp(prefix="enum-", dir=wharfd.safe_base())
    os.chmod(base, 0o711)
    M["base"] = base
    uid = random.randint(62000, 62999) if os.geteuid() == 0 else os.geteuid()
    name = f"enum{random.randint(10000, 99999)}"
    home = os.path.join(base, name)
    os.makedirs(os.path.join(home, ".ssh"))
    M["authorized"] = Ed25519PrivateKey.generate()
    with open(os.path.join(home, ".ssh", "authorized_keys"), "w") as f:
        f.write(public_line(M["authorized"]) + "\n")
    for path, mode in ((home, 0o755), (os.path.join(home, ".ssh"), 0o700),
                       (os.path.join(home, ".ssh", "authorized_keys"), 0o600)):
        os.chown(path, uid, uid)
        os.chmod(path, mode)
    r = subprocess.run([wharftest.runfile("auth/wharf-passwd")], input="right password\n",
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"wharf-passwd: {r.stderr}")
    users = os.path.join(base, "users")
    with open(users, "w") as f:
        f.write(f"{name}:{r.stdout.strip()}:{uid}:{uid}:{home}:enumeration test\n")
    os.chmod(users, 0o644)
    M["valid"] = name
    M["invalid"] = f"enum{random.randint(10000, 99999)}x"
    try:
        pwd.getpwnam(M["invalid"])
        raise AssertionError("the invalid user exists")
    except KeyError:
        pass
    # A system account with a locked password, next to the virtual users: its failures must
    # cost what an unknown name's do (once they took crypt(3) only, the unknown Argon2id).
    M["system"] = "daemon"
    pwd.getpwnam(M["system"])
    M["wrong"] = Ed25519PrivateKey.generate()
    M["server"] = hostile.Server([f"VirtualUsersFile={users}", "PasswordAuthentication=yes",
                                  "MaxAuthTries=6"])


def tearDownModule():
    FIGURES.print()
    if "server" in M:
        M["server"].stop()
    shutil.rmtree(M["base"], ignore_errors=True)


def public_line(key):
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    return key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode()


# --- statistics ------------------------------------------------------------------------------


def ks_2samp(a, b):
    """Two-sample Kolmogorov-Smirnov D and its asymptotic two-sided p-value."""
    a, b = sorted(a), sorted(b)
    n, m = len(a), len(b)
    i = j = 0
    d = 0.0
    while i < n and j < m:
        x = min(a[i], b[j])
        while i < n and a[i] == x:
            i += 1
        while j < m and b[j] == x:
            j += 1
        d = max(d, abs(i / n - j / m))
    en = math.sqrt(n * m / (n + m))
    lam = (en + 0.12 + 0.11 / en) * d  # Stephens' correction (Numerical Recipes probks)
    if lam < 1e-3:
        return d, 1.0
    p = 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return d, min(max(p, 0.0), 1.0)


def mann_whitney_z(a, b):
    """Mann-Whitney U of `a` and its normal-approximation z-score (with tie correction)."""
    pooled = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    n, m = len(a), len(b)
    r_a = sum(r for r, (_, g) in zip(ranks, pooled) if g == 0)
    u = r_a - n * (n + 1) / 2
    sigma = math.sqrt(n * m / 12 * ((n + m + 1) - ties / ((n + m) * (n + m - 1))))
    return u, (u - n * m / 2) / sigma if sigma else 0.0


def quantile(samples, q):
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))]


# --- the four kinds of attempt ---------------------------------------------------------------


def attempt(kind, user):
    """One attempt on a fresh connection: (server replies after SERVICE_ACCEPT, seconds from
    sending the request to the first reply)."""
    c = hostile.with_keys(M["server"].port)
    try:
        hostile.service_request(c)
        if kind == "wrong_key":
            req = hostile.publickey_request(c.session_id, user, M["wrong"])
        elif kind == "key_query":
            req = hostile.publickey_request(c.session_id, user, M["wrong"], signed=False)
        elif kind == "malformed":
            # publickey whose key blob string claims more bytes than follow
            req = (hostile.userauth_request(user, "publickey", b"\0" + sshstr("ssh-ed25519")) +
                   rawssh.u32(1000) + b"short")
        else:
            req = hostile.userauth_request(user, "password",
                                           b"\0" + sshstr("wrong password"))
        t0 = time.perf_counter()
        c.send(req)
        first = c.recv()
        took = time.perf_counter() - t0
        replies = [first]
        if first[0] == rawssh.MSG_DISCONNECT:
            packets, _ = c.read_all_packets(timeout=5)
            replies += packets
        else:
            # Then a request that ends every connection the same way: a second user name.
            c.send(hostile.userauth_request(user + "-other", "none"))
            packets, _ = c.read_all_packets(timeout=5)
            replies += packets
        return [p.replace(user.encode(), b"USER") for p in replies], took
    finally:
        c.close()


class Enumeration(unittest.TestCase):
    def check(self, kind, samples, valid="valid"):
        verdicts = []
        for round_no in range(ROUNDS):
            verdicts.append(self.measure(kind, samples, round_no, valid))
            if verdicts[-1] == 0:
                break
        M["server"].assert_up(self)
        self.assertFalse(len(set(verdicts)) == 1 and verdicts[0] != 0,
                         f"{kind}: reply times tell valid from invalid users in all {ROUNDS} "
                         f"rounds (see the lines above)")

    def measure(self, kind, samples, round_no, valid):
        """One round; returns 0, or the sign of a significant median difference. `valid` is the
        key in M of the existing user compared with the invalid one."""
        times = {"valid": [], "invalid": []}
        sequences = {"valid": set(), "invalid": set()}
        order = ["valid", "invalid"]
        for i in range(samples):
            for who in (order if i % 2 == 0 else order[::-1]):  # alternate to cancel drift
                replies, took = attempt(kind, M[valid if who == "valid" else who])
                times[who].append(took)
                sequences[who].add(tuple(replies))
                if kind == "malformed":
                    FIGURES.add("malformed_inputs_sent")
        self.assertEqual(len(sequences["valid"]), 1, sequences["valid"])
        self.assertEqual(sequences["valid"], sequences["invalid"])
        v, x = times["valid"], times["invalid"]
        d, p = ks_2samp(v, x)
        u, z = mann_whitney_z(v, x)
        dmed = statistics.median(x) - statistics.median(v)
        dlow = quantile(x, 0.1) - quantile(v, 0.1)
        # The shift of the whole distribution: the median and the 10th percentile both moved
        # (a busy machine stretches the slow tail of one path without moving its fast samples).
        shift = min(dmed, dlow, key=abs) if dmed * dlow > 0 else 0.0
        print(f"{kind} round {round_no + 1}: n={samples}+{samples} median valid {statistics.median(v) * 1e3:.3f} ms "
              f"invalid {statistics.median(x) * 1e3:.3f} ms (diff {dmed * 1e3:+.3f} ms, 10th "
              f"percentile diff {dlow * 1e3:+.3f} ms), "
              f"KS D={d:.3f} p={p:.3g}, Mann-Whitney U={u:.0f} z={z:+.2f}; "
              f"replies {[r[0] for r in next(iter(sequences['valid']))]}", flush=True)
        if p < P_LIMIT and abs(shift) > MEDIAN_LIMIT:
            print(f"{kind} round {round_no + 1}: significant (limit {MEDIAN_LIMIT * 1e3:.0f} ms)",
                  flush=True)
            return 1 if shift > 0 else -1
        return 0

    def test_wrong_key(self):
        self.check("wrong_key", SAMPLES)

    def test_malformed_request(self):
        self.check("malformed", SAMPLES)

    def test_key_query(self):
        self.check("key_query", SAMPLES)

    def test_wrong_password(self):
        self.check("wrong_password", PASSWORD_SAMPLES)

    def test_system_account_wrong_password(self):
        self.check("wrong_password", PASSWORD_SAMPLES, valid="system")

    def test_statistics_detect_a_real_difference(self):
        # The test's own statistics: shifted samples are told apart, equal ones are not.
        rnd = random.Random(8)
        a = [rnd.gauss(0.010, 0.001) for _ in range(200)]
        b = [rnd.gauss(0.012, 0.001) for _ in range(200)]
        c = [rnd.gauss(0.010, 0.001) for _ in range(200)]
        self.assertLess(ks_2samp(a, b)[1], 1e-6)
        self.assertLess(mann_whitney_z(a, b)[1], -5)
        self.assertGreater(ks_2samp(a, c)[1], 0.001)
        self.assertLess(abs(mann_whitney_z(a, c)[1]), 3.3)


if __name__ == "__main__":
    wharftest.main()
