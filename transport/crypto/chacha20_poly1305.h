// chacha20-poly1305@openssh.com, exactly as OpenSSH's PROTOCOL.chacha20poly1305 defines it:
// a 64-byte key split into K_2 (first 32 bytes: payload and Poly1305 key) and K_1 (last 32 bytes:
// the packet length). The nonce is the 64-bit big-endian sequence number; the Poly1305 key is the
// first 32 bytes of K_2's keystream block 0 and the payload is encrypted from block 1. The tag
// covers the encrypted length and the encrypted payload.
#pragma once

#include <botan/mac.h>
#include <botan/secmem.h>
#include <botan/stream_cipher.h>

#include <memory>
#include <optional>

#include "transport/crypto/protection.h"

namespace wharf::transport::crypto {

// State and steps both directions share.
class ChaChaPoly1305 {
 public:
  static constexpr size_t kKeyLen = 64;
  static constexpr size_t kTagLen = 16;

 protected:
  explicit ChaChaPoly1305(const KeyMaterial& keys);
  // Positions the main cipher at `seq`, keys Poly1305 from K_2 block 0 and leaves the main
  // cipher at block 1.
  void start(uint32_t seq);
  // En- or decrypts packet bytes [4, len) in place with the main cipher, from where it stands;
  // the bytes `part` covers are read from there.
  void crypt_body(uint8_t* packet, size_t len, const DetachedPlaintext& part);
  void compute_tag(const uint8_t* packet, size_t len, uint8_t tag[kTagLen]);

  std::unique_ptr<Botan::StreamCipher> main_;    // K_2
  std::unique_ptr<Botan::StreamCipher> header_;  // K_1
  std::unique_ptr<Botan::MessageAuthenticationCode> poly_;
  Botan::secure_vector<uint8_t> keystream_;
};

class ChaChaPolySealer final : public PacketSealer, private ChaChaPoly1305 {
 public:
  explicit ChaChaPolySealer(const KeyMaterial& keys) : ChaChaPoly1305(keys) {}
  size_t block_size() const override { return 8; }
  size_t tag_size() const override { return kTagLen; }
  bool padding_excludes_length() const override { return true; }
  void seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) override;
  void seal_detached(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out,
                     const DetachedPlaintext& part) override;
};

class ChaChaPolyOpener final : public PacketOpener, private ChaChaPoly1305 {
 public:
  explicit ChaChaPolyOpener(const KeyMaterial& keys) : ChaChaPoly1305(keys) {}
  size_t block_size() const override { return 8; }
  size_t tag_size() const override { return kTagLen; }
  bool padding_excludes_length() const override { return true; }
  size_t first_block_size() const override { return 4; }
  uint32_t read_length(uint32_t seq, const uint8_t* first_block) override;
  void open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) override;

 private:
  // K_1's keystream over the length of packet `seq`. It depends only on the key and `seq`, so the
  // one read_length() made is kept for open() instead of positioning K_1 again.
  const uint8_t* length_keystream(uint32_t seq);

  uint8_t length_keystream_[4] = {};
  std::optional<uint32_t> length_seq_;  // whose keystream length_keystream_ holds
};

}  // namespace wharf::transport::crypto
