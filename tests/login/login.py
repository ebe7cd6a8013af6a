"""Shared pieces of the login tests (issue 4): user keys, virtual and system users with their own
roots, a wharfd per module with pre-made host keys, and real-client runners (ssh, sftp, paramiko).

Import after putting <runfiles>/wharf/tests/lib and <runfiles>/wharf/tests/login on sys.path.
"""

import os
import pwd
import random
import re
import shutil
import subprocess
import tempfile
import time
import uuid

import wharfd
import wharftest

# Client options for every real OpenSSH client run: no host key prompts, no agent, no config.
CLIENT_OPTS = [
    "-F", "/dev/null",
    "-o", "StrictHostKeyChecking=no",
    "-o", "UserKnownHostsFile=/dev/null",
    "-o", "ConnectTimeout=20",
    "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none",
    "-o", "PasswordAuthentication=no",
    "-o", "KbdInteractiveAuthentication=no",
]
BATCH = ["-o", "BatchMode=yes"]

REFUSAL = "This service allows sftp and scp only"


def run(cmd, timeout=60, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def check(cmd, **kw):
    r = run(cmd, **kw)
    if r.returncode != 0:
        raise AssertionError(f"{cmd} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def keygen(directory, name, kind, bits=None):
    """A fresh unencrypted user key made by ssh-keygen; returns the private key path."""
    path = os.path.join(directory, name)
    cmd = ["ssh-keygen", "-q", "-N", "", "-t", kind, "-C", name, "-f", path]
    if bits:
        cmd += ["-b", str(bits)]
    check(cmd)
    return path


def public_line(key_path):
    with open(key_path + ".pub") as f:
        return f.read().strip()


def make_host_keys(state_dir):
    """Host keys made by ssh-keygen where wharfd looks for them (generating RSA under ASan is
    slow); 2048-bit RSA."""
    for name, kind, bits in [("ssh_host_ed25519_key", "ed25519", None),
                             ("ssh_host_ecdsa_key", "ecdsa", 256),
                             ("ssh_host_rsa_key", "rsa", 2048)]:
        if not os.path.exists(os.path.join(state_dir, name)):
            keygen(state_dir, name, kind, bits)


def host_fingerprint(state_dir, name="ssh_host_ed25519_key"):
    out = check(["ssh-keygen", "-l", "-E", "sha256", "-f",
                 os.path.join(state_dir, name + ".pub")]).stdout
    return out.split()[1]


def unique_name(prefix):
    return f"{prefix}{uuid.uuid4().hex[:8]}"


class Area:
    """A directory for one module's users and keys whose path passes StrictModes and that every
    user may traverse (0711 all the way up)."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="login-", dir=wharfd.safe_base())
        os.chmod(self.base, 0o711)
        self.keys = os.path.join(self.base, "keys")  # client side: root only
        os.mkdir(self.keys, 0o700)

    def cleanup(self):
        shutil.rmtree(self.base, ignore_errors=True)

    def key(self, kind, bits=None, name=None):
        name = name or unique_name(f"id_{kind}{bits or ''}_")
        return keygen(self.keys, name, kind, bits)

    def user_root(self, name, uid, gid, mode=0o755):
        """<base>/<name>: the user's root and home, owned by uid:gid, with a marker file, an etc/
        directory holding a marker and a planted symlink hostetc -> /etc."""
        root = os.path.join(self.base, name)
        os.mkdir(root)
        with open(os.path.join(root, "marker-root.txt"), "w") as f:
            f.write("root marker\n")
        os.mkdir(os.path.join(root, "etc"))
        with open(os.path.join(root, "etc", "marker-inner.txt"), "w") as f:
            f.write("inner\n")
        os.symlink("/etc", os.path.join(root, "hostetc"))
        chown_tree(root, uid, gid)
        os.chmod(root, mode)
        return root


def open_site(m):
    """What every login module starts from, kept in its dict `m`: a state directory with pre-made
    host keys ("state") and an Area ("area")."""
    m["state"] = wharfd.make_state_dir()
    make_host_keys(m["state"])
    m["area"] = Area()
    return m["area"]


def one_user(m, prefix, uids, keys=(), password=""):
    """A virtual user named `prefix`..., with a uid drawn from range `uids`, its own root and
    `keys` authorized, as the only entry of a VirtualUsersFile. Keeps "user", "uid" and "root" in
    `m` and returns the wharfd config line that serves it (with LogLevel VERBOSE)."""
    uid = m["uid"] = random.randint(uids[0], uids[1])
    name = m["user"] = unique_name(prefix)
    root = m["root"] = m["area"].user_root(name, uid, uid)
    if keys:
        authorize(root, [public_line(k) for k in keys], uid, uid)
    hsh = password_hash(password) if password else ""
    users = write_users_file(os.path.join(m["area"].base, "users"), [(name, hsh, uid, uid, root)])
    return f"VirtualUsersFile {users}\nLogLevel VERBOSE\n"


def close_site(m):
    """Stops the module's server, if it started, and removes what open_site() made."""
    if "server" in m:
        m["server"].stop()
    m["area"].cleanup()
    shutil.rmtree(m["state"], ignore_errors=True)


def chown_tree(path, uid, gid):
    for dirpath, dirnames, filenames in os.walk(path):
        os.lchown(dirpath, uid, gid)
        for n in dirnames + filenames:
            os.lchown(os.path.join(dirpath, n), uid, gid)


def authorize(root, lines, uid, gid, file_mode=0o600, dir_mode=0o700):
    """Writes <root>/.ssh/authorized_keys (replacing it) owned by uid:gid."""
    ssh_dir = os.path.join(root, ".ssh")
    os.makedirs(ssh_dir, exist_ok=True)
    path = os.path.join(ssh_dir, "authorized_keys")
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.chown(ssh_dir, uid, gid)
    os.chown(path, uid, gid)
    os.chmod(ssh_dir, dir_mode)
    os.chmod(path, file_mode)
    return path


def write_users_file(path, entries):
    """A VirtualUsersFile: entries are (name, hash, uid, gid, home); uid/gid may be ''."""
    with open(path, "w") as f:
        for name, hsh, uid, gid, home in entries:
            f.write(f"{name}:{hsh}:{uid}:{gid}:{home}:login test user\n")
    os.chmod(path, 0o644)
    return path


def password_hash(password):
    """An Argon2id hash from //auth:wharf-passwd (password on stdin)."""
    r = subprocess.run([wharftest.runfile("auth/wharf-passwd")], input=password + "\n",
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"wharf-passwd failed: {r.stderr}")
    hsh = r.stdout.strip().splitlines()[-1].strip()
    if not hsh.startswith("$argon2id$"):
        raise AssertionError(f"unexpected wharf-passwd output: {r.stdout!r}")
    return hsh


class SystemUser:
    """A system account made with useradd (removed by remove()); its home is its root."""

    def __init__(self, area, prefix="wlt"):
        self.name = unique_name(prefix)
        self.home = os.path.join(area.base, self.name)
        cmd = ["useradd", "--no-create-home", "--home-dir", self.home, "--shell", "/bin/false",
               "--user-group", self.name]
        for _ in range(40):  # other tests may hold the passwd/group locks for a moment
            r = run(cmd)
            if r.returncode == 0 or "lock" not in r.stderr:
                break
            time.sleep(0.25)
        if r.returncode != 0:
            raise AssertionError(f"useradd failed ({r.returncode}): {r.stderr}")
        pw = pwd.getpwnam(self.name)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid
        self.root = area.user_root(self.name, self.uid, self.gid)

    def remove(self):
        for _ in range(40):
            r = run(["userdel", self.name])
            if r.returncode == 0 or "lock" not in r.stderr:
                return
            time.sleep(0.25)


def sftp(server, user, key, commands, extra=(), timeout=90):
    """Runs the real sftp client in batch mode; returns CompletedProcess."""
    batch = os.path.join(wharftest.tmpdir(), unique_name("batch-"))
    with open(batch, "w") as f:
        f.write("".join(c + "\n" for c in commands))
    cmd = ["sftp", *CLIENT_OPTS, *BATCH, "-P", str(server.port), "-b", batch]
    if key:
        cmd += ["-i", key]
    cmd += [*extra, f"{user}@127.0.0.1"]
    return run(cmd, timeout=timeout)


def ssh(server, user, key, *args, extra=(), timeout=60, input=None):
    cmd = ["ssh", *CLIENT_OPTS, *BATCH, "-p", str(server.port)]
    if key:
        cmd += ["-i", key]
    cmd += [*extra, f"{user}@127.0.0.1", *args]
    if input is not None:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input)
    return run(cmd, timeout=timeout)


def server(state_dir, config_text, overrides=()):
    """A wharfd not yet started (use it in a `with` block)."""
    return wharfd.Wharfd(state_dir=state_dir, config_text=config_text, overrides=list(overrides))


def start(state_dir, config_text, overrides=()):
    return server(state_dir, config_text, overrides).start()


def paramiko_key(path):
    import paramiko
    for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return cls.from_private_key_file(path)
        except (paramiko.SSHException, ValueError):
            continue
    raise AssertionError(f"paramiko cannot read {path}")


def paramiko_transport(server, timeout=20):
    """A paramiko client Transport with key exchange done, not authenticated."""
    import paramiko
    import socket
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    t = paramiko.Transport(sock)
    t.banner_timeout = timeout
    t.start_client(timeout=timeout)
    return t


def wait_inactive(transport, timeout):
    """Seconds until the paramiko transport is no longer active, or None after `timeout`."""
    start_t = time.monotonic()
    while time.monotonic() - start_t < timeout:
        if not transport.is_active():
            return time.monotonic() - start_t
        time.sleep(0.05)
    return None


def log_lines_since(server, mark, pattern):
    return [line for line in server.read_log()[mark:].splitlines() if re.search(pattern, line)]


def summary(text):
    print("\n== summary: " + text, flush=True)
