// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 as OpenSSH implements it, see
// OpenSSH PROTOCOL section 1.6): the 4-byte packet length travels in the clear as the associated
// data, the 12-byte IV is a 4-byte fixed field and an 8-byte invocation counter incremented after
// every packet, and the 16-byte tag follows the packet.
#pragma once

#include <botan/aead.h>

#include <array>
#include <memory>

#include "transport/crypto/protection.h"

namespace wharf::transport::crypto {

class AesGcm {
 public:
  static constexpr size_t kIvLen = 12;
  static constexpr size_t kTagLen = 16;

 protected:
  AesGcm(const KeyMaterial& keys, Botan::Cipher_Dir dir);
  // Starts the packet at `packet` (AAD = its length field) and advances the invocation counter.
  void start(const uint8_t* packet);
  // The part of an n-byte body that process() can take directly.
  size_t bulk(size_t n) const;

  std::unique_ptr<Botan::AEAD_Mode> mode_;
  std::array<uint8_t, kIvLen> iv_{};
  Botan::secure_vector<uint8_t> tag_;  // tail and tag, reused: finish() wants a secure_vector
};

class AesGcmSealer final : public PacketSealer, private AesGcm {
 public:
  explicit AesGcmSealer(const KeyMaterial& keys) : AesGcm(keys, Botan::ENCRYPTION) {}
  size_t block_size() const override { return 16; }
  size_t tag_size() const override { return kTagLen; }
  bool padding_excludes_length() const override { return true; }
  void seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) override;
};

class AesGcmOpener final : public PacketOpener, private AesGcm {
 public:
  explicit AesGcmOpener(const KeyMaterial& keys) : AesGcm(keys, Botan::DECRYPTION) {}
  size_t block_size() const override { return 16; }
  size_t tag_size() const override { return kTagLen; }
  bool padding_excludes_length() const override { return true; }
  size_t first_block_size() const override { return 4; }
  uint32_t read_length(uint32_t seq, const uint8_t* first_block) override;
  void open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) override;
};

}  // namespace wharf::transport::crypto
