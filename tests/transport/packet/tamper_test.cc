// OpenSSH's integrity test (regress/integrity.sh) in memory: one flipped byte anywhere in an
// encrypted packet, for every cipher x MAC, ends the connection with a MAC error (or, for a byte
// of the length field, possibly a bad length) and never yields a payload.
#include <gtest/gtest.h>

#include "tests/transport/packet/link.h"
#include "transport/errors.h"

namespace wharf::transport::packet {
namespace {

using namespace testing;

class Tamper : public ::testing::TestWithParam<Combo> {};

TEST_P(Tamper, EveryFlippedByteIsRejected) {
  const Combo combo = GetParam();
  const Bytes filler(wire::kMaxPacket + 1024, 0);  // completes any length the decoder accepts
  size_t trials = 0;
  for (uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}}) {
    PacketEncoder probe;
    key_encoder(probe, combo);
    probe.encode(Bytes(30, uint8_t{94}));
    const size_t first = drain(probe).size();
    probe.encode(Bytes(45, 0x77));
    const size_t second = drain(probe).size();
    for (size_t i = 0; i < second; ++i) {
      PacketEncoder enc;
      PacketDecoder dec;
      key_encoder(enc, combo);
      key_decoder(dec, combo);
      enc.encode(Bytes(30, uint8_t{94}));
      enc.encode(Bytes(45, 0x77));
      Bytes wire = drain(enc);
      ASSERT_EQ(wire.size(), first + second);
      wire[first + i] ^= flip;
      if (i < 4) wire.insert(wire.end(), filler.begin(), filler.end());
      dec.feed(wire);
      ASSERT_TRUE(dec.next().has_value());
      try {
        while (dec.next().has_value()) ADD_FAILURE() << "payload from a tampered packet " << i;
        ADD_FAILURE() << "tampered packet not rejected, byte " << i;
      } catch (const ProtocolError& e) {
        if (e.reason() != DisconnectReason::kMacError) {
          EXPECT_LT(i, 4u) << e.what();
          EXPECT_EQ(e.reason(), DisconnectReason::kProtocolError);
        }
      }
      ++trials;
    }
  }
  EXPECT_GT(trials, 2 * 60u);
}

std::string name(const ::testing::TestParamInfo<Combo>& info) {
  std::string s = info.param.label();
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(All, Tamper, ::testing::ValuesIn(crypto::testing::all_combos(false)),
                         name);

}  // namespace
}  // namespace wharf::transport::packet
