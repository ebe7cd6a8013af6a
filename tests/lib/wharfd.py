"""Starts and stops a real wharfd on 127.0.0.1 for script tests.

State directories live under /var/lib/wharf-tests (or $HOME/.wharf-tests when not root): the
path to a user's key files must pass StrictModes (root-owned, not group/world-writable, and
searchable by the user), which rules out /tmp and Bazel's test temp directories under /root.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import wharftest

SSH_OPTS = [
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "BatchMode=yes",
    "-o", "ConnectTimeout=10",
    "-o", "LogLevel=ERROR",
]


READY = re.compile(r"Wharf \S+ ready\.")


def wharfd_binary():
    return wharftest.runfile("daemon/wharfd")


def safe_base():
    base = "/var/lib/wharf-tests" if os.geteuid() == 0 else os.path.expanduser("~/.wharf-tests")
    os.makedirs(base, mode=0o711, exist_ok=True)
    os.chmod(base, 0o711)
    return base


def make_state_dir():
    """A fresh state directory whose whole path passes StrictModes."""
    return tempfile.mkdtemp(prefix="state-", dir=safe_base())


class Wharfd:
    """One wharfd process. Use as a context manager or call start()/stop()."""

    def __init__(self, state_dir=None, config_text=None, overrides=(), args=(), port=None,
                 pass_fds=()):
        self.state_dir = state_dir or make_state_dir()
        self.port = port or wharftest.free_port()
        self.config_text = config_text
        self.overrides = list(overrides)
        self.args = list(args)
        self.pass_fds = tuple(pass_fds)  # descriptors wharfd inherits (it must close them)
        self.proc = None
        self.log_path = os.path.join(wharftest.tmpdir(), f"wharfd-{self.port}.log")

    def command(self):
        cmd = [wharfd_binary(), "-p", str(self.port), "-o", f"StateDirectory={self.state_dir}"]
        if self.config_text is not None:
            path = os.path.join(self.state_dir, "wharfd_config")
            with open(path, "w") as f:
                f.write(self.config_text)
            cmd += ["-f", path]
            mentioned = "listenaddress" in self.config_text.lower() or any(
                o.lower().startswith("listenaddress") for o in self.overrides)
            if not mentioned:
                cmd += ["-o", "ListenAddress=127.0.0.1"]
        for o in self.overrides:
            cmd += ["-o", o]
        return cmd + self.args

    def start(self, timeout=60.0):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT,
                                     pass_fds=self.pass_fds)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"wharfd exited with {self.proc.returncode}:\n{self.read_log()}")
            # "Wharf <version> ready." comes once listening; "Demo user ready." comes before it.
            if READY.search(self.read_log()):
                return self
            time.sleep(0.05)
        raise TimeoutError(f"wharfd not ready after {timeout} s:\n{self.read_log()}")

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def ssh(self, *args, user="nobody", timeout=30, extra=()):
        """Runs the real OpenSSH ssh client against this server; returns CompletedProcess."""
        cmd = ["ssh", "-p", str(self.port), *SSH_OPTS, *extra, f"{user}@127.0.0.1", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
