"""The expected outcome of every client message number 1..255 in every protocol state, kept as
data and written from the RFCs, not from the server's own table (transport/legality.cc), which
the test only cross-checks.

Each state maps message ranges to the set of outcomes the standards allow; where an RFC leaves
the receiver free (a client violating a MUST), the set lists every acceptable reaction, and Wharf's
documented choice (ARCHITECTURE.md: "Connection-layer messages before auth end the connection";
issue 3: "no rekey before auth completes") narrows it where it is a stated policy.

Outcomes:
  ignore   nothing is sent back and the connection stays in its state
  unimpl   SSH_MSG_UNIMPLEMENTED naming the packet's sequence number (RFC 4253 section 11.4),
           connection stays
  closed   the connection ends without a reply (the client's own DISCONNECT)
  disc:N   SSH_MSG_DISCONNECT with reason code N (RFC 4250 section 4.2.2), then EOF
  reply:T  the server answers with message T (the normal reply)
  kex      the message starts key exchange (checked by completing ECDH)
  newkeys  the message switches keys (checked by a SERVICE_REQUEST under the new keys)

States (how the test reaches them):
  prekex            identification exchanged, nothing sent yet (server KEXINIT may have arrived)
  kex_strict        both KEXINITs exchanged, client offered kex-strict-c-v00@openssh.com
  kex_nonstrict     both KEXINITs exchanged, no strict KEX
  kexdone_strict    server's ECDH_REPLY and NEWKEYS received, client NEWKEYS not sent (strict)
  kexdone_nonstrict the same without strict KEX
  keys              NEWKEYS both ways, no SERVICE_REQUEST yet
  userauth          ssh-userauth accepted, no USERAUTH_REQUEST yet
  auth              one USERAUTH_REQUEST "none" answered with FAILURE (during auth)
  conn              USERAUTH_SUCCESS, no channel
  channel           USERAUTH_SUCCESS, one session channel open (no program started)
"""

DISC = "disc:2"  # SSH_DISCONNECT_PROTOCOL_ERROR

STATES = ["prekex", "kex_strict", "kex_nonstrict", "kexdone_strict", "kexdone_nonstrict", "keys",
          "userauth", "auth", "conn", "channel"]

# Unassigned numbers of the transport layer's generic and negotiation ranges (RFC 4250 4.1.2).
UNASSIGNED_TRANSPORT = list(range(9, 20)) + list(range(22, 30))


def _rules_before_keys():
    # RFC 4253 section 11.4: unrecognized messages get UNIMPLEMENTED. Before KEXINIT the client
    # has not yet said whether it wants strict KEX (whose PROTOCOL 1.10 rule then ends the
    # connection at its KEXINIT), so unknown numbers are answered as the RFC says. Assigned
    # messages that have no place before key exchange (service, auth and connection layers,
    # KEX-method messages without a KEXINIT) are protocol errors.
    return [
        (1, 1, {"closed"}, "DISCONNECT"),
        (2, 4, {"ignore"}, "IGNORE, UNIMPLEMENTED, DEBUG: RFC 4253 11.2-11.3"),
        (5, 7, {DISC}, "SERVICE_*, EXT_INFO before keys"),
        (8, 8, {"unimpl", DISC}, "NEWCOMPRESS (RFC 8308 draft, withdrawn): unknown"),
        (9, 19, {"unimpl"}, "unassigned transport numbers"),
        (20, 20, {"kex"}, "KEXINIT starts key exchange"),
        (21, 21, {DISC}, "NEWKEYS without a key exchange"),
        (22, 29, {"unimpl"}, "unassigned negotiation numbers"),
        (30, 49, {DISC}, "KEX method messages before KEXINIT"),
        (50, 127, {DISC}, "auth and connection protocol before keys"),
        (128, 255, {"unimpl"}, "client protocols / local extensions: unknown"),
    ]


def _rules_strict_kex(done):
    # OpenSSH PROTOCOL 1.10: during the initial strict KEX any message other than the key
    # exchange's own (and DISCONNECT) ends the connection.
    own = (21, 21, {"newkeys"}, "NEWKEYS") if done else (30, 30, {"reply:31"}, "ECDH_INIT")
    rules = [(1, 1, {"closed"}, "DISCONNECT"), own]
    rest = [(m, m, {DISC}, "strict KEX violation") for m in range(2, 256)
            if m != own[0]]
    return rules + rest


def _rules_nonstrict_kex(done):
    # RFC 4253 section 7.1: between KEXINIT and NEWKEYS only transport generic messages (1-19,
    # not SERVICE_*), negotiation (20-29, no second KEXINIT) and method messages (30-49).
    rules = [
        (1, 1, {"closed"}, "DISCONNECT"),
        (2, 4, {"ignore"}, "generic"),
        (5, 6, {DISC}, "SERVICE_* MUST NOT be sent during KEX"),
        (7, 7, {DISC}, "EXT_INFO only right after NEWKEYS (RFC 8308 2.4)"),
        (8, 19, {"unimpl"}, "allowed generic numbers, unknown"),
        (20, 20, {DISC}, "a second KEXINIT MUST NOT be sent"),
        (22, 29, {"unimpl"}, "allowed negotiation numbers, unknown"),
        (50, 255, {DISC}, "MUST NOT be sent during KEX"),
    ]
    if done:
        rules += [(21, 21, {"newkeys"}, "NEWKEYS"),
                  (30, 49, {DISC}, "method messages after the method finished")]
    else:
        rules += [(21, 21, {DISC}, "NEWKEYS before the method finished"),
                  (30, 30, {"reply:31"}, "ECDH_INIT (RFC 5656 4)"),
                  (31, 49, {DISC}, "not a client message of curve25519-sha256")]
    # NEWCOMPRESS (8) is in the generic range: unknown here.
    return rules


def _rules_after_keys(state):
    pre_auth = state in ("keys", "userauth", "auth")
    userauth_on = state in ("userauth", "auth")
    rules = [
        (1, 1, {"closed"}, "DISCONNECT"),
        (2, 4, {"ignore"}, "generic"),
        (8, 19, {"unimpl"}, "unknown transport numbers (RFC 4253 11.4)"),
        (21, 21, {DISC}, "NEWKEYS outside a key exchange"),
        (22, 29, {"unimpl"}, "unknown negotiation numbers"),
        (30, 49, {DISC}, "KEX method messages outside a key exchange"),
        (51, 53, {DISC}, "server-to-client auth messages"),
        (54, 59, {DISC, "unimpl"}, "unassigned auth numbers (a server may treat the whole "
                                   "auth range as known)"),
        (60, 60, {DISC}, "PK_OK is server-to-client"),
        (61, 79, {DISC, "unimpl"}, "method-specific numbers of methods not offered"),
        (101, 127, {"unimpl"} if not pre_auth else {DISC, "unimpl"},
         "unassigned connection numbers"),
        (128, 255, {"unimpl"}, "client protocols / local extensions: unknown"),
    ]
    # SERVICE_ACCEPT is the server's message.
    rules.append((6, 6, {DISC}, "SERVICE_ACCEPT from a client"))
    # RFC 8308 2.4: a client's EXT_INFO is the next packet after its first NEWKEYS; elsewhere it
    # breaks a MUST, and ignoring it (it is informational) or disconnecting are both allowed.
    rules.append((7, 7, {"ignore"} if state == "keys" else {"ignore", DISC}, "EXT_INFO"))
    if pre_auth:
        rules.append((5, 5, {"reply:6"}, "SERVICE_REQUEST ssh-userauth (RFC 4253 10)"))
        # Wharf policy (issue 3): no key re-exchange before authentication.
        rules.append((20, 20, {DISC}, "KEXINIT before auth: Wharf refuses re-exchange"))
        if userauth_on:
            rules.append((50, 50, {"reply:51"}, "USERAUTH_REQUEST none -> FAILURE (RFC 4252 5.2)"))
        else:
            rules.append((50, 50, {DISC, "unimpl"}, "USERAUTH_REQUEST before the service"))
        # ARCHITECTURE.md: connection-layer messages before auth end the connection.
        rules.append((80, 100, {DISC}, "connection protocol before authentication"))
        return rules
    rules += [
        (5, 5, {DISC, "unimpl"}, "SERVICE_REQUEST after authentication"),
        (20, 20, {"reply:20"}, "KEXINIT: re-exchange, server answers with its KEXINIT"),
        (50, 50, {"ignore"}, "USERAUTH_REQUEST after success: ignored (RFC 4252 5.1)"),
        (80, 80, {"reply:82"}, "keepalive@openssh.com want-reply: REQUEST_FAILURE (RFC 4254 4)"),
        (81, 82, {DISC, "ignore"}, "a reply to a global request never sent"),
        (83, 89, {"unimpl"}, "unassigned connection numbers"),
        (90, 90, {"reply:91"}, "CHANNEL_OPEN session: confirmation (RFC 4254 5.1)"),
        (91, 92, {DISC}, "open confirmation/failure for a channel we never opened"),
        (99, 100, {DISC}, "channel request reply for a request never sent"),
    ]
    if state == "conn":
        rules.append((93, 98, {DISC}, "channel messages for an unknown channel (RFC 4254 5)"))
    else:
        rules += [
            (93, 93, {"ignore"}, "WINDOW_ADJUST by 1"),
            (94, 95, {"ignore"}, "DATA/EXTENDED_DATA within the window, no program yet"),
            (96, 96, {"ignore"}, "EOF"),
            (97, 97, {"reply:97"}, "CLOSE answered with CLOSE (RFC 4254 5.3)"),
            (98, 98, {"reply:100"}, "env want-reply: CHANNEL_FAILURE (RFC 4254 6.4)"),
        ]
    return rules


def table():
    """{state: {message: (frozenset of outcomes, note)}} for messages 1..255."""
    out = {}
    for state in STATES:
        if state == "prekex":
            rules = _rules_before_keys()
        elif state in ("kex_strict", "kexdone_strict"):
            rules = _rules_strict_kex(done=state == "kexdone_strict")
        elif state in ("kex_nonstrict", "kexdone_nonstrict"):
            rules = _rules_nonstrict_kex(done=state == "kexdone_nonstrict")
        else:
            rules = _rules_after_keys(state)
        cells = {}
        for first, last, outcomes, note in rules:
            for m in range(first, last + 1):
                if m in cells:
                    raise ValueError(f"{state}: message {m} has two rules")
                cells[m] = (frozenset(outcomes), note)
        missing = [m for m in range(1, 256) if m not in cells]
        if missing:
            raise ValueError(f"{state}: no rule for {missing}")
        out[state] = cells
    return out
