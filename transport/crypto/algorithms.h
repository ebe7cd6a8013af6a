// The cipher and MAC names Wharf knows, their key sizes, and factories for one direction.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "transport/crypto/protection.h"

namespace wharf::transport::crypto {

struct CipherInfo {
  std::string_view name;
  size_t key_len;
  size_t iv_len;
  size_t block_size;
  bool is_aead;  // carries its own tag; the negotiated MAC is ignored (RFC 5647 section 5.1)
};

struct MacInfo {
  std::string_view name;
  size_t key_len;
  size_t tag_len;
  bool etm;                     // encrypt-then-MAC (OpenSSH PROTOCOL section 1.5)
  std::string_view botan_name;  // Botan's name for the MAC, e.g. "HMAC(SHA-256)"
};

// nullptr for a name we do not implement. "none" is known to both.
const CipherInfo* find_cipher(std::string_view name);
const MacInfo* find_mac(std::string_view name);

// Builds the protection for one direction. `mac` is ignored for AEAD ciphers. Throws
// std::invalid_argument for unknown names or keys of the wrong size.
std::unique_ptr<PacketSealer> make_sealer(std::string_view cipher, std::string_view mac,
                                          const KeyMaterial& keys);
std::unique_ptr<PacketOpener> make_opener(std::string_view cipher, std::string_view mac,
                                          const KeyMaterial& keys);

// The protection before the first NEWKEYS: no encryption, no MAC, block size 8.
std::unique_ptr<PacketSealer> make_none_sealer();
std::unique_ptr<PacketOpener> make_none_opener();

}  // namespace wharf::transport::crypto
