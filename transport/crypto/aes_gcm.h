// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647 as OpenSSH implements it, see
// OpenSSH PROTOCOL section 1.6): the 4-byte packet length travels in the clear as the associated
// data, the 12-byte IV is a 4-byte fixed field and an 8-byte invocation counter incremented after
// every packet, and the 16-byte tag follows the packet.
//
// GCM itself (NIST SP 800-38D section 7) is assembled here from Botan's AES block cipher and its
// GHASH: Botan's own GCM mode runs its counter mode through a generic CTR_BE, which costs more
// than the AES itself (measured on this project's 2.5 GHz Xeon with AES-NI: CTR 0.53 s/GiB
// against 0.22 for the AES blocks alone). Here the counter blocks are built 4 KiB at a time and
// encrypted in place in one encrypt_n call: byte for byte Botan's GCM, in 0.58 s/GiB instead of
// 0.71. Building the blocks and the xor are ours and kept lean with SSSE3 and AVX2 (ctr_blocks.h;
// packet_bench, aes128-gcm seal + open: 817 MiB/s with Botan's xor_buf and a scalar counter loop,
// 895 with them).
#pragma once

#include <botan/block_cipher.h>
#include <botan/ghash.h>
#include <botan/secmem.h>

#include <array>
#include <memory>

#include "transport/crypto/protection.h"

namespace wharf::transport::crypto {

class AesGcm {
 public:
  static constexpr size_t kIvLen = 12;
  static constexpr size_t kTagLen = 16;

 protected:
  explicit AesGcm(const KeyMaterial& keys);
  // Encrypts or decrypts the body of `packet` (len bytes from the length field) in place, the
  // bytes `part` covers read from there (encrypting only), writes the tag computed over the
  // ciphertext to `tag`, and advances the invocation counter.
  void crypt_packet(uint8_t* packet, size_t len, bool encrypting, uint8_t* tag,
                    const DetachedPlaintext& part);

 private:
  static constexpr size_t kBlock = 16;
  static constexpr size_t kBatch = 4096;  // bytes of keystream made per encrypt_n call

  // Keystream for counter blocks first_counter, first_counter + 1, ... covering n bytes.
  void make_keystream(uint32_t first_counter, size_t n);

  std::unique_ptr<Botan::BlockCipher> aes_;
  Botan::GHASH ghash_;
  std::array<uint8_t, kIvLen> iv_{};
  Botan::secure_vector<uint8_t> keystream_;
};

class AesGcmSealer final : public PacketSealer, private AesGcm {
 public:
  explicit AesGcmSealer(const KeyMaterial& keys) : AesGcm(keys) {}
  size_t block_size() const override { return 16; }
  size_t tag_size() const override { return kTagLen; }
  bool padding_excludes_length() const override { return true; }
  void seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) override;
  void seal_detached(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out,
                     const DetachedPlaintext& part) override;
};

class AesGcmOpener final : public PacketOpener, private AesGcm {
 public:
  explicit AesGcmOpener(const KeyMaterial& keys) : AesGcm(keys) {}
  size_t block_size() const override { return 16; }
  size_t tag_size() const override { return kTagLen; }
  bool padding_excludes_length() const override { return true; }
  size_t first_block_size() const override { return 4; }
  uint32_t read_length(uint32_t seq, const uint8_t* first_block) override;
  void open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) override;
};

}  // namespace wharf::transport::crypto
