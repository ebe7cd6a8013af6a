"""A one-connection TCP proxy that flips one bit of the client-to-server stream at a given offset
counted from the first byte after the client's NEWKEYS (OpenSSH's regress/integrity.sh idea).
Before NEWKEYS the stream is parsed as unprotected packets to find that point."""

import socket
import struct
import threading

MSG_NEWKEYS = 21


class FlipProxy:
    def __init__(self, target_port, flip_at, timeout=30.0):
        self.target_port = target_port
        self.flip_at = flip_at
        self.timeout = timeout
        self.flipped = False
        self.encrypted_bytes = 0  # client bytes seen after NEWKEYS
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(timeout)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def join(self):
        self.thread.join(self.timeout)
        self.listener.close()

    def _run(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        try:
            server = socket.create_connection(("127.0.0.1", self.target_port), timeout=self.timeout)
        except OSError:
            client.close()
            return
        for s in (client, server):
            s.settimeout(self.timeout)
        back = threading.Thread(target=self._copy, args=(server, client), daemon=True)
        back.start()
        self._tamper(client, server)
        back.join(self.timeout)
        client.close()
        server.close()

    @staticmethod
    def _copy(src, dst):
        try:
            while True:
                b = src.recv(65536)
                if not b:
                    break
                dst.sendall(b)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _tamper(self, src, dst):
        pending = b""
        phase = "ident"
        try:
            while True:
                b = src.recv(65536)
                if not b:
                    break
                pending += b
                out, pending, phase = self._classify(pending, phase)
                if out:
                    dst.sendall(out)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _classify(self, data, phase):
        """Returns (bytes to forward now, bytes kept back, phase)."""
        out = b""
        if phase == "ident":
            if b"\n" not in data:
                return b"", data, phase
            line, data = data.split(b"\n", 1)
            out, phase = line + b"\n", "packets"
        while phase == "packets" and len(data) >= 6:
            length = struct.unpack(">I", data[:4])[0]
            if len(data) < 4 + length:
                break
            packet, data = data[:4 + length], data[4 + length:]
            out += packet
            if packet[5] == MSG_NEWKEYS:
                phase = "encrypted"
        if phase != "encrypted":
            return out, data, phase
        chunk = bytearray(data)
        index = self.flip_at - self.encrypted_bytes
        if 0 <= index < len(chunk):
            chunk[index] ^= 0x01
            self.flipped = True
        self.encrypted_bytes += len(chunk)
        return out + bytes(chunk), b"", phase
