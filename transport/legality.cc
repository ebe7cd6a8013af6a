#include "transport/legality.h"

#include "transport/messages.h"

namespace wharf::transport {

namespace {

constexpr Legality kDispatch{Verdict::kDispatch};
constexpr Legality kIgnore{Verdict::kIgnore};
constexpr Legality kUnimplemented{Verdict::kUnimplemented};
constexpr Legality kViolation{Verdict::kDisconnect, DisconnectReason::kProtocolError};

// Numbers no SSH RFC Wharf speaks assigns in the transport's generic (1-19) and algorithm
// negotiation (20-29) ranges; 8 is RFC 8308's NEWCOMPRESS, for delay-compression, which Wharf
// does not offer.
bool unassigned_transport(uint8_t m) { return (m >= 8 && m <= 19) || (m >= 22 && m <= 29); }

// Messages a peer may always send outside a strict initial key exchange.
Legality generic(uint8_t m) {
  switch (m) {
    case msg::kDisconnect:
      return kDispatch;
    case msg::kIgnore:
    case msg::kDebug:
    case msg::kUnimplemented:
      return kIgnore;
    default:
      // RFC 4253 section 11.4: unrecognized messages MUST be answered with UNIMPLEMENTED.
      // During a key exchange section 7.1 allows numbers 1-29 only, so the rest stays an error.
      return unassigned_transport(m) ? kUnimplemented : kViolation;
  }
}

Legality after_keys(const LegalityState& s, uint8_t m);

// While the client is in key exchange it may send nothing but transport generic messages,
// KEX messages and NEWKEYS (RFC 4253 section 7.1); strict KEX also forbids the generic ones
// during the initial exchange (PROTOCOL 1.10), DISCONNECT aside.
Legality during_kex(const LegalityState& s, uint8_t m) {
  if (m >= msg::kKexFirst && m <= msg::kKexLast) {
    return s.kex_ready_for_newkeys ? kViolation : kDispatch;
  }
  if (m == msg::kNewKeys) return s.kex_ready_for_newkeys ? kDispatch : kViolation;
  if (m == msg::kDisconnect) return kDispatch;
  if (s.strict_kex && s.initial_kex) return kViolation;
  // Section 7.1 forbids a party to send anything but transport messages during a key exchange,
  // yet asyncssh keeps sending channel data after its own KEXINIT, and OpenSSH's dispatch only
  // restricts transport numbers (1-49) then. So in a re-exchange the user authentication and
  // connection protocols go on as after the keys; our replies wait for NEWKEYS (held output).
  if (!s.initial_kex && s.phase == Phase::kPostAuth && m >= msg::kUserauthRequest) {
    return after_keys(s, m);
  }
  return generic(m);
}

Legality after_keys(const LegalityState& s, uint8_t m) {
  if (m == msg::kDisconnect || m == msg::kIgnore || m == msg::kDebug || m == msg::kUnimplemented) {
    return generic(m);
  }
  if (m == msg::kKexInit) {
    // No key re-exchange before authentication (issue 3): it would only cost CPU pre-auth.
    return s.phase == Phase::kPostAuth ? kDispatch : kViolation;
  }
  if (m == msg::kExtInfo) return kIgnore;  // RFC 8308: informational; we never rely on it
  if (m == msg::kServiceRequest) return s.phase == Phase::kPreAuth ? kDispatch : kViolation;
  if (m < msg::kUserauthRequest) {
    // SERVICE_ACCEPT, NEWKEYS, KEX messages outside a key exchange: violations. Unassigned
    // transport numbers (8..19, 22..29) are unknown: UNIMPLEMENTED (RFC 4253 section 11.4).
    return unassigned_transport(m) || m == 0 ? kUnimplemented : kViolation;
  }
  if (m < msg::kGlobalRequest) {
    // User authentication: only requests, only before success; later ones are ignored
    // (RFC 4252 section 5.1). A client sending server messages (51-53, 60) is forging.
    if (m == msg::kUserauthRequest) return s.phase == Phase::kPreAuth ? kDispatch : kIgnore;
    return kViolation;
  }
  if (m < 128) {
    // Connection protocol: nothing of it before authentication succeeds (issue 4).
    if (s.phase != Phase::kPostAuth) return kViolation;
    bool assigned = (m >= msg::kGlobalRequest && m <= msg::kRequestFailure) ||
                    (m >= msg::kChannelOpen && m <= msg::kChannelFailure);
    return assigned ? kDispatch : kUnimplemented;
  }
  return kUnimplemented;  // 128-255: client protocols and local extensions we do not speak
}

}  // namespace

Legality check_incoming(const LegalityState& s, uint8_t m) {
  if (s.in_kex) return during_kex(s, m);
  if (s.phase == Phase::kAwaitKexInit) {
    // Strict KEX: KEXINIT must be the first packet. Whether the client asked for strict KEX is
    // only known from that KEXINIT, so the transport remembers earlier packets and checks then.
    if (m == msg::kKexInit) return kDispatch;
    if (m == 0 || m >= 128) return kUnimplemented;  // unknown numbers (RFC 4253 section 11.4)
    return generic(m);
  }
  return after_keys(s, m);
}

}  // namespace wharf::transport
