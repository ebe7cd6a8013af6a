#include "transport/crypto/chacha20_poly1305.h"

#include <botan/loadstor.h>
#include <botan/mem_ops.h>

#include <algorithm>
#include <stdexcept>

#include "transport/crypto/ctr_blocks.h"
#include "transport/errors.h"

namespace wharf::transport::crypto {
namespace {

// Keystream made per write_keystream call: Botan's ChaCha::cipher xors through 64-bit
// temporaries, and copying its keystream out to xor it 32 bytes at a time costs less.
constexpr size_t kKeystreamBatch = 4096;

void set_nonce(Botan::StreamCipher& cipher, uint32_t seq) {
  uint8_t nonce[8];
  Botan::store_be(static_cast<uint64_t>(seq), nonce);
  cipher.set_iv(nonce, sizeof(nonce));
}

}  // namespace

ChaChaPoly1305::ChaChaPoly1305(const KeyMaterial& keys)
    : main_(Botan::StreamCipher::create_or_throw("ChaCha(20)")),
      header_(Botan::StreamCipher::create_or_throw("ChaCha(20)")),
      poly_(Botan::MessageAuthenticationCode::create_or_throw("Poly1305")),
      keystream_(kKeystreamBatch) {
  if (keys.enc_key.size() != kKeyLen) {
    throw std::invalid_argument("chacha20-poly1305: key must be 64 bytes");
  }
  main_->set_key(keys.enc_key.data(), 32);         // K_2
  header_->set_key(keys.enc_key.data() + 32, 32);  // K_1
}

void ChaChaPoly1305::start(uint32_t seq) {
  set_nonce(*main_, seq);
  uint8_t block0[64] = {};
  main_->cipher1(block0, sizeof(block0));  // keystream block 0; main_ now at block 1
  poly_->set_key(block0, 32);
  Botan::secure_scrub_memory(block0, sizeof(block0));
}

void ChaChaPoly1305::crypt_body(uint8_t* packet, size_t len, const DetachedPlaintext& part) {
  for (size_t pos = 4; pos < len;) {
    const size_t m = std::min(len - pos, keystream_.size());
    main_->write_keystream(keystream_.data(), m);
    xor_packet_range(packet, pos, m, keystream_.data(), part);
    pos += m;
  }
}

void ChaChaPoly1305::compute_tag(const uint8_t* packet, size_t len, uint8_t tag[kTagLen]) {
  poly_->update(packet, len);
  poly_->final(tag);
}

void ChaChaPolySealer::seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) {
  seal_detached(seq, packet, len, tag_out, {});
}

void ChaChaPolySealer::seal_detached(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out,
                                     const DetachedPlaintext& part) {
  start(seq);
  set_nonce(*header_, seq);
  header_->cipher1(packet, 4);
  crypt_body(packet, len, part);
  compute_tag(packet, len, tag_out);
}

const uint8_t* ChaChaPolyOpener::length_keystream(uint32_t seq) {
  if (length_seq_ != seq) {
    set_nonce(*header_, seq);
    header_->write_keystream(length_keystream_, 4);
    length_seq_ = seq;
  }
  return length_keystream_;
}

uint32_t ChaChaPolyOpener::read_length(uint32_t seq, const uint8_t* first_block) {
  const uint8_t* ks = length_keystream(seq);
  uint8_t plain[4];
  for (size_t i = 0; i < 4; ++i) plain[i] = first_block[i] ^ ks[i];
  return Botan::load_be<uint32_t>(plain, 0);
}

void ChaChaPolyOpener::open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) {
  start(seq);
  uint8_t expected[kTagLen];
  compute_tag(packet, len, expected);
  if (!Botan::constant_time_compare(expected, tag, kTagLen)) {
    throw ProtocolError(DisconnectReason::kMacError, "chacha20-poly1305: bad tag");
  }
  xor_into(packet, length_keystream(seq), 4);
  crypt_body(packet, len, {});
}

}  // namespace wharf::transport::crypto
