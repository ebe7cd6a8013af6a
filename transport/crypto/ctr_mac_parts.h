// Building blocks shared by the aes*-ctr constructions (RFC 4344 section 4): the continuous CTR
// keystream, a stateless peek at its next block, and the MAC over seq || data (RFC 4253 6.4).
#pragma once

#include <botan/block_cipher.h>
#include <botan/mac.h>
#include <botan/stream_cipher.h>

#include <array>
#include <memory>
#include <string_view>

#include "transport/crypto/protection.h"

namespace wharf::transport::crypto {

// AES in CTR mode with a 128-bit big-endian counter starting at the IV. The keystream continues
// across packets (RFC 4344 section 4); every packet is a multiple of 16 bytes, so each packet
// starts on a block boundary.
class AesCtrStream {
 public:
  static constexpr size_t kBlock = 16;
  explicit AesCtrStream(const KeyMaterial& keys);
  // En/decrypts in place; `len` must be a multiple of 16.
  void apply(uint8_t* data, size_t len);
  // Decrypts the first `n` (<= 16) bytes at the current position into `out`, consuming nothing.
  void peek(const uint8_t* in, uint8_t* out, size_t n) const;

 private:
  std::unique_ptr<Botan::StreamCipher> ctr_;
  std::unique_ptr<Botan::BlockCipher> ecb_;  // same key, for peek()
  std::array<uint8_t, kBlock> counter_{};    // counter of the next keystream block
};

// HMAC over uint32 seq || data, compared in constant time.
class SequenceMac {
 public:
  SequenceMac(std::string_view botan_name, size_t tag_len, const KeyMaterial& keys);
  size_t tag_size() const { return tag_len_; }
  void compute(uint32_t seq, const uint8_t* data, size_t len, uint8_t* tag_out);
  // Throws ProtocolError(kMacError) unless `tag` is right.
  void verify(uint32_t seq, const uint8_t* data, size_t len, const uint8_t* tag);

 private:
  std::unique_ptr<Botan::MessageAuthenticationCode> mac_;
  size_t tag_len_;
};

// What both aes*-ctr constructions hold, for their sealer (Interface = PacketSealer) and their
// opener (PacketOpener): the keystream and the MAC. They differ in what is encrypted and MACed.
template <class Interface>
class AesCtrWithMac : public Interface {
 public:
  AesCtrWithMac(const KeyMaterial& keys, std::string_view mac_name, size_t tag_len)
      : ctr_(keys), mac_(mac_name, tag_len, keys) {}
  size_t block_size() const override { return AesCtrStream::kBlock; }
  size_t tag_size() const override { return mac_.tag_size(); }

 protected:
  AesCtrStream ctr_;
  SequenceMac mac_;
};

}  // namespace wharf::transport::crypto
