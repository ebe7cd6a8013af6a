#!/usr/bin/python3
"""The soak for CI (issue 8): tests/faults/soak.py for 60 seconds with 64 concurrent sessions
(OpenSSH sftp and paramiko), every downloaded byte checked by SHA-256, listener and connection
children's RSS and descriptors flat (soak.py's check()). SOAK_SECONDS overrides the length."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/faults"))
import faultlib  # noqa: E402
import soak  # noqa: E402
import wharftest  # noqa: E402

SESSIONS = 64
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))


class Soak(unittest.TestCase):
    def test_soak(self):
        result = soak.run_soak(SECONDS, SESSIONS, soak_seed())
        faultlib.figure("max_concurrent_connections", result["max_children"])
        faultlib.figure("bytes_verified_sha256", result["stats"].verified)
        faultlib.figure("crashes", len(result["crashes"]))
        bad = soak.check(result, SESSIONS)
        self.assertEqual(bad, [], f"soak failed (seed {result['seed']})")


def soak_seed():
    value = os.environ.get("FAULT_SEED")
    return int(value) if value else None


if __name__ == "__main__":
    wharftest.main()
