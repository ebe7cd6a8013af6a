#include "transport/crypto/kdf.h"

#include <botan/hash.h>

#include <stdexcept>
#include <string>

namespace wharf::transport::crypto {
namespace {

struct Sizes {
  size_t iv, key, mac;
};

Sizes sizes_for(std::string_view cipher, std::string_view mac) {
  const CipherInfo* c = find_cipher(cipher);
  if (c == nullptr) throw std::invalid_argument("unknown cipher " + std::string(cipher));
  if (c->is_aead) return {c->iv_len, c->key_len, 0};
  const MacInfo* m = find_mac(mac);
  if (m == nullptr) throw std::invalid_argument("unknown MAC " + std::string(mac));
  return {c->iv_len, c->key_len, m->key_len};
}

KeyMaterial derive_direction(std::string_view hash, wire::ByteView k, wire::ByteView h,
                             wire::ByteView sid, const char letters[3], Sizes sizes) {
  return KeyMaterial{derive_key(hash, k, h, letters[0], sid, sizes.iv),
                     derive_key(hash, k, h, letters[1], sid, sizes.key),
                     derive_key(hash, k, h, letters[2], sid, sizes.mac)};
}

}  // namespace

Botan::secure_vector<uint8_t> derive_key(std::string_view hash_name, wire::ByteView k_encoded,
                                         wire::ByteView h, char letter, wire::ByteView session_id,
                                         size_t length) {
  auto hash = Botan::HashFunction::create_or_throw(std::string(hash_name));
  Botan::secure_vector<uint8_t> out;
  out.reserve(length + hash->output_length());
  hash->update(k_encoded.data(), k_encoded.size());
  hash->update(h.data(), h.size());
  hash->update(static_cast<uint8_t>(letter));
  hash->update(session_id.data(), session_id.size());
  out = hash->final();
  // K_{n+1} = HASH(K || H || K_1 || ... || K_n); `out` holds K_1 || ... || K_n.
  while (out.size() < length) {
    hash->update(k_encoded.data(), k_encoded.size());
    hash->update(h.data(), h.size());
    hash->update(out.data(), out.size());
    const Botan::secure_vector<uint8_t> next = hash->final();
    out.insert(out.end(), next.begin(), next.end());
  }
  out.resize(length);
  return out;
}

SessionKeys derive_session_keys(std::string_view hash_name, wire::ByteView k_encoded,
                                wire::ByteView h, wire::ByteView session_id,
                                std::string_view cipher_c2s, std::string_view mac_c2s,
                                std::string_view cipher_s2c, std::string_view mac_s2c) {
  return SessionKeys{
      derive_direction(hash_name, k_encoded, h, session_id, "ACE", sizes_for(cipher_c2s, mac_c2s)),
      derive_direction(hash_name, k_encoded, h, session_id, "BDF", sizes_for(cipher_s2c, mac_s2c)),
  };
}

}  // namespace wharf::transport::crypto
