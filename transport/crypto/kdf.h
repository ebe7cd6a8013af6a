// Key derivation, RFC 4253 section 7.2.
#pragma once

#include <botan/secmem.h>

#include <cstddef>
#include <string_view>

#include "transport/crypto/algorithms.h"
#include "transport/crypto/protection.h"
#include "transport/wire.h"

namespace wharf::transport::crypto {

// HASH(K || H || letter || session_id), extended with HASH(K || H || K1 || ... || Kn) until
// `length` bytes exist. `k_encoded` is the shared secret exactly as it is hashed (an mpint with
// its length prefix, or a string for the KEMs); `hash_name` is Botan's name, e.g. "SHA-256".
Botan::secure_vector<uint8_t> derive_key(std::string_view hash_name, wire::ByteView k_encoded,
                                         wire::ByteView h, char letter, wire::ByteView session_id,
                                         size_t length);

struct SessionKeys {
  KeyMaterial client_to_server;  // IV "A", key "C", MAC key "E"
  KeyMaterial server_to_client;  // IV "B", key "D", MAC key "F"
};

// Derives all six keys for the negotiated algorithms of each direction. The MAC name is ignored
// (no MAC key) for AEAD ciphers. Throws std::invalid_argument for unknown names.
SessionKeys derive_session_keys(std::string_view hash_name, wire::ByteView k_encoded,
                                wire::ByteView h, wire::ByteView session_id,
                                std::string_view cipher_c2s, std::string_view mac_c2s,
                                std::string_view cipher_s2c, std::string_view mac_s2c);

}  // namespace wharf::transport::crypto
