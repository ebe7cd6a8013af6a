#include "transport/crypto/ctr_mac_parts.h"

#include <botan/mem_ops.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "transport/errors.h"

namespace wharf::transport::crypto {
namespace {

std::string aes_name(size_t key_len) {
  if (key_len != 16 && key_len != 24 && key_len != 32) {
    throw std::invalid_argument("aes-ctr: bad key length");
  }
  return "AES-" + std::to_string(key_len * 8);
}

}  // namespace

AesCtrStream::AesCtrStream(const KeyMaterial& keys) {
  const std::string aes = aes_name(keys.enc_key.size());
  if (keys.iv.size() != kBlock) throw std::invalid_argument("aes-ctr: IV must be 16 bytes");
  ctr_ = Botan::StreamCipher::create_or_throw("CTR-BE(" + aes + ")");
  ctr_->set_key(keys.enc_key.data(), keys.enc_key.size());
  ctr_->set_iv(keys.iv.data(), keys.iv.size());
  ecb_ = Botan::BlockCipher::create_or_throw(aes);
  ecb_->set_key(keys.enc_key.data(), keys.enc_key.size());
  std::copy(keys.iv.begin(), keys.iv.end(), counter_.begin());
}

void AesCtrStream::apply(uint8_t* data, size_t len) {
  // The decoder only opens block-aligned packets; anything else would desynchronise peek().
  if (len % kBlock != 0) throw std::logic_error("aes-ctr: packet not block aligned");
  ctr_->cipher1(data, len);
  // Add len / 16 to the 128-bit big-endian counter.
  uint64_t add = len / kBlock;
  for (size_t i = kBlock; i-- > 0 && add != 0;) {
    const uint64_t sum = counter_[i] + (add & 0xff);
    counter_[i] = static_cast<uint8_t>(sum);
    add = (add >> 8) + (sum >> 8);
  }
}

void AesCtrStream::peek(const uint8_t* in, uint8_t* out, size_t n) const {
  uint8_t keystream[kBlock];
  ecb_->encrypt(counter_.data(), keystream);
  for (size_t i = 0; i < n; ++i) out[i] = in[i] ^ keystream[i];
  Botan::secure_scrub_memory(keystream, sizeof(keystream));
}

SequenceMac::SequenceMac(std::string_view botan_name, size_t tag_len, const KeyMaterial& keys)
    : mac_(Botan::MessageAuthenticationCode::create_or_throw(std::string(botan_name))),
      tag_len_(tag_len) {
  if (mac_->output_length() != tag_len) throw std::invalid_argument("mac: bad tag length");
  mac_->set_key(keys.mac_key.data(), keys.mac_key.size());
}

void SequenceMac::compute(uint32_t seq, const uint8_t* data, size_t len, uint8_t* tag_out) {
  mac_->update_be(seq);
  mac_->update(data, len);
  mac_->final(tag_out);
}

void SequenceMac::verify(uint32_t seq, const uint8_t* data, size_t len, const uint8_t* tag) {
  uint8_t expected[64];
  compute(seq, data, len, expected);
  if (!Botan::constant_time_compare(expected, tag, tag_len_)) {
    throw ProtocolError(DisconnectReason::kMacError, "bad MAC");
  }
}

}  // namespace wharf::transport::crypto
