// aes{128,192,256}-ctr (RFC 4344) with hmac-sha2-256/512 (RFC 6668) or hmac-sha1 (RFC 4253), in
// the original encrypt-and-MAC order of RFC 4253 section 6.4: the whole packet, length included,
// is encrypted, and the MAC covers uint32 seq || the unencrypted packet.
#pragma once

#include <string_view>

#include "transport/crypto/ctr_mac_parts.h"

namespace wharf::transport::crypto {

class AesCtrHmacSealer final : public AesCtrWithMac<PacketSealer> {
 public:
  using AesCtrWithMac::AesCtrWithMac;
  bool padding_excludes_length() const override { return false; }
  void seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) override;
};

class AesCtrHmacOpener final : public AesCtrWithMac<PacketOpener> {
 public:
  using AesCtrWithMac::AesCtrWithMac;
  bool padding_excludes_length() const override { return false; }
  size_t first_block_size() const override { return 4; }
  // Decrypts the length with a peek at the keystream, leaving the stream where it was.
  uint32_t read_length(uint32_t seq, const uint8_t* first_block) override;
  // The MAC is over the plaintext, so this decrypts first and verifies before returning.
  void open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) override;
};

}  // namespace wharf::transport::crypto
