"""A small SFTP client on libssh (the C library of KDE's kio, Remmina and ansible-pylibssh),
called through ctypes: Debian ships the library but no command-line client on it. Only what the
tests use: connect with a pinned host key, public-key login, and a few SFTP calls."""

import base64
import ctypes
import os

# enum ssh_options_e and enum ssh_publickey_hash_type, libssh 0.10 (libssh/libssh.h)
SSH_OPTIONS_HOST, SSH_OPTIONS_PORT, SSH_OPTIONS_USER = 0, 1, 4
SSH_OPTIONS_TIMEOUT, SSH_OPTIONS_PROCESS_CONFIG = 9, 38
SSH_PUBLICKEY_HASH_SHA256 = 2
SSH_OK = SSH_AUTH_SUCCESS = 0

_lib = None


def lib():
    global _lib
    if _lib is None:
        _lib = ctypes.CDLL("libssh.so.4")
        p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        for name, res, args in (
                ("ssh_new", p, []), ("ssh_free", None, [p]), ("ssh_disconnect", None, [p]),
                ("ssh_options_set", i, [p, i, p]), ("ssh_connect", i, [p]),
                ("ssh_get_error", s, [p]), ("ssh_get_server_publickey", i, [p, p]),
                ("ssh_get_publickey_hash", i, [p, i, p, p]), ("ssh_clean_pubkey_hash", None, [p]),
                ("ssh_key_free", None, [p]), ("ssh_pki_import_privkey_file", i, [s, s, p, p, p]),
                ("ssh_userauth_publickey", i, [p, s, p]), ("sftp_new", p, [p]),
                ("sftp_init", i, [p]), ("sftp_free", None, [p]), ("sftp_get_error", i, [p]),
                ("sftp_open", p, [p, s, i, ctypes.c_uint]), ("sftp_close", i, [p]),
                ("sftp_write", ctypes.c_ssize_t, [p, p, ctypes.c_size_t]),
                ("sftp_read", ctypes.c_ssize_t, [p, p, ctypes.c_size_t]),
                ("sftp_symlink", i, [p, s, s]), ("sftp_readlink", p, [p, s]),
                ("ssh_string_free_char", None, [p]), ("sftp_mkdir", i, [p, s, ctypes.c_uint]),
                ("sftp_rmdir", i, [p, s]), ("sftp_rename", i, [p, s, s]),
                ("sftp_unlink", i, [p, s])):
            fn = getattr(_lib, name)
            fn.restype, fn.argtypes = res, args
    return _lib


class SftpError(Exception):
    def __init__(self, what, code):
        super().__init__(f"{what}: SSH_FX {code}")
        self.code = code


class Client:
    """One connection and its SFTP session. `fingerprint` is ssh-keygen's "SHA256:..." form."""

    def __init__(self, port, user, key_path, fingerprint, timeout=20):
        L = lib()
        self.session = L.ssh_new()
        for opt, value in ((SSH_OPTIONS_HOST, ctypes.c_char_p(b"127.0.0.1")),
                           (SSH_OPTIONS_PORT, ctypes.c_uint(port)),
                           (SSH_OPTIONS_USER, ctypes.c_char_p(user.encode())),
                           (SSH_OPTIONS_TIMEOUT, ctypes.c_long(timeout)),
                           (SSH_OPTIONS_PROCESS_CONFIG, ctypes.c_int(0))):
            if L.ssh_options_set(self.session, opt, ctypes.byref(value)
                                 if not isinstance(value, ctypes.c_char_p) else value) != SSH_OK:
                raise OSError(f"ssh_options_set {opt}")
        self.sftp = None
        try:
            self._check(L.ssh_connect(self.session), "connect")
            self._check_host_key(fingerprint)
            key = ctypes.c_void_p()
            self._check(L.ssh_pki_import_privkey_file(key_path.encode(), None, None, None,
                                                      ctypes.byref(key)), "import key")
            try:
                self._check(L.ssh_userauth_publickey(self.session, None, key), "publickey auth")
            finally:
                L.ssh_key_free(key)
            self.sftp = L.sftp_new(self.session)
            if not self.sftp or L.sftp_init(self.sftp) != SSH_OK:
                raise OSError("sftp_init: " + L.ssh_get_error(self.session).decode())
        except BaseException:
            self.close()
            raise

    def _check(self, rc, what):
        if rc != SSH_OK:
            raise OSError(f"{what}: {rc}: {lib().ssh_get_error(self.session).decode()}")

    def _check_host_key(self, fingerprint):
        L = lib()
        key = ctypes.c_void_p()
        self._check(L.ssh_get_server_publickey(self.session, ctypes.byref(key)), "host key")
        digest, size = ctypes.c_void_p(), ctypes.c_size_t()
        try:
            self._check(L.ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256,
                                                 ctypes.byref(digest), ctypes.byref(size)),
                        "host key hash")
            got = ctypes.string_at(digest, size.value)
            L.ssh_clean_pubkey_hash(ctypes.byref(digest))
        finally:
            L.ssh_key_free(key)
        want = base64.b64decode(fingerprint.removeprefix("SHA256:") + "=")
        if got != want:
            raise OSError("host key fingerprint mismatch")

    def _sftp_check(self, rc, what):
        if rc != SSH_OK:
            raise SftpError(what, lib().sftp_get_error(self.sftp))

    def put(self, remote, data, mode=0o644):
        L = lib()
        f = L.sftp_open(self.sftp, remote.encode(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        if not f:
            raise SftpError("open " + remote, L.sftp_get_error(self.sftp))
        try:
            view = memoryview(data)
            while view:
                chunk = bytes(view[:65536])
                n = L.sftp_write(f, chunk, len(chunk))
                if n <= 0:
                    raise SftpError("write " + remote, L.sftp_get_error(self.sftp))
                view = view[n:]
        finally:
            L.sftp_close(f)

    def get(self, remote):
        L = lib()
        f = L.sftp_open(self.sftp, remote.encode(), os.O_RDONLY, 0)
        if not f:
            raise SftpError("open " + remote, L.sftp_get_error(self.sftp))
        out, buf = bytearray(), ctypes.create_string_buffer(65536)
        try:
            while True:
                n = L.sftp_read(f, buf, len(buf))
                if n < 0:
                    raise SftpError("read " + remote, L.sftp_get_error(self.sftp))
                if n == 0:
                    return bytes(out)
                out += buf.raw[:n]
        finally:
            L.sftp_close(f)

    def symlink(self, target, link):
        self._sftp_check(lib().sftp_symlink(self.sftp, target.encode(), link.encode()),
                         "symlink")

    def readlink(self, path):
        p = lib().sftp_readlink(self.sftp, path.encode())
        if not p:
            raise SftpError("readlink", lib().sftp_get_error(self.sftp))
        try:
            return ctypes.string_at(p).decode()
        finally:
            lib().ssh_string_free_char(p)

    def mkdir(self, path, mode=0o755):
        self._sftp_check(lib().sftp_mkdir(self.sftp, path.encode(), mode), "mkdir")

    def rmdir(self, path):
        self._sftp_check(lib().sftp_rmdir(self.sftp, path.encode()), "rmdir")

    def rename(self, old, new):
        self._sftp_check(lib().sftp_rename(self.sftp, old.encode(), new.encode()), "rename")

    def unlink(self, path):
        self._sftp_check(lib().sftp_unlink(self.sftp, path.encode()), "unlink")

    def close(self):
        L = lib()
        if self.sftp:
            L.sftp_free(self.sftp)
            self.sftp = None
        if self.session:
            L.ssh_disconnect(self.session)
            L.ssh_free(self.session)
            self.session = None
