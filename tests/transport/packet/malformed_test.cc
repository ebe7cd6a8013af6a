// Malformed packets (RFC 4253 section 6): every bad length is rejected as soon as the length is
// readable, without waiting for or reserving the body; bad padding after the MAC; before keys
// (the "none" protection) and after, for every cipher x MAC.
#include <gtest/gtest.h>

#include "tests/transport/packet/craft.h"
#include "transport/errors.h"

namespace wharf::transport::packet {
namespace {

using namespace testing;

class Malformed : public ::testing::TestWithParam<Combo> {
 protected:
  std::unique_ptr<crypto::PacketSealer> sealer() const {
    return crypto::make_sealer(GetParam().cipher, GetParam().mac,
                               crypto::testing::keys_for(GetParam()));
  }
  std::unique_ptr<crypto::PacketOpener> opener() const {
    return crypto::make_opener(GetParam().cipher, GetParam().mac,
                               crypto::testing::keys_for(GetParam()));
  }
  // One valid packet, then `bad`; the second next() must fail with kProtocolError.
  void expect_rejected(const Bytes& valid, const Bytes& bad, const std::string& what) {
    PacketDecoder dec;
    dec.set_keys(opener());
    Bytes wire = valid;
    wire.insert(wire.end(), bad.begin(), bad.end());
    dec.feed(wire);
    ASSERT_TRUE(dec.next().has_value()) << what;
    try {
      dec.next();
      ADD_FAILURE() << what << ": accepted or waiting for more";
    } catch (const ProtocolError& e) {
      EXPECT_EQ(e.reason(), DisconnectReason::kProtocolError) << what << ": " << e.what();
    }
    EXPECT_LT(dec.capacity(), 4096u) << what;
  }
};

TEST_P(Malformed, BadLengthsRejectedBeforeTheBody) {
  auto s = sealer();
  const size_t bs = s->block_size();
  const bool excl = s->padding_excludes_length();
  const uint32_t cap = static_cast<uint32_t>(wire::kMaxPacket);
  const std::vector<uint32_t> lengths = {
      0,
      4,
      5,
      33,                // not a block multiple
      excl ? 28u : 32u,  // aligned the other way
      cap + 1,           // 256 KiB + 1
      excl ? cap + static_cast<uint32_t>(bs) : cap + static_cast<uint32_t>(bs) - 4,  // aligned
      0x80000000u,
      0xffffffffu,
  };
  for (uint32_t len : lengths) {
    auto fresh = sealer();
    const Bytes valid = craft_valid(*fresh, 0);
    expect_rejected(valid, craft(*fresh, 1, len, 8), "length " + std::to_string(len));
  }
}

TEST_P(Malformed, BadPaddingLengthRejected) {
  const size_t body = craft_body(*sealer());
  for (unsigned pad :
       {0u, 3u, static_cast<unsigned>(body - 1), static_cast<unsigned>(body), 255u}) {
    auto fresh = sealer();
    const Bytes valid = craft_valid(*fresh, 0);
    expect_rejected(valid, craft(*fresh, 1, static_cast<uint32_t>(body), static_cast<uint8_t>(pad)),
                    "padding " + std::to_string(pad));
  }
}

TEST_P(Malformed, TheLargestLengthIsAcceptedAndWaitedFor) {
  auto s = sealer();
  const size_t bs = s->block_size();
  const size_t len = s->padding_excludes_length() ? wire::kMaxPacket : wire::kMaxPacket - 4;
  ASSERT_EQ((s->padding_excludes_length() ? len : len + 4) % bs, 0u);
  PacketDecoder dec;
  dec.set_keys(opener());
  dec.feed(craft(*s, 0, static_cast<uint32_t>(len), 8));
  EXPECT_FALSE(dec.next().has_value());  // waits for the rest, having reserved room for it
  EXPECT_GE(dec.capacity(), len);
  EXPECT_LT(dec.capacity(), 2 * wire::kMaxPacket + 4096);
}

// Random bytes, and valid streams with random bytes overwritten, fed in random chunks: the only
// outcome besides waiting for more is ProtocolError, and memory stays within the packet limit.
TEST_P(Malformed, RandomInputOnlyEverEndsInProtocolError) {
  std::mt19937 rng(std::hash<std::string>()(GetParam().label()));
  for (int trial = 0; trial < 300; ++trial) {
    Bytes input;
    if (trial % 2 == 0) {
      input = random_bytes(rng, 1 + rng() % 3000);
    } else {
      PacketEncoder enc;
      enc.set_keys(sealer());
      for (int i = 0; i < 4; ++i) enc.encode(random_bytes(rng, 1 + rng() % 500));
      input = drain(enc);
      for (int i = 0; i < 3; ++i) input[rng() % input.size()] = static_cast<uint8_t>(rng());
    }
    PacketDecoder dec;
    dec.set_keys(opener());
    try {
      size_t pos = 0;
      while (pos < input.size()) {
        const size_t n = std::min(input.size() - pos, size_t{1} + rng() % 700);
        dec.feed({input.data() + pos, n});
        pos += n;
        while (dec.next()) {
        }
      }
    } catch (const ProtocolError&) {
    }
    EXPECT_LT(dec.capacity(), 2 * wire::kMaxPacket + 8192);
  }
}

std::string name(const ::testing::TestParamInfo<Combo>& info) {
  std::string s = info.param.label();
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(All, Malformed, ::testing::ValuesIn(crypto::testing::all_combos()), name);

}  // namespace
}  // namespace wharf::transport::packet
