"""A minimal raw SSH-2 client for hostile tests: it speaks exactly what a test asks, byte for byte.

It does the identification exchange, builds packets (RFC 4253 section 6) with any length or
padding, runs curve25519-sha256 (RFC 8731) with an ssh-ed25519 host key whose signature it
verifies, derives keys (RFC 4253 section 7.2) and then protects packets with aes128-ctr +
hmac-sha2-256, its encrypt-then-MAC variant (OpenSSH PROTOCOL 1.6) or aes128-gcm@openssh.com
(RFC 5647 as amended by OpenSSH PROTOCOL 1.7), so lengths and padding can be forged after NEWKEYS
too. Crypto comes from python3-cryptography (a paramiko dependency).
"""

import hashlib
import hmac
import os
import socket
import struct
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MSG_DISCONNECT = 1
MSG_IGNORE = 2
MSG_UNIMPLEMENTED = 3
MSG_SERVICE_REQUEST = 5
MSG_SERVICE_ACCEPT = 6
MSG_KEXINIT = 20
MSG_NEWKEYS = 21
MSG_KEX_ECDH_INIT = 30
MSG_KEX_ECDH_REPLY = 31

STRICT_C = "kex-strict-c-v00@openssh.com"
STRICT_S = "kex-strict-s-v00@openssh.com"


class Eof(Exception):
    """The server closed the connection (or reset it)."""


def u32(n):
    return struct.pack(">I", n)


def sshstr(b):
    if isinstance(b, str):
        b = b.encode()
    return u32(len(b)) + b


def namelist(names):
    return sshstr(",".join(names))


def mpint_from_bytes(b):
    """An unsigned big-endian number as an mpint (RFC 4251 section 5)."""
    b = b.lstrip(b"\0")
    if b and b[0] & 0x80:
        b = b"\0" + b
    return sshstr(b)


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("short read")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def string(self):
        return self.take(self.u32())

    def names(self):
        s = self.string().decode()
        return s.split(",") if s else []


def kexinit(kex, host_keys=("ssh-ed25519",), ciphers=("aes128-ctr",), macs=("hmac-sha2-256",),
            compression=("none",)):
    """A KEXINIT payload (RFC 4253 section 7.1) with a random cookie."""
    return (bytes([MSG_KEXINIT]) + os.urandom(16) + namelist(kex) + namelist(host_keys) +
            namelist(ciphers) * 2 + namelist(macs) * 2 + namelist(compression) * 2 +
            namelist([]) * 2 + b"\0" + u32(0))


def parse_kexinit(payload):
    r = Reader(payload)
    assert r.u8() == MSG_KEXINIT
    r.take(16)
    fields = [r.names() for _ in range(10)]
    return {"kex": fields[0], "host_key": fields[1], "cipher": fields[2], "mac": fields[4],
            "compression": fields[6]}


def plain_packet(payload, block=8, pad=None, pad_claim=None):
    """An unprotected binary packet; `pad` forces the amount of padding and `pad_claim` the
    padding length byte (default: the amount)."""
    if pad is None:
        pad = block - (5 + len(payload)) % block
        if pad < 4:
            pad += block
    claim = pad if pad_claim is None else pad_claim
    return u32(1 + len(payload) + pad) + bytes([claim]) + payload + os.urandom(pad)


class Protection:
    """One direction's keys for one of the three supported constructions."""

    def __init__(self, mode, iv, key, mac_key, encrypt):
        self.mode = mode
        if mode == "aes128-gcm@openssh.com":
            self.aead = AESGCM(key[:16])
            self.fixed = iv[:4]
            self.counter = int.from_bytes(iv[4:12], "big")
        else:
            c = Cipher(algorithms.AES(key[:16]), modes.CTR(iv[:16]))
            self.ctx = c.encryptor() if encrypt else c.decryptor()
            self.mac_key = mac_key[:32]

    @property
    def etm(self):
        return self.mode == "aes128-ctr+hmac-sha2-256-etm@openssh.com"

    @property
    def gcm(self):
        return self.mode == "aes128-gcm@openssh.com"

    def mac(self, seq, data):
        return hmac.new(self.mac_key, u32(seq) + data, hashlib.sha256).digest()

    def nonce(self):
        n = self.fixed + self.counter.to_bytes(8, "big")
        self.counter = (self.counter + 1) % (1 << 64)
        return n


MODES = {
    # mode name: (cipher name, MAC name) as put in KEXINIT
    "aes128-ctr+hmac-sha2-256": ("aes128-ctr", "hmac-sha2-256"),
    "aes128-ctr+hmac-sha2-256-etm@openssh.com": ("aes128-ctr", "hmac-sha2-256-etm@openssh.com"),
    "aes128-gcm@openssh.com": ("aes128-gcm@openssh.com", "hmac-sha2-256"),
}


class RawClient:
    def __init__(self, port, ident=b"SSH-2.0-WharfInterop_raw", timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.ident_c = ident
        self.out = None  # Protection after our NEWKEYS
        self.inp = None  # Protection after the server's NEWKEYS
        self.send_seq = 0
        self.recv_seq = 0
        self.sock.sendall(ident + b"\r\n")
        self.ident_s = self.read_line()
        self.server_kexinit = None

    def close(self):
        self.sock.close()

    # --- bytes -----------------------------------------------------------------------------
    def _fill(self, n):
        while len(self.buf) < n:
            try:
                b = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                b = b""
            if not b:
                raise Eof(f"EOF after {len(self.buf)} of {n} bytes")
            self.buf += b

    def read_exact(self, n):
        self._fill(n)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_line(self):
        """The server's identification line (RFC 4253 section 4.2), without CR LF."""
        while True:
            while b"\n" not in self.buf:
                self._fill(len(self.buf) + 1)
            line, self.buf = self.buf.split(b"\n", 1)
            line = line.rstrip(b"\r")
            if line.startswith(b"SSH-"):
                return line

    def send_raw(self, data):
        self.sock.sendall(data)

    # --- packets ---------------------------------------------------------------------------
    def send(self, payload, pad=None, pad_claim=None):
        """Sends one packet with the current outbound protection (see plain_packet)."""
        if self.out is None:
            self.send_raw(plain_packet(payload, 8, pad, pad_claim))
        else:
            self.send_raw(self._protect(payload, pad, pad_claim))
        self.send_seq = (self.send_seq + 1) % (1 << 32)

    def _protect(self, payload, pad=None, pad_claim=None):
        p = self.out
        body_aligned = p.etm or p.gcm  # the length field is outside the padding alignment
        if pad is None:
            pad = 16 - ((1 if body_aligned else 5) + len(payload)) % 16
            if pad < 4:
                pad += 16
        length = 1 + len(payload) + pad
        body = bytes([pad if pad_claim is None else pad_claim]) + payload + os.urandom(pad)
        if p.gcm:
            return u32(length) + p.aead.encrypt(p.nonce(), body, u32(length))
        if p.etm:
            enc = p.ctx.update(body)
            return u32(length) + enc + p.mac(self.send_seq, u32(length) + enc)
        plain = u32(length) + body
        return p.ctx.update(plain) + p.mac(self.send_seq, plain)

    def protect(self, payload):
        """One protected packet's bytes, not sent (for tampering); advances the sequence."""
        data = self._protect(payload)
        self.send_seq = (self.send_seq + 1) % (1 << 32)
        return data

    def send_forged_length(self, length, extra=60):
        """Sends a packet header claiming `length`, followed by `extra` protected bytes: the
        server has to judge the length before it can see (or check) anything else."""
        filler = os.urandom(extra)
        if self.out is None:
            self.send_raw(u32(length) + filler)
        elif self.out.gcm or self.out.etm:
            self.send_raw(u32(length) + filler)
        else:
            self.send_raw(self.out.ctx.update(u32(length) + filler))

    def recv(self):
        """One packet's payload."""
        if self.inp is None:
            length = struct.unpack(">I", self.read_exact(4))[0]
            if length > 300000:
                raise ValueError(f"server sent packet length {length}")
            body = self.read_exact(length)
            payload = body[1:length - body[0]]
        else:
            payload = self._unprotect()
        self.recv_seq = (self.recv_seq + 1) % (1 << 32)
        return payload

    def _unprotect(self):
        p = self.inp
        if p.gcm:
            head = self.read_exact(4)
            length = struct.unpack(">I", head)[0]
            body = p.aead.decrypt(p.nonce(), self.read_exact(length + 16), head)
        elif p.etm:
            head = self.read_exact(4)
            length = struct.unpack(">I", head)[0]
            enc = self.read_exact(length)
            mac = self.read_exact(32)
            if not hmac.compare_digest(mac, p.mac(self.recv_seq, head + enc)):
                raise ValueError("bad MAC from server")
            body = p.ctx.update(enc)
        else:
            first = p.ctx.update(self.read_exact(16))
            length = struct.unpack(">I", first[:4])[0]
            rest = p.ctx.update(self.read_exact(length + 4 - 16))
            plain = first + rest
            mac = self.read_exact(32)
            if not hmac.compare_digest(mac, p.mac(self.recv_seq, plain)):
                raise ValueError("bad MAC from server")
            body = plain[4:]
        return body[1:len(body) - body[0]]

    def recv_kexinit(self):
        while self.server_kexinit is None:
            payload = self.recv()
            if payload[0] == MSG_KEXINIT:
                self.server_kexinit = payload
            elif payload[0] not in (MSG_IGNORE,):
                raise ValueError(f"unexpected message {payload[0]} before KEXINIT")
        return parse_kexinit(self.server_kexinit)

    def read_all_packets(self, timeout=15.0):
        """Packets until EOF (or `timeout`). Returns (list of payloads, saw_eof)."""
        self.sock.settimeout(0.5)
        deadline = time.monotonic() + timeout
        out = []
        while time.monotonic() < deadline:
            try:
                out.append(self.recv())
            except Eof:
                return out, True
            except socket.timeout:
                continue
        return out, False

    # --- key exchange ----------------------------------------------------------------------
    def key_exchange(self, mode="aes128-ctr+hmac-sha2-256", strict=True, ignore_first=False):
        """curve25519-sha256 with an ssh-ed25519 host key; returns after both NEWKEYS with the
        keys in use. Raises on a bad signature."""
        cipher, mac = MODES[mode]
        kex = ["curve25519-sha256"] + ([STRICT_C] if strict else [])
        self.client_kexinit = kexinit(kex, ciphers=[cipher], macs=[mac])
        if ignore_first:
            self.send(bytes([MSG_IGNORE]) + sshstr(b"noise"))
        self.send(self.client_kexinit)
        self.recv_kexinit()
        self.strict = strict and STRICT_S in parse_kexinit(self.server_kexinit)["kex"]
        reply = self.ecdh(X25519PrivateKey.generate())
        self.session_id = reply[1]  # RFC 4253 section 7.2: H of the first exchange
        self.install_keys(mode, *reply)
        return self

    def ecdh(self, secret):
        q_c = secret.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.send(bytes([MSG_KEX_ECDH_INIT]) + sshstr(q_c))
        payload = self.recv()
        if payload[0] != MSG_KEX_ECDH_REPLY:
            raise ValueError(f"expected KEX_ECDH_REPLY, got message {payload[0]}")
        r = Reader(payload[1:])
        k_s, q_s, sig = r.string(), r.string(), r.string()
        k = mpint_from_bytes(secret.exchange(X25519PublicKey.from_public_bytes(q_s)))
        h = hashlib.sha256(sshstr(self.ident_c) + sshstr(self.ident_s) +
                           sshstr(self.client_kexinit) + sshstr(self.server_kexinit) +
                           sshstr(k_s) + sshstr(q_c) + sshstr(q_s) + k).digest()
        kr, sr = Reader(k_s), Reader(sig)
        if kr.string() != b"ssh-ed25519" or sr.string() != b"ssh-ed25519":
            raise ValueError("not an ssh-ed25519 host key or signature")
        Ed25519PublicKey.from_public_bytes(kr.string()).verify(sr.string(), h)  # raises
        self.host_key_blob = k_s
        return k, h

    def install_keys(self, mode, k, h):
        def derive(letter):  # RFC 4253 section 7.2 (32 bytes is enough for every key here)
            return hashlib.sha256(k + h + letter + h).digest()
        if self.recv()[0] != MSG_NEWKEYS:
            raise ValueError("expected NEWKEYS")
        self.inp = Protection(mode, derive(b"B"), derive(b"D"), derive(b"F"), encrypt=False)
        self.send(bytes([MSG_NEWKEYS]))
        self.out = Protection(mode, derive(b"A"), derive(b"C"), derive(b"E"), encrypt=True)
        if self.strict:  # OpenSSH PROTOCOL 1.10: sequence numbers restart at NEWKEYS
            self.send_seq = self.recv_seq = 0
