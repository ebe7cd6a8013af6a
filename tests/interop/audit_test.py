#!/usr/bin/python3
"""ssh-audit (Debian's package) against wharfd's default configuration (issue 3): no algorithm or
key it reports may be a failure ("[fail]"). Prints ssh-audit's full report and a summary."""

import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
import interop  # noqa: E402
import wharftest  # noqa: E402

STATE = None
SERVER = None
REPORT = None


def setUpModule():
    global STATE, SERVER
    STATE = interop.StateDir().generate_default_keys()
    SERVER = STATE.server().start()


def tearDownModule():
    if SERVER:
        SERVER.stop()
    if STATE:
        STATE.remove()


def audit():
    """ssh-audit's report, run once per module."""
    global REPORT
    if REPORT is None:
        if not shutil.which("ssh-audit"):
            raise AssertionError("ssh-audit is not installed (apt-get install ssh-audit)")
        r = subprocess.run(["ssh-audit", "-n", "-t", "30", "-p", str(SERVER.port), "127.0.0.1"],
                           capture_output=True, text=True, timeout=180)
        REPORT = r.stdout + r.stderr
        print(REPORT)
        print(summary(REPORT))
    return REPORT


def findings(report):
    """[(section tag, algorithm, level, text)] for every "-- [level] text" line and its
    continuation lines."""
    out = []
    current = None
    for line in report.splitlines():
        m = re.match(r"\((\w+)\) (\S+(?: \(\d+-bit\))?)\s+-- \[(\w+)\] (.*)$", line)
        if m:
            current = (m.group(1), m.group(2))
            out.append((*current, m.group(3), m.group(4)))
            continue
        m = re.match(r"\s+`- \[(\w+)\] (.*)$", line)
        if m and current:
            out.append((*current, m.group(1), m.group(2)))
    return out


def summary(report):
    f = findings(report)
    levels = {lvl: sorted({f"{alg} ({text})" for _, alg, l, text in f if l == lvl})
              for lvl in ("fail", "warn")}
    recs = [l.strip() for l in report.splitlines() if l.startswith("(rec)")]
    lines = ["ssh-audit summary:",
             f"  algorithms/keys reported: {len({(s, a) for s, a, _, _ in f})}",
             f"  [fail]: {len(levels['fail'])}"] + [f"    {x}" for x in levels["fail"]]
    lines += [f"  [warn]: {len(levels['warn'])}"] + [f"    {x}" for x in levels["warn"]]
    lines += ["  recommendations:"] + [f"    {r}" for r in recs]
    return "\n".join(lines)


class Audit(unittest.TestCase):
    def test_report_covers_every_section(self):
        report = audit()
        self.assertIn("(gen) banner: SSH-2.0-Wharf_", report)
        sections = {s for s, _, _, _ in findings(report)}
        self.assertTrue({"kex", "key", "enc", "mac"} <= sections, sections)
        self.assertIn("(fin) ssh-ed25519: SHA256:", report)

    def test_no_failures(self):
        report = audit()
        fails = [f for f in findings(report) if f[2] == "fail"]
        fails += [l for l in report.splitlines() if "[fail]" in l and "--" not in l]
        self.assertEqual(fails, [], summary(report))


if __name__ == "__main__":
    wharftest.main()
