// Known answers for each packet protection: a published chacha20-poly1305@openssh.com vector, and
// for every construction fixed-key packets whose expected bytes the test computes itself from
// Botan's primitives, following the specifications independently of the code under test.
#include <botan/aead.h>
#include <botan/loadstor.h>
#include <botan/mac.h>
#include <botan/stream_cipher.h>
#include <gtest/gtest.h>

#include "tests/transport/crypto/test_keys.h"
#include "transport/crypto/algorithms.h"
#include "transport/errors.h"

namespace wharf::transport::crypto {
namespace {

using testing::Combo;
using testing::hex;
using testing::keys_for;
using testing::unhex;
using Bytes = std::vector<uint8_t>;

// A plaintext packet with a well-formed length and padding for `bs`.
Bytes plain_packet(size_t payload_len, size_t bs, bool excludes_length, uint8_t seed) {
  const size_t aligned = (excludes_length ? 1 : 5) + payload_len;
  size_t pad = bs - aligned % bs;
  if (pad < 4) pad += bs;
  Bytes p(5 + payload_len + pad);
  Botan::store_be(static_cast<uint32_t>(p.size() - 4), p.data());
  p[4] = static_cast<uint8_t>(pad);
  for (size_t i = 5; i < p.size(); ++i) p[i] = static_cast<uint8_t>(seed * 31 + i);
  return p;
}

// Seals `packet` and returns packet || tag.
Bytes seal(PacketSealer& s, uint32_t seq, Bytes packet) {
  packet.resize(packet.size() + s.tag_size());
  s.seal(seq, packet.data(), packet.size() - s.tag_size(),
         packet.data() + packet.size() - s.tag_size());
  return packet;
}

// draft-ietf-sshm-chacha20-poly1305-02, Appendix A (the worked example of OpenSSH's
// construction): 64-byte key, sequence number 7, a 72-byte packet.
TEST(ChaChaPoly, PublishedDraftVector) {
  KeyMaterial keys;
  const Bytes key = unhex(
      "8bbff6855fc102338c373e73aac0c914f076a905b2444a32eecaffeae22becc5"
      "e9b7a7a5825a8249346ec1c28301cf394543fc7569887d76e168f37562ac0740");
  keys.enc_key.assign(key.begin(), key.end());
  Bytes packet = unhex(
      "00000048"
      "065e00000000000000384c6f72656d20697073756d20646f6c6f722073697420"
      "616d65742c20636f6e7365637465747572206164697069736963696e6720656c"
      "69744e43e804dc6c");
  const std::string want_ct =
      "2c3ecce4"
      "a5bc05895bf07a7ba956b6c68829ac7c83b780b7000ecde745afc705bbc378ce"
      "03a280236b87b53bed5839662302b164b6286a48cd1e097138e3cb909b8b2b82"
      "9dd18d2a35ff82d9";
  const std::string want_tag = "95349e855bf02c298ef775f2d1a7e8b8";
  auto sealer = make_sealer("chacha20-poly1305@openssh.com", "none", keys);
  const Bytes sealed = seal(*sealer, 7, packet);
  EXPECT_EQ(hex(sealed.data(), sealed.size() - 16), want_ct);
  EXPECT_EQ(hex(sealed.data() + sealed.size() - 16, 16), want_tag);

  auto opener = make_opener("chacha20-poly1305@openssh.com", "none", keys);
  Bytes buf = sealed;
  EXPECT_EQ(opener->read_length(7, buf.data()), 0x48u);
  EXPECT_EQ(opener->read_length(7, buf.data()), 0x48u);  // consumes nothing
  opener->open(7, buf.data(), buf.size() - 16, buf.data() + buf.size() - 16);
  EXPECT_TRUE(std::equal(packet.begin(), packet.end(), buf.begin()));
}

// PROTOCOL.chacha20poly1305 from Botan's ChaCha and Poly1305, written the other way round:
// seek() to block 1 instead of discarding block 0.
Bytes chacha_reference(const Bytes& key, uint32_t seq, const Bytes& plain) {
  uint8_t nonce[8];
  Botan::store_be(static_cast<uint64_t>(seq), nonce);
  auto k1 = Botan::StreamCipher::create_or_throw("ChaCha(20)");
  k1->set_key(key.data() + 32, 32);
  k1->set_iv(nonce, 8);
  auto k2 = Botan::StreamCipher::create_or_throw("ChaCha(20)");
  k2->set_key(key.data(), 32);
  k2->set_iv(nonce, 8);
  Bytes poly_key(32);
  k2->write_keystream(poly_key.data(), poly_key.size());
  Bytes out = plain;
  k1->cipher1(out.data(), 4);
  k2->seek(64);
  k2->cipher1(out.data() + 4, out.size() - 4);
  auto poly = Botan::MessageAuthenticationCode::create_or_throw("Poly1305");
  poly->set_key(poly_key);
  poly->update(out);
  const auto tag = poly->final();
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

TEST(ChaChaPoly, MatchesPrimitivesOverSeveralPackets) {
  const Combo combo{"chacha20-poly1305@openssh.com", "none"};
  const KeyMaterial keys = keys_for(combo, 3);
  const Bytes key(keys.enc_key.begin(), keys.enc_key.end());
  auto sealer = make_sealer(combo.cipher, combo.mac, keys);
  for (uint32_t seq : {0u, 1u, 2u, 0xfffffffeu}) {
    const Bytes plain = plain_packet(37 + seq % 100, 8, true, static_cast<uint8_t>(seq));
    EXPECT_EQ(seal(*sealer, seq, plain), chacha_reference(key, seq, plain)) << seq;
  }
}

// RFC 5647 / OpenSSH: AAD = length, nonce = fixed(4) || counter(8) + packet index, tag appended.
TEST(AesGcm, MatchesBotanGcmWithTheInvocationCounter) {
  for (const char* name : {"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}) {
    const Combo combo{name, "none"};
    KeyMaterial keys = keys_for(combo, 9);
    // Put the counter near a byte carry so the increment is visible in more than one byte.
    for (size_t i = 4; i < 12; ++i) keys.iv[i] = 0xff;
    keys.iv[4] = 0x00;
    auto sealer = make_sealer(combo.cipher, combo.mac, keys);
    const std::string mode_name = keys.enc_key.size() == 16 ? "AES-128/GCM" : "AES-256/GCM";
    // Payloads on both sides of the 4 KiB keystream batch, and up to the largest packet.
    const size_t payloads[] = {100, 101, 4075, 4076, 4092, 8200, 32768, 262100};
    for (uint64_t index = 0; index < std::size(payloads); ++index) {
      const Bytes plain = plain_packet(payloads[index], 16, true, static_cast<uint8_t>(index));
      auto gcm = Botan::AEAD_Mode::create_or_throw(mode_name, Botan::ENCRYPTION);
      gcm->set_key(keys.enc_key);
      Bytes nonce(keys.iv.begin(), keys.iv.end());
      Botan::store_be(Botan::load_be<uint64_t>(nonce.data() + 4, 0) + index, nonce.data() + 4);
      gcm->set_associated_data(plain.data(), 4);
      gcm->start(nonce);
      Botan::secure_vector<uint8_t> body(plain.begin() + 4, plain.end());
      gcm->finish(body);
      Bytes want(plain.begin(), plain.begin() + 4);
      want.insert(want.end(), body.begin(), body.end());
      // The sequence number plays no part in GCM.
      EXPECT_EQ(seal(*sealer, 1000 + static_cast<uint32_t>(index), plain), want) << name << index;
    }
  }
}

// The opener takes what the sealer made, packet after packet, and refuses a flipped bit anywhere
// in the body or the tag of a large packet.
TEST(AesGcm, OpensWhatItSealsAndRefusesTampering) {
  for (const char* name : {"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}) {
    const Combo combo{name, "none"};
    const KeyMaterial keys = keys_for(combo, 4);
    auto sealer = make_sealer(combo.cipher, combo.mac, keys);
    auto opener = make_opener(combo.cipher, combo.mac, keys);
    for (size_t payload : {10, 4092, 70000}) {
      const Bytes plain = plain_packet(payload, 16, true, static_cast<uint8_t>(payload));
      Bytes sealed = seal(*sealer, 0, plain);
      opener->open(0, sealed.data(), plain.size(), sealed.data() + plain.size());
      EXPECT_TRUE(std::equal(plain.begin(), plain.end(), sealed.begin())) << name << payload;
    }
    const Bytes plain = plain_packet(70000, 16, true, 1);
    for (size_t flip : {size_t{5}, size_t{4096 + 4}, plain.size() - 1, plain.size() + 15}) {
      auto s = make_sealer(combo.cipher, combo.mac, keys);
      auto o = make_opener(combo.cipher, combo.mac, keys);
      Bytes sealed = seal(*s, 0, plain);
      sealed[flip] ^= 0x20;
      EXPECT_THROW(o->open(0, sealed.data(), plain.size(), sealed.data() + plain.size()),
                   ProtocolError)
          << name << " flip at " << flip;
    }
  }
}

// RFC 4344 CTR (one continuous stream) with the MAC of RFC 4253 6.4 or OpenSSH's etm.
Bytes ctr_reference(const Combo& combo, const KeyMaterial& keys, Botan::StreamCipher& ctr,
                    uint32_t seq, const Bytes& plain) {
  const MacInfo* m = find_mac(combo.mac);
  auto mac = Botan::MessageAuthenticationCode::create_or_throw(std::string(m->botan_name));
  mac->set_key(keys.mac_key);
  uint8_t seq_be[4];
  Botan::store_be(seq, seq_be);
  mac->update(seq_be, 4);
  Bytes out = plain;
  if (m->etm) {
    ctr.cipher1(out.data() + 4, out.size() - 4);
    mac->update(out);
  } else {
    mac->update(plain);
    ctr.cipher1(out.data(), out.size());
  }
  const auto tag = mac->final();
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

TEST(AesCtr, EveryMacMatchesPrimitivesAcrossPackets) {
  for (const Combo& combo : testing::all_combos(false)) {
    if (find_cipher(combo.cipher)->is_aead) continue;
    const KeyMaterial keys = keys_for(combo, 5);
    auto ctr = Botan::StreamCipher::create_or_throw("CTR-BE(AES-" +
                                                    std::to_string(keys.enc_key.size() * 8) + ")");
    ctr->set_key(keys.enc_key);
    ctr->set_iv(keys.iv.data(), keys.iv.size());
    auto sealer = make_sealer(combo.cipher, combo.mac, keys);
    const bool etm = find_mac(combo.mac)->etm;
    for (uint32_t seq = 0; seq < 4; ++seq) {
      const Bytes plain = plain_packet(1 + 50 * seq, 16, etm, static_cast<uint8_t>(seq));
      EXPECT_EQ(seal(*sealer, seq, plain), ctr_reference(combo, keys, *ctr, seq, plain))
          << combo.label() << " seq " << seq;
    }
  }
}

// Each opener reads the length without consuming state, restores the plaintext, and rejects
// any single flipped bit in the body or tag with kMacError.
TEST(Protection, OpenersRoundTripAndRejectEveryFlippedByte) {
  for (const Combo& combo : testing::all_combos(false)) {
    const KeyMaterial keys = keys_for(combo, 11);
    auto sealer = make_sealer(combo.cipher, combo.mac, keys);
    const Bytes plain =
        plain_packet(40, sealer->block_size(), sealer->padding_excludes_length(), 1);
    const size_t tag = sealer->tag_size();
    // Seal the same packet at seq 0 many times (fresh sealers) to test each flip separately.
    const Bytes sealed = seal(*sealer, 0, plain);
    for (size_t i = 4; i < sealed.size(); ++i) {
      auto opener = make_opener(combo.cipher, combo.mac, keys);
      Bytes buf = sealed;
      buf[i] ^= 0x01;
      try {
        opener->open(0, buf.data(), buf.size() - tag, buf.data() + buf.size() - tag);
        ADD_FAILURE() << combo.label() << " accepted a flip at " << i;
      } catch (const ProtocolError& e) {
        EXPECT_EQ(e.reason(), DisconnectReason::kMacError) << combo.label();
      }
    }
    auto opener = make_opener(combo.cipher, combo.mac, keys);
    Bytes buf = sealed;
    EXPECT_EQ(opener->read_length(0, buf.data()), plain.size() - 4) << combo.label();
    EXPECT_EQ(opener->read_length(0, buf.data()), plain.size() - 4) << combo.label();
    opener->open(0, buf.data(), buf.size() - tag, buf.data() + buf.size() - tag);
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), buf.begin())) << combo.label();
  }
}

// The chacha20-poly1305 opener keeps K_1's keystream from read_length() for open(): it must
// still open right with no read_length() first, or after one for another packet.
TEST(ChaChaPoly, OpensWithOrWithoutReadLengthOfThatPacket) {
  const Combo combo{"chacha20-poly1305@openssh.com", "none"};
  const KeyMaterial keys = keys_for(combo, 4);
  auto sealer = make_sealer(combo.cipher, combo.mac, keys);
  const Bytes plain = plain_packet(5000, 8, true, 3);
  const Bytes sealed8 = seal(*sealer, 8, plain);
  const Bytes sealed9 = seal(*sealer, 9, plain);
  auto opener = make_opener(combo.cipher, combo.mac, keys);
  for (int order = 0; order < 3; ++order) {
    Bytes buf = sealed9;
    if (order == 1) {
      EXPECT_EQ(opener->read_length(9, buf.data()), plain.size() - 4);
    }
    if (order == 2) {
      EXPECT_EQ(opener->read_length(8, sealed8.data()), plain.size() - 4);
    }
    opener->open(9, buf.data(), plain.size(), buf.data() + plain.size());
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), buf.begin())) << order;
  }
}

TEST(Protection, WrongSequenceNumberIsAMacError) {
  for (const Combo& combo : testing::all_combos(false)) {
    if (combo.cipher.find("gcm") != std::string::npos) continue;  // GCM ignores seq by design
    const KeyMaterial keys = keys_for(combo, 2);
    auto sealer = make_sealer(combo.cipher, combo.mac, keys);
    auto opener = make_opener(combo.cipher, combo.mac, keys);
    Bytes buf = seal(*sealer, 5,
                     plain_packet(20, sealer->block_size(), sealer->padding_excludes_length(), 2));
    const size_t tag = sealer->tag_size();
    try {
      opener->open(6, buf.data(), buf.size() - tag, buf.data() + buf.size() - tag);
      ADD_FAILURE() << combo.label();
    } catch (const ProtocolError& e) {
      EXPECT_EQ(e.reason(), DisconnectReason::kMacError) << combo.label();
    }
  }
}

// seal_detached() must give exactly what seal() gives for the same plaintext, whichever bytes
// are detached: a few, across the 4 KiB keystream batches, up to the padding, or none. The packet
// buffer's detached bytes hold garbage, so a sealer that reads them instead of part.data fails.
TEST(SealDetached, EqualsSealingThePlaintextInPlace) {
  for (const Combo& combo : testing::all_combos()) {
    const KeyMaterial keys = keys_for(combo, 9);
    auto in_place = make_sealer(combo.cipher, combo.mac, keys);
    auto detached = make_sealer(combo.cipher, combo.mac, keys);
    const size_t bs = in_place->block_size();
    const bool excl = in_place->padding_excludes_length();
    struct Case {
      size_t payload, head, size;
    };
    const Case cases[] = {{10, 9, 1},        {9 + 32768, 9, 32768}, {9 + 32768, 9, 32767},
                          {9000, 100, 8000}, {9000, 4091, 6},       {9000, 0, 9000},
                          {300, 9, 0},       {70000, 13, 69987}};
    uint32_t seq = 3;
    for (const Case& c : cases) {
      const Bytes plain = plain_packet(c.payload, bs, excl, static_cast<uint8_t>(seq));
      const DetachedPlaintext part{5 + c.head, plain.data() + 5 + c.head, c.size};
      Bytes buf = plain;
      std::fill_n(buf.begin() + static_cast<long>(part.at), c.size, uint8_t{0x5c});
      buf.resize(plain.size() + detached->tag_size());
      detached->seal_detached(seq, buf.data(), plain.size(), buf.data() + plain.size(), part);
      EXPECT_EQ(buf, seal(*in_place, seq, plain))
          << combo.label() << " payload " << c.payload << " head " << c.head;
      ++seq;
    }
  }
}

TEST(Algorithms, TablesAndFactoriesValidateNamesAndSizes) {
  const CipherInfo* chacha = find_cipher("chacha20-poly1305@openssh.com");
  ASSERT_NE(chacha, nullptr);
  EXPECT_EQ(chacha->key_len, 64u);
  EXPECT_EQ(chacha->block_size, 8u);
  EXPECT_TRUE(chacha->is_aead);
  EXPECT_EQ(find_cipher("aes192-ctr")->key_len, 24u);
  EXPECT_EQ(find_cipher("aes256-gcm@openssh.com")->iv_len, 12u);
  EXPECT_EQ(find_mac("hmac-sha2-512-etm@openssh.com")->tag_len, 64u);
  EXPECT_TRUE(find_mac("hmac-sha1-etm@openssh.com")->etm);
  EXPECT_FALSE(find_mac("hmac-sha2-256")->etm);
  EXPECT_EQ(find_cipher("aes128-cbc"), nullptr);
  EXPECT_EQ(find_cipher("3des-cbc"), nullptr);
  EXPECT_EQ(find_mac("hmac-md5"), nullptr);

  const Combo ctr{"aes128-ctr", "hmac-sha2-256"};
  KeyMaterial keys = keys_for(ctr);
  EXPECT_NO_THROW(make_sealer(ctr.cipher, ctr.mac, keys));
  EXPECT_THROW(make_sealer("aes128-cbc", ctr.mac, keys), std::invalid_argument);
  EXPECT_THROW(make_opener(ctr.cipher, "hmac-md5", keys), std::invalid_argument);
  EXPECT_THROW(make_opener(ctr.cipher, "none", keys), std::invalid_argument);
  EXPECT_THROW(make_sealer("none", "hmac-sha2-256", keys), std::invalid_argument);
  keys.enc_key.pop_back();
  EXPECT_THROW(make_sealer(ctr.cipher, ctr.mac, keys), std::invalid_argument);
  keys = keys_for(ctr);
  keys.mac_key.push_back(0);
  EXPECT_THROW(make_opener(ctr.cipher, ctr.mac, keys), std::invalid_argument);
}

}  // namespace
}  // namespace wharf::transport::crypto
