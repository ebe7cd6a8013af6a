// diffie-hellman-group-exchange-sha256 (RFC 4419, RFC 8270):
//   client: KEX_DH_GEX_REQUEST (34) min, n, max   or REQUEST_OLD (30) n
//   server: KEX_DH_GEX_GROUP (31) p, g
//   client: KEX_DH_GEX_INIT (32) e
//   server: KEX_DH_GEX_REPLY (33) K_S, f, signature of H
// H = SHA-256(V_C || V_S || I_C || I_S || K_S || min || n || max || p || g || e || f || K), with
// only n in place of min, n, max after an old-style request (RFC 4419 section 5).
#pragma once

#include <memory>
#include <string>

#include "transport/kex/kex.h"
#include "transport/kex/moduli.h"

namespace wharf::kex {

std::unique_ptr<ServerKex> make_gex_server(const KexContext& ctx, SignFn sign,
                                           const Moduli& moduli);
std::unique_ptr<ClientKex> make_gex_client(const KexContext& ctx, std::string host_key_algorithm,
                                           GexRequest request);

}  // namespace wharf::kex
