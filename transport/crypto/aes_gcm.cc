#include "transport/crypto/aes_gcm.h"

#include <botan/exceptn.h>
#include <botan/loadstor.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "transport/errors.h"

namespace wharf::transport::crypto {

AesGcm::AesGcm(const KeyMaterial& keys, Botan::Cipher_Dir dir) {
  const size_t key_len = keys.enc_key.size();
  if ((key_len != 16 && key_len != 32) || keys.iv.size() != kIvLen) {
    throw std::invalid_argument("aes-gcm: bad key or IV length");
  }
  mode_ = Botan::AEAD_Mode::create_or_throw("AES-" + std::to_string(key_len * 8) + "/GCM", dir);
  mode_->set_key(keys.enc_key.data(), key_len);
  std::copy(keys.iv.begin(), keys.iv.end(), iv_.begin());
  tag_.reserve(mode_->update_granularity() + kTagLen);
}

void AesGcm::start(const uint8_t* packet) {
  mode_->set_associated_data(packet, 4);
  mode_->start(iv_.data(), iv_.size());
  // RFC 5647 section 7.1: the invocation counter is the low 64 bits, incremented per packet.
  const uint64_t counter = Botan::load_be<uint64_t>(iv_.data() + 4, 0);
  Botan::store_be(counter + 1, iv_.data() + 4);
}

// Botan's process() takes whole multiples of its granularity; the rest goes through finish(),
// which wants a secure_vector: a copy of under one granularity per packet.
size_t AesGcm::bulk(size_t n) const { return n - n % mode_->update_granularity(); }

void AesGcmSealer::seal(uint32_t, uint8_t* packet, size_t len, uint8_t* tag_out) {
  start(packet);
  uint8_t* body = packet + 4;
  const size_t head = bulk(len - 4);
  mode_->process(body, head);
  tag_.assign(body + head, packet + len);
  mode_->finish(tag_);  // tag_ = rest of the ciphertext || tag
  std::copy(tag_.begin(), tag_.end() - kTagLen, body + head);
  std::copy(tag_.end() - kTagLen, tag_.end(), tag_out);
}

uint32_t AesGcmOpener::read_length(uint32_t, const uint8_t* first_block) {
  return Botan::load_be<uint32_t>(first_block, 0);
}

void AesGcmOpener::open(uint32_t, uint8_t* packet, size_t len, const uint8_t* tag) {
  start(packet);
  // Botan decrypts while hashing; the plaintext is not handed out unless finish() accepts the
  // tag (compared in constant time inside Botan's GCM).
  uint8_t* body = packet + 4;
  const size_t head = bulk(len - 4);
  mode_->process(body, head);
  tag_.assign(body + head, packet + len);
  tag_.insert(tag_.end(), tag, tag + kTagLen);
  try {
    mode_->finish(tag_);  // tag_ = rest of the plaintext
  } catch (const Botan::Invalid_Authentication_Tag&) {
    throw ProtocolError(DisconnectReason::kMacError, "aes-gcm: bad tag");
  }
  std::copy(tag_.begin(), tag_.end(), body + head);
}

}  // namespace wharf::transport::crypto
