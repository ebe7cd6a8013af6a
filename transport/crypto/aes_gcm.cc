#include "transport/crypto/aes_gcm.h"

#include <botan/loadstor.h>
#include <botan/mem_ops.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "transport/crypto/ctr_blocks.h"
#include "transport/errors.h"

namespace wharf::transport::crypto {

AesGcm::AesGcm(const KeyMaterial& keys) : keystream_(kBatch) {
  const size_t key_len = keys.enc_key.size();
  if ((key_len != 16 && key_len != 32) || keys.iv.size() != kIvLen) {
    throw std::invalid_argument("aes-gcm: bad key or IV length");
  }
  aes_ = Botan::BlockCipher::create_or_throw("AES-" + std::to_string(key_len * 8));
  aes_->set_key(keys.enc_key.data(), key_len);
  // The hash subkey H is the encryption of the zero block (SP 800-38D section 6.4).
  Botan::secure_vector<uint8_t> h(kBlock);
  aes_->encrypt(h.data());
  ghash_.set_key(h);
  std::copy(keys.iv.begin(), keys.iv.end(), iv_.begin());
}

void AesGcm::make_keystream(uint32_t first_counter, size_t n) {
  const size_t blocks = (n + kBlock - 1) / kBlock;
  fill_counter_blocks(keystream_.data(), iv_.data(), first_counter, blocks);
  aes_->encrypt_n(keystream_.data(), keystream_.data(), blocks);
}

void AesGcm::crypt_packet(uint8_t* packet, size_t len, bool encrypting, uint8_t* tag,
                          const DetachedPlaintext& part) {
  // A 96-bit IV gives J0 = IV || 1; the data uses counters from 2 on, and E(J0) masks the tag.
  std::array<uint8_t, kBlock> masked_j0{};
  std::copy(iv_.begin(), iv_.end(), masked_j0.begin());
  masked_j0[kBlock - 1] = 1;
  aes_->encrypt(masked_j0.data());
  ghash_.set_associated_data(packet, 4);
  ghash_.start(masked_j0.data(), masked_j0.size());
  Botan::secure_scrub_memory(masked_j0.data(), masked_j0.size());

  uint32_t counter = 2;
  for (size_t pos = 4; pos < len;) {
    // Every batch but the last is whole blocks, so GHASH sees one continuous stream.
    const size_t n = std::min(len - pos, kBatch);
    make_keystream(counter, n);
    counter += static_cast<uint32_t>(kBatch / kBlock);
    if (!encrypting) ghash_.update(packet + pos, n);
    xor_packet_range(packet, pos, n, keystream_.data(), part);
    if (encrypting) ghash_.update(packet + pos, n);
    pos += n;
  }
  ghash_.final(tag, kTagLen);

  // RFC 5647 section 7.1: the invocation counter is the low 64 bits, incremented per packet.
  const uint64_t invocation = Botan::load_be<uint64_t>(iv_.data() + 4, 0);
  Botan::store_be(invocation + 1, iv_.data() + 4);
}

void AesGcmSealer::seal(uint32_t, uint8_t* packet, size_t len, uint8_t* tag_out) {
  crypt_packet(packet, len, true, tag_out, {});
}

void AesGcmSealer::seal_detached(uint32_t, uint8_t* packet, size_t len, uint8_t* tag_out,
                                 const DetachedPlaintext& part) {
  crypt_packet(packet, len, true, tag_out, part);
}

uint32_t AesGcmOpener::read_length(uint32_t, const uint8_t* first_block) {
  return Botan::load_be<uint32_t>(first_block, 0);
}

void AesGcmOpener::open(uint32_t, uint8_t* packet, size_t len, const uint8_t* tag) {
  // The body is decrypted in place before the tag is checked; on a mismatch the caller gets an
  // exception, drops the packet and ends the connection, so no unverified plaintext is used.
  uint8_t expected[kTagLen];
  crypt_packet(packet, len, false, expected, {});
  if (!Botan::constant_time_compare(expected, tag, kTagLen)) {
    throw ProtocolError(DisconnectReason::kMacError, "aes-gcm: bad tag");
  }
}

}  // namespace wharf::transport::crypto
