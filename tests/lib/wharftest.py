"""Shared harness for Wharf's script tests (real clients against real servers).

A test script is a plain `unittest` module with `#!/usr/bin/python3` (Debian's interpreter, which
sees python3-paramiko) run by Bazel as an sh_test. Calling `wharftest.main()` runs the module's
tests, writes one JUnit <testcase> per test to $XML_OUTPUT_FILE so CI counts each case, and exits
non-zero on any failure or error. Skips are reported as skipped, never as passes.
"""

import os
import socket
import sys
import time
import unittest
import xml.etree.ElementTree as ET


def runfile(path):
    """Absolute path of a workspace file or built target inside the test's runfiles."""
    base = os.environ.get("TEST_SRCDIR")
    if base:
        candidate = os.path.join(base, os.environ.get("TEST_WORKSPACE", "wharf"), path)
        if os.path.exists(candidate):
            return candidate
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", path)


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, host="127.0.0.1", timeout=20.0):
    """Waits until something accepts on host:port; raises TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout} s")


def tmpdir():
    """A scratch directory private to this test run."""
    return os.environ.get("TEST_TMPDIR") or "/tmp"


class _Result(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = []  # (test, outcome, detail, seconds)
        self._started = {}

    def startTest(self, test):
        self._started[test.id()] = time.monotonic()
        super().startTest(test)

    def _record(self, test, outcome, detail="", suffix=""):
        took = time.monotonic() - self._started.get(test.id(), time.monotonic())
        cls, _, name = test.id().rpartition(".")
        self.cases.append((cls, name + suffix, outcome, detail, took))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped", reason)

    def addSubTest(self, test, subtest, err):
        # A failing subTest fails its test, and unittest then reports no outcome for the test
        # itself: without this record the case would vanish from the XML count.
        super().addSubTest(test, subtest, err)
        if err is not None:
            outcome = "failure" if issubclass(err[0], test.failureException) else "error"
            self._record(test, outcome, self._exc_info_to_string(err, test),
                         " " + subtest._subDescription())

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "failure", "unexpected success")


def _write_xml(result, path, suite_name):
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(result.cases)))
    for cls, name, outcome, detail, took in result.cases:
        case = ET.SubElement(suite, "testcase", classname=cls, name=name, time=f"{took:.3f}")
        if outcome in ("failure", "error"):
            ET.SubElement(case, outcome, message=outcome).text = detail
        elif outcome == "skipped":
            ET.SubElement(case, "skipped", message=detail)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def main(module="__main__"):
    # `-k PATTERN` (repeatable) runs only matching tests, as unittest's own -k does; Bazel passes
    # it through with --test_arg=-k --test_arg=PATTERN.
    loader = unittest.TestLoader()
    patterns = [sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "-k"]
    if patterns:
        loader.testNamePatterns = [p if "*" in p else f"*{p}*" for p in patterns]
    suite = loader.loadTestsFromModule(sys.modules[module])
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=_Result)
    result = runner.run(suite)
    xml_path = os.environ.get("XML_OUTPUT_FILE")
    if xml_path:
        _write_xml(result, xml_path, os.path.basename(sys.argv[0]))
    ok = result.wasSuccessful() and result.testsRun > 0
    sys.exit(0 if ok else 1)
