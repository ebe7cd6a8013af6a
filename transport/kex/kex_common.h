// Pieces every key exchange method shares: the exchange hash H built field by field (RFC 4253
// section 8, RFC 5656 section 4, RFC 4419 section 3, RFC 8731 section 3), K's mpint encoding,
// the server signature check on the client side, and the errors.
#pragma once

#include <botan/bigint.h>
#include <botan/hash.h>
#include <botan/secmem.h>

#include <memory>
#include <string>

#include "transport/errors.h"
#include "transport/kex/kex.h"

namespace wharf::kex {

class ExchangeHash {
 public:
  explicit ExchangeHash(const std::string& hash_name);
  ExchangeHash& u32(uint32_t v);
  ExchangeHash& string(ByteView v);
  ExchangeHash& string(std::string_view v) { return string(wire::as_bytes(v)); }
  // A non-negative mpint given as big-endian bytes (leading zeros allowed).
  ExchangeHash& mpint(ByteView magnitude);
  ExchangeHash& mpint(const Botan::BigInt& v);
  // Bytes already in wire form (K as encode_shared_secret returns it).
  ExchangeHash& raw(ByteView v);
  // V_C, V_S, I_C, I_S, K_S: the fields every method's H starts with.
  ExchangeHash& prefix(const KexContext& ctx, ByteView host_key_blob);
  Bytes final();

 private:
  std::unique_ptr<Botan::HashFunction> hash_;
};

// K given as big-endian unsigned bytes (leading zeros allowed), in mpint wire form.
Botan::secure_vector<uint8_t> encode_shared_secret(const Botan::secure_vector<uint8_t>& k);

// Client side: checks K_S against ctx.host_key_blob (when set) and the signature over H.
void verify_server_signature(const KexContext& ctx, const std::string& host_key_algorithm,
                             ByteView host_key_blob, ByteView exchange_hash, ByteView signature);

[[noreturn]] void fail(transport::DisconnectReason reason, const std::string& message);
// A KEX message of the wrong type, or one after the exchange ended.
[[noreturn]] void unexpected_message(ByteView payload);

// Runs `decode` and turns wire::DecodeError into ProtocolError(kProtocolError).
template <typename F>
auto decode_message(const char* what, F&& decode) {
  try {
    return decode();
  } catch (const wire::DecodeError& e) {
    fail(transport::DisconnectReason::kProtocolError, std::string(what) + ": " + e.what());
  }
}

}  // namespace wharf::kex
