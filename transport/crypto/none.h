// The "none" protection in force before the first NEWKEYS (RFC 4253 section 6.3): cleartext,
// no MAC, block size 8.
#pragma once

#include "transport/crypto/protection.h"

namespace wharf::transport::crypto {

class NoneSealer final : public PacketSealer {
 public:
  size_t block_size() const override { return 8; }
  size_t tag_size() const override { return 0; }
  bool padding_excludes_length() const override { return false; }
  void seal(uint32_t, uint8_t*, size_t, uint8_t*) override {}
};

class NoneOpener final : public PacketOpener {
 public:
  size_t block_size() const override { return 8; }
  size_t tag_size() const override { return 0; }
  bool padding_excludes_length() const override { return false; }
  size_t first_block_size() const override { return 4; }
  uint32_t read_length(uint32_t seq, const uint8_t* first_block) override;
  void open(uint32_t, uint8_t*, size_t, const uint8_t*) override {}
};

}  // namespace wharf::transport::crypto
