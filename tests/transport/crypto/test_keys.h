// Test helpers: every cipher/MAC combination Wharf offers, deterministic keys for them, and hex.
#pragma once

#include <botan/hex.h>

#include <ostream>
#include <string>
#include <vector>

#include "transport/crypto/algorithms.h"
#include "transport/crypto/protection.h"

namespace wharf::transport::crypto::testing {

struct Combo {
  std::string cipher;
  std::string mac;  // "none" for AEAD ciphers and for the none cipher
  std::string label() const { return cipher + "+" + mac; }
};

inline void PrintTo(const Combo& c, std::ostream* os) { *os << c.label(); }

// AEAD ciphers once, each CTR cipher with every MAC, and none+none.
inline std::vector<Combo> all_combos(bool include_none = true) {
  std::vector<Combo> out;
  if (include_none) out.push_back({"none", "none"});
  for (const char* c :
       {"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}) {
    out.push_back({c, "none"});
  }
  for (const char* c : {"aes128-ctr", "aes192-ctr", "aes256-ctr"}) {
    for (const char* m :
         {"hmac-sha2-256", "hmac-sha2-512", "hmac-sha1", "hmac-sha2-256-etm@openssh.com",
          "hmac-sha2-512-etm@openssh.com", "hmac-sha1-etm@openssh.com"}) {
      out.push_back({c, m});
    }
  }
  return out;
}

inline Botan::secure_vector<uint8_t> pattern(size_t n, uint8_t seed) {
  Botan::secure_vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + 7 * i);
  return v;
}

// Keys of the right sizes for `combo`, different for each seed.
inline KeyMaterial keys_for(const Combo& combo, uint8_t seed = 1) {
  const CipherInfo* c = find_cipher(combo.cipher);
  const MacInfo* m = find_mac(combo.mac);
  const size_t mac_len = (c->is_aead || m == nullptr) ? 0 : m->key_len;
  return KeyMaterial{pattern(c->iv_len, seed), pattern(c->key_len, seed + 50),
                     pattern(mac_len, seed + 100)};
}

inline std::vector<uint8_t> unhex(const std::string& h) { return Botan::hex_decode(h); }
inline std::string hex(const uint8_t* p, size_t n) { return Botan::hex_encode(p, n, false); }

}  // namespace wharf::transport::crypto::testing
