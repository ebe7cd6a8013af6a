#!/usr/bin/python3
"""Cross-checks the packet layer against independent implementations.

aes*-ctr with hmac-sha1/hmac-sha2-256/512 (and -etm) and zlib: paramiko's Packetizer, both ways.
aes*-gcm@openssh.com and chacha20-poly1305@openssh.com (paramiko 2.12 has neither): written here
from RFC 5647 / PROTOCOL.chacha20poly1305 over OpenSSL's primitives (python3-cryptography).
"""

import os
import random
import struct
import subprocess
import sys
import unittest
import zlib

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
import wharftest  # noqa: E402

from cryptography.hazmat.backends import default_backend  # noqa: E402
from cryptography.hazmat.primitives import poly1305  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
import hashlib  # noqa: E402
import paramiko  # noqa: E402
from paramiko.compress import ZlibCompressor, ZlibDecompressor  # noqa: E402
from paramiko.packet import Packetizer  # noqa: E402

TOOL = wharftest.runfile("tests/transport/packet/packet_tool")
MACS = {
    "hmac-sha1": (hashlib.sha1, 20, 20),
    "hmac-sha2-256": (hashlib.sha256, 32, 32),
    "hmac-sha2-512": (hashlib.sha512, 64, 64),
    "hmac-sha2-256-etm@openssh.com": (hashlib.sha256, 32, 32),
    "hmac-sha2-512-etm@openssh.com": (hashlib.sha512, 64, 64),
}


def tool(mode, cipher, mac, iv, key, mac_key, data, zlib_on=False):
    args = [TOOL, mode, cipher, mac, iv.hex() or "-", key.hex() or "-", mac_key.hex() or "-"]
    if zlib_on:
        args.append("zlib")
    proc = subprocess.run(args, input=data, capture_output=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def payloads(rng, n=40):
    out = []
    for i in range(n):
        size = rng.choice([1, 2, 15, 16, 17, 100, 1000, 5000, 32768])
        body = bytes(rng.getrandbits(8) if rng.random() < 0.5 else 97 for _ in range(size - 1))
        out.append(bytes([94]) + body)
    return out


def hexlines(ps):
    return b"".join(p.hex().encode() + b"\n" for p in ps)


def unhexlines(out):
    return [bytes.fromhex(line) for line in out.decode().split()]


class Paramiko(unittest.TestCase):
    """aes-ctr + HMAC (+etm) and zlib against paramiko.Packetizer over a socketpair."""

    class Pipe:
        """The socket a Packetizer writes to and reads from, in memory."""

        def __init__(self, data=b""):
            self.data = bytearray(data)

        def send(self, b):
            self.data += b
            return len(b)

        def recv(self, n):
            if not self.data:
                raise EOFError("packetizer read past the end")
            out = bytes(self.data[:n])
            del self.data[:n]
            return out

        def close(self):
            pass

    def ctr(self, key, iv, encrypt):
        c = Cipher(algorithms.AES(key), modes.CTR(iv), backend=default_backend())
        return c.encryptor() if encrypt else c.decryptor()

    def check(self, cipher, mac, zlib_on):
        rng = random.Random(cipher + mac + str(zlib_on))
        klen = {"aes128-ctr": 16, "aes192-ctr": 24, "aes256-ctr": 32}[cipher]
        engine, mac_key_len, tag_len = MACS[mac]
        etm = "etm@openssh.com" in mac
        key, iv = os.urandom(klen), os.urandom(16)
        mac_key = os.urandom(mac_key_len)
        sent = payloads(rng)

        # paramiko -> wharf
        pipe = self.Pipe()
        pk = Packetizer(pipe)
        pk.set_outbound_cipher(self.ctr(key, iv, True), 16, engine, tag_len, mac_key, True, etm)
        if zlib_on:
            pk.set_outbound_compressor(ZlibCompressor())
        for p in sent:
            pk.send_message(paramiko.Message(p))
        wire = bytes(pipe.data)
        rc, out, err = tool("decode", cipher, mac, iv, key, mac_key, wire, zlib_on)
        self.assertEqual(rc, 0, err)
        self.assertEqual(unhexlines(out), sent)

        # wharf -> paramiko
        rc, wire, err = tool("encode", cipher, mac, iv, key, mac_key, hexlines(sent), zlib_on)
        self.assertEqual(rc, 0, err)
        pipe = self.Pipe(wire)
        pk = Packetizer(pipe)
        pk.set_inbound_cipher(self.ctr(key, iv, False), 16, engine, tag_len, mac_key, etm)
        if zlib_on:
            pk.set_inbound_compressor(ZlibDecompressor())
        for p in sent:
            cmd, m = pk.read_message()
            self.assertEqual(bytes([cmd]) + m.asbytes(), p)
        self.assertEqual(len(pipe.data), 0)

    def test_ctr_hmac_every_mac(self):
        for cipher in ("aes128-ctr", "aes192-ctr", "aes256-ctr"):
            for mac in MACS:
                with self.subTest(cipher=cipher, mac=mac):
                    self.check(cipher, mac, False)

    def test_zlib(self):
        self.check("aes256-ctr", "hmac-sha2-256-etm@openssh.com", True)


def pad_packet(payload, block, rng):
    padlen = block - ((1 + len(payload)) % block)  # length field excluded (AEAD)
    if padlen < 4:
        padlen += block
    body = bytes([padlen]) + payload + bytes(rng.getrandbits(8) for _ in range(padlen))
    return struct.pack(">I", len(body)), body


def unpad(body):
    return body[1 : len(body) - body[0]]


class Gcm:
    """RFC 5647 as OpenSSH does it, over OpenSSL's AES-GCM."""

    def __init__(self, key, iv):
        self.aead, self.fixed, self.counter = AESGCM(key), iv[:4], int.from_bytes(iv[4:], "big")

    def nonce(self):
        n = self.fixed + self.counter.to_bytes(8, "big")
        self.counter = (self.counter + 1) % (1 << 64)
        return n

    def seal(self, seq, length, body):
        return length + self.aead.encrypt(self.nonce(), body, length)

    def open(self, wire):
        length = wire[:4]
        n = struct.unpack(">I", length)[0]
        body = self.aead.decrypt(self.nonce(), wire[4 : 4 + n + 16], length)
        return body, wire[4 + n + 16 :]


class ChaCha:
    """PROTOCOL.chacha20poly1305 over OpenSSL's ChaCha20 (16-byte nonce = LE counter || nonce)
    and Poly1305."""

    def __init__(self, key):
        self.k2, self.k1 = key[:32], key[32:]

    @staticmethod
    def stream(key, seq, counter):
        nonce = counter.to_bytes(8, "little") + seq.to_bytes(8, "big")
        return Cipher(algorithms.ChaCha20(key, nonce), None, backend=default_backend()).encryptor()

    def poly_key(self, seq):
        return self.stream(self.k2, seq, 0).update(bytes(32))

    def seal(self, seq, length, body):
        enc = self.stream(self.k1, seq, 0).update(length) + self.stream(self.k2, seq, 1).update(body)
        return enc + poly1305.Poly1305.generate_tag(self.poly_key(seq), enc)

    def open_at(self, seq, wire):
        n = struct.unpack(">I", self.stream(self.k1, seq, 0).update(wire[:4]))[0]
        enc, tag = wire[: 4 + n], wire[4 + n : 4 + n + 16]
        poly1305.Poly1305.verify_tag(self.poly_key(seq), enc, tag)
        return self.stream(self.k2, seq, 1).update(enc[4:]), wire[4 + n + 16 :]


class Aead(unittest.TestCase):
    def roundtrip(self, cipher, make, key, iv, block):
        rng = random.Random(cipher)
        sent = payloads(rng)
        # python -> wharf
        impl = make()
        wire = b""
        for seq, p in enumerate(sent):
            length, body = pad_packet(p, block, rng)
            wire += impl.seal(seq, length, body)
        rc, out, err = tool("decode", cipher, "none", iv, key, b"", wire)
        self.assertEqual(rc, 0, err)
        self.assertEqual(unhexlines(out), sent)
        # a flipped bit in the last packet is a MAC error (reason 5)
        bad = bytearray(wire)
        bad[-20] ^= 0x10
        rc, _, err = tool("decode", cipher, "none", iv, key, b"", bytes(bad))
        self.assertEqual((rc, err.split()[0]), (2, b"5"), err)
        # wharf -> python
        rc, wire, err = tool("encode", cipher, "none", iv, key, b"", hexlines(sent))
        self.assertEqual(rc, 0, err)
        impl = make()
        got = []
        for seq in range(len(sent)):
            if isinstance(impl, ChaCha):
                body, wire = impl.open_at(seq, wire)
            else:
                body, wire = impl.open(wire)
            self.assertGreaterEqual(body[0], 4)  # padding length
            self.assertEqual(len(body) % block, 0)  # aligned without the length field
            got.append(unpad(body))
        self.assertEqual(wire, b"")
        self.assertEqual(got, sent)

    def test_aes_gcm(self):
        for name, klen in (("aes128-gcm@openssh.com", 16), ("aes256-gcm@openssh.com", 32)):
            with self.subTest(cipher=name):
                key, iv = os.urandom(klen), os.urandom(4) + b"\xff" * 7 + b"\xf0"
                self.roundtrip(name, lambda: Gcm(key, iv), key, iv, 16)

    def test_chacha20_poly1305(self):
        key = os.urandom(64)
        self.roundtrip("chacha20-poly1305@openssh.com", lambda: ChaCha(key), key, b"", 8)


if __name__ == "__main__":
    wharftest.main()
