#!/usr/bin/env python3
"""Counts test cases from Bazel's per-target test.xml files and prints `N passed, N failed`.

Usage: test_summary.py [--bazel-log FILE] TESTLOGS_DIR //target:one //target:two ...
A target with no test.xml (not run: build failure, or cancelled) counts as one failed case, and
so does a target Bazel's own output (FILE) reports as failed while its test.xml shows no failing
case. Skipped cases are counted separately and never as passes. Exits 1 if anything failed.
"""

import os
import re
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


def result_files(target_dir):
    """test.xml of a target, or one per shard (shard_K_of_N/test.xml); [] if any is missing."""
    single = os.path.join(target_dir, "test.xml")
    if os.path.exists(single):
        return [single]
    shards = sorted(d for d in os.listdir(target_dir) if d.startswith("shard_")) if os.path.isdir(
        target_dir) else []
    if not shards:
        return []
    total = int(shards[0].rsplit("_of_", 1)[1])
    paths = [os.path.join(target_dir, d, "test.xml") for d in shards]
    if len(shards) != total or not all(os.path.exists(p) for p in paths):
        return []
    return paths


BAZEL_VERDICT = re.compile(r"^(//\S+)\s+(?:\(cached\) )?(FAILED|TIMEOUT|NO STATUS|INCOMPLETE)\b")


def bazel_failures(log_path):
    """Targets the `bazel test` summary in log_path reports as not passed."""
    failed = set()
    with open(log_path, errors="replace") as f:
        for line in f:
            m = BAZEL_VERDICT.match(line)
            if m:
                failed.add(m.group(1))
    return failed


def main():
    args = sys.argv[1:]
    bazel_failed = set()
    if args[:1] == ["--bazel-log"]:
        bazel_failed, args = bazel_failures(args[1]), args[2:]
    testlogs, targets = args[0], args[1:]
    total_p = total_f = total_s = 0
    for target in targets:
        rel = target.lstrip("/").replace(":", "/")
        xml_paths = result_files(os.path.join(testlogs, rel))
        if not xml_paths:
            print(f"{target}: NO RESULT (not built or not run)")
            total_f += 1
            continue
        try:
            p = f = s = 0
            failures = []
            for xml_path in xml_paths:
                cp, cf, cs, cfailures = count(xml_path)
                p, f, s, failures = p + cp, f + cf, s + cs, failures + cfailures
        except ET.ParseError as e:
            print(f"{target}: unreadable test.xml ({e})")
            total_f += 1
            continue
        if p + f + s == 0:
            f, failures = 1, ["(no test cases reported)"]
        elif f == 0 and target in bazel_failed:
            f, failures = 1, ["(Bazel reports the target failed; its test.xml has no failing case)"]
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
