// Which incoming message is legal in which state: one table, consulted before any dispatch
// (ARCHITECTURE.md, "Security rules"). RFC 4253 section 7.1 (messages during key exchange),
// OpenSSH PROTOCOL section 1.10 (strict KEX), RFC 4252 section 5.1 and RFC 4254 section 1.
#pragma once

#include <cstdint>

#include "transport/errors.h"

namespace wharf::transport {

enum class Phase {
  kAwaitKexInit,  // after the identification exchange, before the client's first KEXINIT
  kPreAuth,       // keys in use, user authentication not yet successful
  kPostAuth,      // authenticated: the connection protocol runs
};

struct LegalityState {
  Phase phase = Phase::kAwaitKexInit;
  bool in_kex = false;                 // the client sent KEXINIT and not yet NEWKEYS
  bool initial_kex = true;             // the first key exchange of the connection is not finished
  bool strict_kex = false;             // kex-strict-c-v00@openssh.com was negotiated
  bool kex_ready_for_newkeys = false;  // the key exchange method has finished
};

enum class Verdict {
  kDispatch,       // hand to the handler for this message
  kIgnore,         // accepted and dropped (IGNORE, DEBUG, late USERAUTH_REQUEST, ...)
  kUnimplemented,  // answer SSH_MSG_UNIMPLEMENTED
  kDisconnect,     // protocol violation: end the connection
};

struct Legality {
  Verdict verdict;
  DisconnectReason reason = DisconnectReason::kProtocolError;
};

Legality check_incoming(const LegalityState& state, uint8_t message);

}  // namespace wharf::transport
