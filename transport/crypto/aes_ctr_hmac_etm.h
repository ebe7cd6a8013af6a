// aes{128,192,256}-ctr with hmac-*-etm@openssh.com (OpenSSH PROTOCOL section 1.5): the packet
// length stays in the clear, everything after it is encrypted, and the MAC covers
// uint32 seq || packet_length || ciphertext, so it is checked before anything is decrypted.
#pragma once

#include <string_view>

#include "transport/crypto/ctr_mac_parts.h"

namespace wharf::transport::crypto {

class AesCtrEtmSealer final : public AesCtrWithMac<PacketSealer> {
 public:
  using AesCtrWithMac::AesCtrWithMac;
  bool padding_excludes_length() const override { return true; }
  void seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) override;
};

class AesCtrEtmOpener final : public AesCtrWithMac<PacketOpener> {
 public:
  using AesCtrWithMac::AesCtrWithMac;
  bool padding_excludes_length() const override { return true; }
  size_t first_block_size() const override { return 4; }
  uint32_t read_length(uint32_t seq, const uint8_t* first_block) override;
  void open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) override;
};

}  // namespace wharf::transport::crypto
