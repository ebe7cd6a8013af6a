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
  tag_.reserve(kTagLen);
}

void AesGcm::start(const uint8_t* packet) {
  mode_->set_associated_data(packet, 4);
  mode_->start(iv_.data(), iv_.size());
  // RFC 5647 section 7.1: the invocation counter is the low 64 bits, incremented per packet.
  const uint64_t counter = Botan::load_be<uint64_t>(iv_.data() + 4, 0);
  Botan::store_be(counter + 1, iv_.data() + 4);
}

void AesGcmSealer::seal(uint32_t, uint8_t* packet, size_t len, uint8_t* tag_out) {
  start(packet);
  mode_->process(packet + 4, len - 4);
  tag_.clear();
  mode_->finish(tag_);
  std::copy(tag_.begin(), tag_.end(), tag_out);
}

uint32_t AesGcmOpener::read_length(uint32_t, const uint8_t* first_block) {
  return Botan::load_be<uint32_t>(first_block, 0);
}

void AesGcmOpener::open(uint32_t, uint8_t* packet, size_t len, const uint8_t* tag) {
  start(packet);
  // Botan decrypts while hashing; the plaintext is not handed out unless finish() accepts the
  // tag (compared in constant time inside Botan's GCM).
  mode_->process(packet + 4, len - 4);
  tag_.assign(tag, tag + kTagLen);
  try {
    mode_->finish(tag_);
  } catch (const Botan::Invalid_Authentication_Tag&) {
    throw ProtocolError(DisconnectReason::kMacError, "aes-gcm: bad tag");
  }
}

}  // namespace wharf::transport::crypto
