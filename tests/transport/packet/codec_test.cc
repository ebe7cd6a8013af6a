// Round trips through the packet encoder and decoder for every cipher x MAC, with random chunk
// sizes, IGNORE noise, key changes in the middle of a chunk, sequence wrap and strict-KEX resets.
#include <gtest/gtest.h>

#include "tests/transport/packet/link.h"
#include "transport/errors.h"
#include "transport/messages.h"

namespace wharf::transport::packet {
namespace {

using namespace testing;

constexpr uint8_t kNewKeys = msg::kNewKeys;

class Codec : public ::testing::TestWithParam<Combo> {};

// Starts in the clear, switches keys at a NEWKEYS payload, then carries random payloads with
// IGNORE noise between them, every other one sealed with its data detached (as channel data
// goes out); the decoder gets everything in random chunks.
TEST_P(Codec, RoundTripWithNoiseRandomChunksAndAKeyChange) {
  const Combo combo = GetParam();
  std::mt19937 rng(std::hash<std::string>()(combo.label()));
  PacketEncoder enc;
  PacketDecoder dec;
  std::vector<Bytes> sent;
  auto send = [&](const Bytes& p) {
    enc.encode(p);
    if (p[0] != msg::kIgnore) sent.push_back(p);
  };
  send({msg::kKexInit, 1, 2, 3});
  send({kNewKeys});
  key_encoder(enc, combo);
  for (int i = 0; i < 150; ++i) {
    if (rng() % 3 == 0) {
      Bytes noise = random_bytes(rng, rng() % 300);
      noise.insert(noise.begin(), msg::kIgnore);
      send(noise);
    }
    const size_t len = (i % 25 == 0) ? 1 + rng() % 100000 : 1 + rng() % 3000;
    Bytes p = random_bytes(rng, len);
    p[0] = msg::kChannelData;
    if (i % 2 == 0) {
      send(p);
    } else {
      encode_detached(enc, p, std::min<size_t>(9, len));
      sent.push_back(p);
    }
  }
  std::vector<Bytes> got;
  feed_chunked(dec, drain(enc), rng, 40000, [&](wire::ByteView p) {
    if (p[0] == msg::kIgnore) return;
    got.emplace_back(p.begin(), p.end());
    if (p[0] == kNewKeys) key_decoder(dec, combo);
  });
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) ASSERT_EQ(got[i], sent[i]) << i;
  EXPECT_EQ(dec.buffered(), 0u);
  EXPECT_EQ(dec.sequence(), enc.sequence());
}

TEST_P(Codec, TinyChunksAndLargestPayload) {
  const Combo combo = GetParam();
  std::mt19937 rng(7);
  PacketEncoder enc;
  PacketDecoder dec;
  key_encoder(enc, combo);
  key_decoder(dec, combo);
  const Bytes big = random_bytes(rng, PacketEncoder::kMaxPayload);
  const Bytes small = {msg::kIgnore};
  enc.encode(small);
  enc.encode(big);
  enc.encode(small);
  std::vector<Bytes> got;
  const Bytes wire = drain(enc);
  EXPECT_LE(wire.size(), 2 * 64 + 4 + wire::kMaxPacket + 64);
  feed_chunked(dec, wire, rng, 5, [&](wire::ByteView p) { got.emplace_back(p.begin(), p.end()); });
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], small);
  EXPECT_EQ(got[1], big);
  EXPECT_EQ(got[2], small);
  EXPECT_THROW(enc.encode(Bytes(PacketEncoder::kMaxPayload + 1, 1)), std::length_error);
}

// Sequence numbers are uint32 and wrap (RFC 4253 section 6.4); the MAC/nonce follows them.
TEST_P(Codec, SequenceNumbersWrap) {
  const Combo combo = GetParam();
  PacketEncoder enc;
  PacketDecoder dec;
  key_encoder(enc, combo);
  key_decoder(dec, combo);
  enc.set_sequence(0xfffffffe);
  dec.set_sequence(0xfffffffe);
  for (uint8_t i = 0; i < 5; ++i) enc.encode(Bytes{msg::kIgnore, i});
  EXPECT_EQ(enc.sequence(), 3u);
  dec.feed(drain(enc));
  for (uint8_t i = 0; i < 5; ++i) {
    auto p = dec.next();
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(Bytes(p->begin(), p->end()), (Bytes{msg::kIgnore, i}));
  }
  EXPECT_EQ(dec.sequence(), 3u);
}

// Strict KEX resets both sequence numbers at NEWKEYS; a peer that does not is caught by the MAC
// (GCM's nonce does not involve the sequence number, so it is exempt).
TEST_P(Codec, StrictKexSequenceReset) {
  const Combo combo = GetParam();
  for (bool decoder_resets : {true, false}) {
    PacketEncoder enc;
    PacketDecoder dec;
    enc.encode(Bytes{msg::kKexInit});
    enc.encode(Bytes{kNewKeys});
    key_encoder(enc, combo);
    enc.reset_sequence();
    enc.encode(Bytes{msg::kServiceRequest, 9});
    dec.feed(drain(enc));
    ASSERT_TRUE(dec.next().has_value());
    ASSERT_TRUE(dec.next().has_value());
    key_decoder(dec, combo);
    if (decoder_resets) dec.reset_sequence();
    const bool seq_bound = combo.mac != "none" || combo.cipher.starts_with("chacha");
    if (decoder_resets || !seq_bound) {
      auto p = dec.next();
      ASSERT_TRUE(p.has_value());
      EXPECT_EQ(Bytes(p->begin(), p->end()), (Bytes{msg::kServiceRequest, 9}));
    } else {
      try {
        dec.next();
        ADD_FAILURE() << "sequence mismatch accepted";
      } catch (const ProtocolError& e) {
        // chacha20-poly1305 already decrypts the length with the wrong nonce.
        const auto want = combo.cipher.starts_with("chacha") ? DisconnectReason::kProtocolError
                                                             : DisconnectReason::kMacError;
        EXPECT_EQ(e.reason(), want);
      }
    }
  }
}

TEST_P(Codec, ReserveFillSealAndCounters) {
  const Combo combo = GetParam();
  PacketEncoder enc;
  PacketDecoder dec;
  enc.encode(Bytes{msg::kIgnore});
  EXPECT_EQ(enc.since_keys().packets, 1u);
  dec.feed(drain(enc));
  ASSERT_TRUE(dec.next().has_value());
  key_encoder(enc, combo);
  key_decoder(dec, combo);
  EXPECT_EQ(enc.since_keys().packets, 0u);
  EXPECT_EQ(dec.since_keys().packets, 0u);
  std::span<uint8_t> room = enc.begin_packet(32768);
  ASSERT_EQ(room.size(), 32768u);
  for (size_t i = 0; i < 1000; ++i) room[i] = static_cast<uint8_t>(i);
  enc.end_packet(1000);
  enc.encode(Bytes{msg::kIgnore, 1});
  const Bytes wire = drain(enc);
  EXPECT_EQ(enc.since_keys().packets, 2u);
  EXPECT_EQ(enc.since_keys().bytes, wire.size());
  // Zero-copy receive.
  std::span<uint8_t> in = dec.prepare(wire.size());
  std::copy(wire.begin(), wire.end(), in.begin());
  dec.commit(wire.size());
  auto p = dec.next();
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->size(), 1000u);
  for (size_t i = 0; i < 1000; ++i) ASSERT_EQ((*p)[i], static_cast<uint8_t>(i));
  ASSERT_TRUE(dec.next().has_value());
  EXPECT_FALSE(dec.next().has_value());
  EXPECT_EQ(dec.since_keys().packets, 2u);
  EXPECT_EQ(dec.since_keys().bytes, wire.size());
}

std::string name(const ::testing::TestParamInfo<Combo>& info) {
  std::string s = info.param.label();
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(All, Codec, ::testing::ValuesIn(crypto::testing::all_combos()), name);

}  // namespace
}  // namespace wharf::transport::packet
