// The one-round exchange shared by curve25519, ECDH and the fixed DH groups:
//   client: SSH_MSG_KEX_ECDH_INIT / KEXDH_INIT (30)   Q_C or e
//   server: SSH_MSG_KEX_ECDH_REPLY / KEXDH_REPLY (31) K_S, Q_S or f, signature of H
// with H = HASH(V_C || V_S || I_C || I_S || K_S || Q_C/e || Q_S/f || K) (RFC 4253 section 8,
// RFC 5656 section 4, RFC 8731 section 3). The DH values travel as mpint, the others as string.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "transport/kex/agreement.h"
#include "transport/kex/kex.h"

namespace wharf::kex {

struct SingleRoundMethod {
  std::string hash;           // Botan hash name
  bool mpint_values = false;  // e and f are mpints (DH) rather than strings
  size_t max_value = 0;       // most bytes a public value may have
  std::function<std::unique_ptr<Agreement>()> make_agreement;
};

std::unique_ptr<ServerKex> make_single_round_server(SingleRoundMethod method, const KexContext& ctx,
                                                    SignFn sign);
std::unique_ptr<ClientKex> make_single_round_client(SingleRoundMethod method, const KexContext& ctx,
                                                    std::string host_key_algorithm);

}  // namespace wharf::kex
