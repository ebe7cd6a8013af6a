#!/usr/bin/env python3
"""Adds up the robustness figures that tests print as `FIGURE <name> <integer>` lines.

Usage: figures.py PATH...   (Bazel testlogs directories, searched for test.log, or log files)
Figures are summed over every log; names starting with `max_` take the largest value instead.
Prints one aligned line per figure, in a fixed order first (the issue 8 list), then the rest.
Exits 1 if `escapes_found` or `crashes` is above zero.
"""

import os
import re
import sys

FIGURE = re.compile(r"^FIGURE ([A-Za-z0-9_]+) (\d+)\s*$")
ORDER = [
    "message_state_cells_tried",
    "message_state_cells_passed",
    "malformed_inputs_sent",
    "faults_injected",
    "max_concurrent_connections",
    "bytes_verified_sha256",
    "escapes_found",
    "crashes",
]
MUST_BE_ZERO = ("escapes_found", "crashes")


def log_files(paths):
    for path in paths:
        if os.path.isfile(path):
            yield path
            continue
        for dirpath, _, names in os.walk(path):
            if "test.log" in names:
                yield os.path.join(dirpath, "test.log")


def collect(paths):
    totals = {}
    for path in log_files(paths):
        with open(path, errors="replace") as f:
            for line in f:
                m = FIGURE.match(line)
                if not m:
                    continue
                name, value = m.group(1), int(m.group(2))
                if name.startswith("max_"):
                    totals[name] = max(totals.get(name, 0), value)
                else:
                    totals[name] = totals.get(name, 0) + value
    return totals


def main():
    totals = collect(sys.argv[1:])
    fuzz = sorted(n for n in totals if n.startswith("fuzz_executions_"))
    names = [n for n in ORDER if n in totals] + fuzz
    names += sorted(n for n in totals if n not in names)
    print("Robustness figures:")
    for name in names:
        print(f"  {name:<40} {totals[name]:>14,}")
    for name in ORDER:
        if name not in totals:
            print(f"  {name:<40} {'(not measured)':>14}")
    bad = [n for n in MUST_BE_ZERO if totals.get(n, 0) > 0]
    for name in bad:
        print(f"  {name} must be 0")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
