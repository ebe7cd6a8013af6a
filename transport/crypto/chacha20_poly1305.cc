#include "transport/crypto/chacha20_poly1305.h"

#include <botan/loadstor.h>
#include <botan/mem_ops.h>

#include <stdexcept>

#include "transport/errors.h"

namespace wharf::transport::crypto {
namespace {

void set_nonce(Botan::StreamCipher& cipher, uint32_t seq) {
  uint8_t nonce[8];
  Botan::store_be(static_cast<uint64_t>(seq), nonce);
  cipher.set_iv(nonce, sizeof(nonce));
}

}  // namespace

ChaChaPoly1305::ChaChaPoly1305(const KeyMaterial& keys)
    : main_(Botan::StreamCipher::create_or_throw("ChaCha(20)")),
      header_(Botan::StreamCipher::create_or_throw("ChaCha(20)")),
      poly_(Botan::MessageAuthenticationCode::create_or_throw("Poly1305")) {
  if (keys.enc_key.size() != kKeyLen) {
    throw std::invalid_argument("chacha20-poly1305: key must be 64 bytes");
  }
  main_->set_key(keys.enc_key.data(), 32);         // K_2
  header_->set_key(keys.enc_key.data() + 32, 32);  // K_1
}

void ChaChaPoly1305::start(uint32_t seq) {
  set_nonce(*header_, seq);
  set_nonce(*main_, seq);
  uint8_t block0[64] = {};
  main_->cipher1(block0, sizeof(block0));  // keystream block 0; main_ now at block 1
  poly_->set_key(block0, 32);
  Botan::secure_scrub_memory(block0, sizeof(block0));
}

void ChaChaPoly1305::compute_tag(const uint8_t* packet, size_t len, uint8_t tag[kTagLen]) {
  poly_->update(packet, len);
  poly_->final(tag);
}

void ChaChaPolySealer::seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) {
  start(seq);
  header_->cipher1(packet, 4);
  main_->cipher1(packet + 4, len - 4);
  compute_tag(packet, len, tag_out);
}

uint32_t ChaChaPolyOpener::read_length(uint32_t seq, const uint8_t* first_block) {
  uint8_t plain[4];
  set_nonce(*header_, seq);
  header_->cipher(first_block, plain, 4);
  return Botan::load_be<uint32_t>(plain, 0);
}

void ChaChaPolyOpener::open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) {
  start(seq);
  uint8_t expected[kTagLen];
  compute_tag(packet, len, expected);
  if (!Botan::constant_time_compare(expected, tag, kTagLen)) {
    throw ProtocolError(DisconnectReason::kMacError, "chacha20-poly1305: bad tag");
  }
  header_->cipher1(packet, 4);
  main_->cipher1(packet + 4, len - 4);
}

}  // namespace wharf::transport::crypto
