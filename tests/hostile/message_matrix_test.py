#!/usr/bin/python3
"""Every client message number 1..255 in every protocol state (issue 8), against the table of
expected outcomes in expected_outcomes.py (written from RFCs 4250-4254, 8308 and OpenSSH's
strict KEX, and cross-checked here against what wharfd, driven by transport/legality.cc, does).

Each (state, message) cell sends one plausible payload for that number to a raw client in that
state, observes the server's reaction (DISCONNECT and its reason, UNIMPLEMENTED and its sequence
number, a normal reply, or silence confirmed by a probe that must still be answered) and checks
it is one the table allows. Connections are reused while the outcome leaves them in their state;
cells run in parallel threads. One test case per state (select with -k STATE).
"""

import os
import queue
import socket
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/lib"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/interop"))
sys.path.insert(0, os.path.join(os.environ.get("TEST_SRCDIR", ""), "wharf/tests/hostile"))
import expected_outcomes  # noqa: E402
import hostile  # noqa: E402
import rawssh  # noqa: E402
import wharftest  # noqa: E402
from rawssh import sshstr, u32  # noqa: E402

SERVER = None
TABLE = expected_outcomes.table()
THREADS = 6
FIRST_REPLY_TIMEOUT = 5.0
PROBE = bytes([200])  # unknown after keys: UNIMPLEMENTED in every state from `keys` on


def setUpModule():
    global SERVER
    SERVER = hostile.Server()


def tearDownModule():
    hostile.FIGURES.print()
    if SERVER:
        SERVER.stop()


def payload(m):
    """A plausible payload for message number m (empty where the number has no meaning)."""
    body = {
        1: u32(11) + sshstr("bye") + sshstr(""),
        2: sshstr("noise"),
        3: u32(0),
        4: b"\0" + sshstr("debug") + sshstr(""),
        5: sshstr("ssh-userauth"),
        6: sshstr("ssh-userauth"),
        7: u32(0),
        50: sshstr("demo") + sshstr("ssh-connection") + sshstr("none"),
        51: sshstr("publickey") + b"\0",
        53: sshstr("banner") + sshstr(""),
        60: sshstr("ssh-ed25519") + sshstr(sshstr("ssh-ed25519") + sshstr(b"\1" * 32)),
        80: sshstr("keepalive@openssh.com") + b"\1",
        90: sshstr("session") + u32(7) + u32(1 << 20) + u32(32768),
        91: u32(0) + u32(5) + u32(1 << 20) + u32(32768),
        92: u32(0) + u32(2) + sshstr("no") + sshstr(""),
        93: u32(0) + u32(1),
        94: u32(0) + sshstr("x"),
        95: u32(0) + u32(1) + sshstr("x"),
        96: u32(0),
        97: u32(0),
        98: u32(0) + sshstr("env") + b"\1" + sshstr("A") + sshstr("b"),
        99: u32(0),
        100: u32(0),
    }
    if m == 20:
        return rawssh.kexinit(["curve25519-sha256"])
    if m == rawssh.MSG_KEX_ECDH_INIT:
        return hostile.ecdh_init_payload()
    return bytes([m]) + body.get(m, b"")


class StateClient:
    """A raw client in one state, with the probe that shows the state is still alive."""

    def __init__(self, state):
        self.state = state
        self.finish = None
        port = SERVER.port
        self.background = set(hostile.BACKGROUND)
        if state == "prekex":
            self.c = hostile.connect(port)
            self.background.add(rawssh.MSG_KEXINIT)
        elif state.startswith("kex_"):
            self.c = hostile.start_kex(port, strict=state == "kex_strict")
        elif state.startswith("kexdone_"):
            self.c, self.finish = hostile.kex_done(port, strict=state == "kexdone_strict")
        elif state == "keys":
            self.c = hostile.with_keys(port)
        elif state in ("userauth", "auth"):
            self.c = hostile.with_keys(port)
            hostile.service_request(self.c)
            if state == "auth":
                self.c.send(payload(50))
                if hostile.recv_skipping(self.c)[0] != 51:
                    raise ValueError("none request not answered with FAILURE")
        else:
            self.c = hostile.login(SERVER)
            if state == "channel":
                ours, _, _ = hostile.open_session(self.c)
                if ours != 0:
                    raise ValueError(f"first channel got id {ours}")

    def send_probe(self):
        """Sends the probe; returns (expected reply type, sequence number it names or None)."""
        c = self.c
        if self.state == "prekex":
            c.send(rawssh.kexinit(["curve25519-sha256"]))
            c.send(hostile.ecdh_init_payload())
            return rawssh.MSG_KEX_ECDH_REPLY, None
        if self.state.startswith("kex_"):
            c.send(hostile.ecdh_init_payload())
            return rawssh.MSG_KEX_ECDH_REPLY, None
        if self.state.startswith("kexdone_"):
            self.finish()
            c.send(bytes([rawssh.MSG_SERVICE_REQUEST]) + sshstr("ssh-userauth"))
            return rawssh.MSG_SERVICE_ACCEPT, None
        seq = c.send_seq
        c.send(PROBE)
        return rawssh.MSG_UNIMPLEMENTED, seq

    def next_packet(self):
        while True:
            p = self.c.recv()
            if p[0] not in self.background:
                return p

    def close(self):
        self.c.close()


def is_unimplemented(p, seq):
    return p[0] == rawssh.MSG_UNIMPLEMENTED and rawssh.Reader(p[1:]).u32() == seq


def run_cell(sc, m, permitted):
    """Sends message m in sc's state; returns (observed outcome, reusable connection?)."""
    c = sc.c
    seq = c.send_seq
    special_probe = None
    try:
        if sc.state.startswith("kexdone_") and m == rawssh.MSG_NEWKEYS:
            sc.finish()
            c.send(bytes([rawssh.MSG_SERVICE_REQUEST]) + sshstr("ssh-userauth"))
            special_probe = rawssh.MSG_SERVICE_ACCEPT
        else:
            c.send(payload(m))
        if sc.state == "prekex" and m == rawssh.MSG_KEXINIT:
            c.send(hostile.ecdh_init_payload())
            special_probe = rawssh.MSG_KEX_ECDH_REPLY
        probe = None
        if special_probe is None and permitted & {"ignore", "unimpl"}:
            probe = sc.send_probe()
    except (BrokenPipeError, ConnectionResetError):
        probe = None  # the server already closed; what it said is still in the socket
    c.sock.settimeout(FIRST_REPLY_TIMEOUT)
    try:
        first = sc.next_packet()
    except rawssh.Eof:
        return "closed", False
    except socket.timeout:
        return "silent", False
    if first[0] == rawssh.MSG_DISCONNECT:
        _, _, eof = hostile.observe_end(c, timeout=FIRST_REPLY_TIMEOUT)
        return (f"disc:{hostile.disconnect_reason(first)}" if eof else "disc-without-eof"), False
    if special_probe is not None:
        if first[0] == special_probe:
            return ("kex" if m == rawssh.MSG_KEXINIT else "newkeys"), False
        return f"reply:{first[0]}", False
    if first[0] == rawssh.MSG_UNIMPLEMENTED:
        named = rawssh.Reader(first[1:]).u32()
        if probe and probe[1] is not None and named == probe[1]:
            return "ignore", True
        if named != seq:
            return f"unimpl-wrong-seq:{named}!={seq}", False
        if probe:
            second = sc.next_packet()
            ok = second[0] == probe[0] and (probe[1] is None or is_unimplemented(second, probe[1]))
            return ("unimpl" if ok else f"unimpl-then:{second[0]}"), ok and probe[1] is not None
        return "unimpl", False
    if probe and first[0] == probe[0] and probe[1] is None:
        return "ignore", False
    return f"reply:{first[0]}", False


def compress(pairs):
    """[(m, outcome)] sorted by m as "first-last:outcome" runs."""
    runs = []
    for m, o in pairs:
        if runs and runs[-1][2] == o and runs[-1][1] == m - 1:
            runs[-1][1] = m
        else:
            runs.append([m, m, o])
    return ", ".join(f"{a}-{b}:{o}" if a != b else f"{a}:{o}" for a, b, o in runs)


# Cells that leave the connection in another state even when ignored.
STATEFUL = {("channel", 96)}


class MessageMatrix(unittest.TestCase):
    def check_state(self, state):
        cells = TABLE[state]
        work = queue.Queue()
        for m in range(1, 256):
            work.put(m)
        failures, choices = [], []
        lock = threading.Lock()

        def worker():
            sc = None
            while True:
                try:
                    m = work.get_nowait()
                except queue.Empty:
                    break
                permitted, note = cells[m]
                try:
                    if sc is None:
                        sc = StateClient(state)
                    observed, reusable = run_cell(sc, m, permitted)
                except Exception as e:  # noqa: BLE001 - reported as the cell's failure
                    observed, reusable = f"error:{type(e).__name__}:{e}", False
                hostile.FIGURES.add("message_state_cells_tried")
                with lock:
                    if observed in permitted:
                        hostile.FIGURES.add("message_state_cells_passed")
                        if len(permitted) > 1:
                            choices.append((m, observed))
                    else:
                        failures.append((m, observed, sorted(permitted), note))
                if not reusable or (state, m) in STATEFUL:
                    if sc is not None:
                        sc.close()
                    sc = None
            if sc is not None:
                sc.close()

        threads = [threading.Thread(target=worker) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        print(f"{state}: server's choice where the RFCs allow several outcomes: "
              f"{compress(sorted(choices))}", flush=True)
        SERVER.assert_up(self)
        failures.sort()
        self.assertEqual(failures, [], "\n".join(
            f"{state} message {m}: got {o}, expected one of {p} ({n})"
            for m, o, p, n in failures))


def add_cases():
    for state in expected_outcomes.STATES:
        setattr(MessageMatrix, f"test_{state}", lambda self, s=state: self.check_state(s))


add_cases()

if __name__ == "__main__":
    wharftest.main()
