#!/usr/bin/env python3
"""Counts test cases from Bazel's per-target test.xml files and prints `N passed, N failed`.

Usage: test_summary.py TESTLOGS_DIR //target:one //target:two ...
A target with no test.xml (not run: build failure, or cancelled) counts as one failed case.
Skipped cases are counted separately and never as passes. Exits 1 if anything failed.
"""

import os
import sys
import xml.etree.ElementTree as ET


def count(xml_path):
    passed = failed = skipped = 0
    failures = []
    root = ET.parse(xml_path).getroot()
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}.{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            failures.append(name)
        elif case.find("skipped") is not None or case.get("status") == "notrun":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, failures


def main():
    testlogs, targets = sys.argv[1], sys.argv[2:]
    total_p = total_f = total_s = 0
    for target in targets:
        rel = target.lstrip("/").replace(":", "/")
        xml_path = os.path.join(testlogs, rel, "test.xml")
        if not os.path.exists(xml_path):
            print(f"{target}: NO RESULT (not built or not run)")
            total_f += 1
            continue
        try:
            p, f, s, failures = count(xml_path)
        except ET.ParseError as e:
            print(f"{target}: unreadable test.xml ({e})")
            total_f += 1
            continue
        if p + f + s == 0:
            f, failures = 1, ["(no test cases reported)"]
        total_p, total_f, total_s = total_p + p, total_f + f, total_s + s
        extra = f", {s} skipped" if s else ""
        print(f"{target}: {p} passed, {f} failed{extra}")
        for name in failures:
            print(f"    FAILED {name}")
    line = f"{total_p} passed, {total_f} failed"
    if total_s:
        line += f", {total_s} skipped"
    print(line)
    return 1 if total_f else 0


if __name__ == "__main__":
    sys.exit(main())
