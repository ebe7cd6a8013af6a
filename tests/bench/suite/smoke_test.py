#!/usr/bin/python3
"""CI's smoke run of the benchmark suite (issue 7): `bench.py --quick` against the wharfd of
this build and Debian's sshd. Benchmarks are not tests: this checks only that the suite works,
that every figure is a positive number, and that every transfer arrived byte for byte (bench.py
compares each one with cmp/diff and stops with an error on the first difference)."""

import json
import math
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
import wharftest  # noqa: E402

SUITE = "tests/bench/suite"


class Smoke(unittest.TestCase):
    def test_quick_run(self):
        sys.path.insert(0, os.path.dirname(wharftest.runfile(f"{SUITE}/bench.py")))
        import workloads
        out = os.path.join(wharftest.tmpdir(), "bench.json")
        cmd = ["/usr/bin/python3", wharftest.runfile(f"{SUITE}/bench.py"), "--quick",
               "--wharfd", wharftest.runfile("daemon/wharfd"), "--json-out", out]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = p.communicate(timeout=250)
        except subprocess.TimeoutExpired:
            p.terminate()  # bench.py cleans up (user, servers, files) on SIGTERM
            stdout, stderr = p.communicate(timeout=30)
            self.fail(f"bench.py --quick took over 250 s:\n{stderr[-5000:]}")
        self.assertEqual(p.returncode, 0, stdout[-3000:] + stderr[-5000:])
        print(stdout)
        with open(out) as f:
            result = json.load(f)
        self.assertTrue(result["quick"])
        self.assertEqual(result["reps"], 1)
        self.assertEqual(sorted(result["figures"]), sorted(workloads.figures()))
        for name, fig in result["figures"].items():
            for who in ("wharf", "openssh"):
                v = fig[who]
                self.assertIsInstance(v, (int, float), (name, who))
                self.assertTrue(math.isfinite(v) and v > 0, f"{name} {who}: {v}")
                self.assertEqual(len(fig[f"{who}_all"]), 1, name)
            self.assertGreater(fig["ratio"], 0, name)
        # Every transfer checked: bulk 3 ciphers x put/get, delayed, small files, compressed and
        # scp put/get, and one probe per idle session, for each of the two servers.
        n = result["sizes"]["concurrent"]
        self.assertEqual(result["verified_transfers"], 2 * (6 + 2 + 2 + n + 2 + 2))
        for key in ("date", "cpu_model", "wharfd_version", "sshd_version", "ssh_client"):
            self.assertTrue(result[key], key)
        self.assertIn("Wharf", result["wharfd_version"])
        self.assertEqual(result["wharf_log_crash_lines"], [])
        self.assertGreater(result["cores"], 0)


if __name__ == "__main__":
    wharftest.main()
