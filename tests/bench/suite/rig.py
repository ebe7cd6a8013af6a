"""The bench rig: a throwaway user, keys, a tmpfs data root, and the two servers (Debian's sshd
and wharfd) configured to do the same work: same user, same chroot, same host key type, same
ciphers, public-key auth only."""

import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time

import procstat

SSHD = "/usr/sbin/sshd"
CIPHERS = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com"
LOG_LEVEL = os.environ.get("WHARF_BENCH_LOGLEVEL", "ERROR")
SAFE_BASE = "/var/lib/wharf-bench"  # root-owned 0711: passes StrictModes and sshd's chroot check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120, **kw)


def copy_with_libs(binary, root):
    """Copies `binary` and the shared libraries ldd lists into the chroot `root` (sshd runs
    `scp -t` through the user's shell inside the chroot; Wharf serves SCP in-process)."""
    paths = [binary]
    for line in run(["ldd", binary]).stdout.splitlines():
        for word in line.split():
            if word.startswith("/"):
                paths.append(word)
    for p in paths:
        dest = os.path.join(root, p.lstrip("/"))
        os.makedirs(os.path.dirname(dest), mode=0o755, exist_ok=True)
        shutil.copy(p, dest)  # follows symlinks: /bin/sh -> dash


class Rig:
    """Owns everything the run creates; cleanup() removes all of it."""

    def __init__(self):
        if os.geteuid() != 0:
            raise SystemExit("the bench must run as root (chroot, a throwaway user, sshd)")
        os.makedirs(SAFE_BASE, mode=0o711, exist_ok=True)
        os.chmod(SAFE_BASE, 0o711)
        self.run_dir = tempfile.mkdtemp(prefix="run-", dir=SAFE_BASE)
        os.chmod(self.run_dir, 0o711)
        self.shm = tempfile.mkdtemp(prefix="wharf-bench-", dir="/dev/shm")
        os.chmod(self.shm, 0o755)
        self.user = f"wb{os.getpid() % 100000}"
        self.user_created = False
        self.host_root = os.path.join(self.shm, "root")  # root-owned 0755, like any chroot
        self.data = os.path.join(self.host_root, "data")  # "/data" for the clients
        self.local = os.path.join(self.shm, "local")  # the client's side
        # sshd checks every component of ChrootDirectory is root-owned and not group/world
        # writable; /dev/shm is 1777, so the chroot is named through a symlink under SAFE_BASE.
        self.chroot = os.path.join(self.run_dir, "root")
        self.key = os.path.join(self.run_dir, "user_key")
        self.host_key = os.path.join(self.run_dir, "ssh_host_ed25519_key")
        self.authorized_keys = os.path.join(self.run_dir, "authorized_keys")

    def prepare(self):
        # "*": no password, but not locked ("!" is, and sshd without PAM refuses locked accounts).
        run(["useradd", "-M", "-U", "-p", "*", "-d", "/data", "-s", "/bin/sh", self.user])
        self.user_created = True
        pw = pwd.getpwnam(self.user)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        os.makedirs(self.host_root, mode=0o755)
        os.makedirs(self.data, mode=0o755)
        os.chown(self.data, self.uid, self.gid)
        os.makedirs(self.local, mode=0o755)
        os.symlink(self.host_root, self.chroot)
        for b in ("/bin/sh", "/usr/bin/scp"):
            copy_with_libs(b, self.host_root)
        os.makedirs(os.path.join(self.host_root, "dev"), mode=0o755)  # scp opens /dev/null
        null = os.path.join(self.host_root, "dev", "null")
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.chmod(null, 0o666)
        os.makedirs(os.path.join(self.host_root, "etc"), mode=0o755)  # scp calls getpwuid
        with open(os.path.join(self.host_root, "etc", "passwd"), "w") as f:
            f.write(f"root:x:0:0::/:/bin/sh\n{self.user}:x:{self.uid}:{self.gid}::/data:/bin/sh\n")
        with open(os.path.join(self.host_root, "etc", "group"), "w") as f:
            f.write(f"root:x:0:\n{self.user}:x:{self.gid}:\n")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", self.key])
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench-host", "-f",
             self.host_key])
        shutil.copy(self.key + ".pub", self.authorized_keys)
        os.chmod(self.authorized_keys, 0o644)
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation dir

    def client_options(self, cipher, compression=False):
        opts = ["-F", "/dev/null", "-i", self.key, "-c", cipher]
        for o in ("IdentitiesOnly=yes", "StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null",
                  "BatchMode=yes", "LogLevel=ERROR", "ConnectTimeout=60",
                  "KexAlgorithms=curve25519-sha256", "HostKeyAlgorithms=ssh-ed25519",
                  f"Compression={'yes' if compression else 'no'}"):
            opts += ["-o", o]
        return opts

    def cleanup(self):
        shutil.rmtree(self.shm, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if self.user_created:
            subprocess.run(["userdel", self.user], capture_output=True, timeout=60)


class Server:
    """One server process (the listener); subclasses write the config and the command."""

    name = "?"
    wrapped = False
    meter = None

    def __init__(self, rig):
        self.rig = rig
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(rig.run_dir, f"{self.name}.log")

    def start(self, timeout=60.0):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.read_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                self.meter = procstat.cpu_meter(
                    self.proc.pid, f"wharf-bench-{self.name}-{self.proc.pid}")
                return self
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"{self.name} not listening: {self.read_log()}")

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")[-4000:]

    def listener(self):
        """The listener's pid (below the profiler when WHARF_BENCH_WRAP runs one)."""
        if self.wrapped:
            return min(procstat.children_map().get(self.proc.pid, [self.proc.pid]))
        return self.proc.pid

    def cpu_seconds(self):
        """All CPU of the server so far; call after settle()."""
        return self.meter.seconds()

    def settle(self):
        if not procstat.wait_no_descendants(self.listener()):
            raise RuntimeError(f"{self.name}: connection processes still running")

    def pss_kib(self):
        return procstat.tree_pss_kib(self.listener())

    def processes(self):
        return 1 + len(procstat.descendants(self.listener()))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "meter", None):
            self.meter.close()


class OpenSshd(Server):
    name = "openssh"

    def command(self):
        r = self.rig
        config = os.path.join(r.run_dir, "sshd_config")
        with open(config, "w") as f:
            f.write(f"""\
ListenAddress 127.0.0.1
HostKey {r.host_key}
PidFile {r.run_dir}/sshd.pid
AuthorizedKeysFile {r.authorized_keys}
UsePAM no
StrictModes yes
PermitRootLogin no
AllowUsers {r.user}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostKeyAlgorithms ssh-ed25519
Ciphers {CIPHERS}
Subsystem sftp internal-sftp
ChrootDirectory {r.chroot}
MaxStartups 1000
UseDNS no
LogLevel {LOG_LEVEL}
""")
        return [SSHD, "-D", "-e", "-f", config, "-p", str(self.port)]

    def version(self):
        r = subprocess.run([SSHD, "-V"], capture_output=True, text=True, timeout=10)
        return (r.stderr or r.stdout).strip().splitlines()[0]


class Wharfd(Server):
    name = "wharf"

    def __init__(self, rig, binary):
        self.binary = binary
        super().__init__(rig)

    def command(self):
        r = self.rig
        users = os.path.join(r.run_dir, "wharf_users")
        with open(users, "w") as f:
            f.write(f"{r.user}::{r.uid}:{r.gid}:{r.chroot}\n")
        os.chmod(users, 0o644)
        state = os.path.join(r.run_dir, "wharf-state")
        os.makedirs(state, mode=0o711, exist_ok=True)
        config = os.path.join(r.run_dir, "wharfd_config")
        with open(config, "w") as f:
            f.write(f"""\
ListenAddress 127.0.0.1
StateDirectory {state}
HostKey {r.host_key}
VirtualUsersFile {users}
AuthorizedKeysFile {r.authorized_keys}
StrictModes yes
PermitRootLogin no
AllowUsers {r.user}
PubkeyAuthentication yes
PasswordAuthentication no
HostKeyAlgorithms ssh-ed25519
Ciphers {CIPHERS}
Subsystem sftp internal-sftp
ChrootDirectory {r.chroot}
MaxStartups 1000
PerSourcePenalties no
LogLevel {LOG_LEVEL}
""")
        # WHARF_BENCH_WRAP: a profiler to run wharfd under, e.g. "perf record -g -o /tmp/w.data"
        # (its figures then include the profiler's own CPU).
        wrap = os.environ.get("WHARF_BENCH_WRAP", "").split()
        self.wrapped = bool(wrap)
        return [*wrap, self.binary, "-D", "-e", "-f", config, "-p", str(self.port)]

    def version(self):
        r = subprocess.run([self.binary, "-V"], capture_output=True, text=True, timeout=10)
        return r.stdout.strip()
