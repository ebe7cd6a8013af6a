#include "transport/crypto/algorithms.h"

#include <stdexcept>
#include <string>

#include "transport/crypto/aes_ctr_hmac.h"
#include "transport/crypto/aes_ctr_hmac_etm.h"
#include "transport/crypto/aes_gcm.h"
#include "transport/crypto/chacha20_poly1305.h"
#include "transport/crypto/none.h"

#ifdef WHARF_FUZZING
#include "transport/crypto/fuzz_none.h"  // fuzz builds only (tools/fuzz)
#endif

namespace wharf::transport::crypto {
namespace {

// Sizes as OpenSSH's cipher.c and mac.c list them.
constexpr CipherInfo kCiphers[] = {
    {"none", 0, 0, 8, false},
    {"chacha20-poly1305@openssh.com", 64, 0, 8, true},
    {"aes128-gcm@openssh.com", 16, 12, 16, true},
    {"aes256-gcm@openssh.com", 32, 12, 16, true},
    {"aes128-ctr", 16, 16, 16, false},
    {"aes192-ctr", 24, 16, 16, false},
    {"aes256-ctr", 32, 16, 16, false},
#ifdef WHARF_FUZZING
    kFuzzNoneCipherInfo,
#endif
};

constexpr MacInfo kMacs[] = {
    {"none", 0, 0, false, ""},
    {"hmac-sha2-256-etm@openssh.com", 32, 32, true, "HMAC(SHA-256)"},
    {"hmac-sha2-512-etm@openssh.com", 64, 64, true, "HMAC(SHA-512)"},
    {"hmac-sha1-etm@openssh.com", 20, 20, true, "HMAC(SHA-1)"},
    {"hmac-sha2-256", 32, 32, false, "HMAC(SHA-256)"},
    {"hmac-sha2-512", 64, 64, false, "HMAC(SHA-512)"},
    {"hmac-sha1", 20, 20, false, "HMAC(SHA-1)"},
};

enum class Kind { kNone, kChaCha, kGcm, kCtr, kCtrEtm };

// Validates names and key sizes and says which construction to build.
Kind resolve(std::string_view cipher, std::string_view mac, const KeyMaterial& keys,
             const MacInfo** mac_out) {
  const CipherInfo* c = find_cipher(cipher);
  if (c == nullptr) throw std::invalid_argument("unknown cipher " + std::string(cipher));
  if (keys.enc_key.size() != c->key_len || keys.iv.size() != c->iv_len) {
    throw std::invalid_argument("wrong key or IV size for " + std::string(cipher));
  }
#ifdef WHARF_FUZZING
  if (c->name == kFuzzNoneCipher) return Kind::kNone;
#endif
  if (c->is_aead) return c->name.starts_with("chacha20") ? Kind::kChaCha : Kind::kGcm;
  const MacInfo* m = find_mac(mac);
  if (m == nullptr) throw std::invalid_argument("unknown MAC " + std::string(mac));
  if (keys.mac_key.size() != m->key_len) {
    throw std::invalid_argument("wrong key size for " + std::string(mac));
  }
  *mac_out = m;
  const bool no_cipher = c->name == "none";
  const bool no_mac = m->name == "none";
  if (no_cipher && no_mac) return Kind::kNone;
  // Half protection (a cipher without a MAC or the reverse) is never offered.
  if (no_cipher || no_mac) throw std::invalid_argument("cipher and MAC must both be set");
  return m->etm ? Kind::kCtrEtm : Kind::kCtr;
}

}  // namespace

const CipherInfo* find_cipher(std::string_view name) {
  for (const CipherInfo& c : kCiphers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const MacInfo* find_mac(std::string_view name) {
  for (const MacInfo& m : kMacs) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::unique_ptr<PacketSealer> make_sealer(std::string_view cipher, std::string_view mac,
                                          const KeyMaterial& keys) {
  const MacInfo* m = nullptr;
  switch (resolve(cipher, mac, keys, &m)) {
    case Kind::kNone:
      return make_none_sealer();
    case Kind::kChaCha:
      return std::make_unique<ChaChaPolySealer>(keys);
    case Kind::kGcm:
      return std::make_unique<AesGcmSealer>(keys);
    case Kind::kCtr:
      return std::make_unique<AesCtrHmacSealer>(keys, m->botan_name, m->tag_len);
    case Kind::kCtrEtm:
      return std::make_unique<AesCtrEtmSealer>(keys, m->botan_name, m->tag_len);
  }
  throw std::logic_error("unreachable");
}

std::unique_ptr<PacketOpener> make_opener(std::string_view cipher, std::string_view mac,
                                          const KeyMaterial& keys) {
  const MacInfo* m = nullptr;
  switch (resolve(cipher, mac, keys, &m)) {
    case Kind::kNone:
      return make_none_opener();
    case Kind::kChaCha:
      return std::make_unique<ChaChaPolyOpener>(keys);
    case Kind::kGcm:
      return std::make_unique<AesGcmOpener>(keys);
    case Kind::kCtr:
      return std::make_unique<AesCtrHmacOpener>(keys, m->botan_name, m->tag_len);
    case Kind::kCtrEtm:
      return std::make_unique<AesCtrEtmOpener>(keys, m->botan_name, m->tag_len);
  }
  throw std::logic_error("unreachable");
}

std::unique_ptr<PacketSealer> make_none_sealer() { return std::make_unique<NoneSealer>(); }
std::unique_ptr<PacketOpener> make_none_opener() { return std::make_unique<NoneOpener>(); }

}  // namespace wharf::transport::crypto
