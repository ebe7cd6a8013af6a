// zlib / zlib@openssh.com: round trips with delayed start and rekeys, one flush per packet (a
// peer can inflate each packet on arrival), and bounded inflate: zip bombs and payloads beyond
// the packet limit end with kCompressionError without memory growing past the limit.
#include <botan/loadstor.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "tests/transport/packet/link.h"
#include "transport/errors.h"

namespace wharf::transport::packet {
namespace {

using namespace testing;

Bytes text_payload(std::mt19937& rng, size_t n) {
  static const char kWords[] = "put get ls rename remove mkdir rmdir stat fsync ";
  Bytes p(n);
  for (auto& b : p) b = static_cast<uint8_t>(rng() % 8 == 0 ? rng() : kWords[rng() % 48]);
  p[0] = 94;
  return p;
}

// Delayed compression (zlib@openssh.com starts after auth) and a rekey in the middle: the
// deflate stream carries on across the key change. Every other payload has its data detached.
TEST(Compression, RoundTripDelayedStartAcrossRekey) {
  for (const Combo& combo : {Combo{"none", "none"}, Combo{"chacha20-poly1305@openssh.com", "none"},
                             Combo{"aes128-ctr", "hmac-sha2-256-etm@openssh.com"}}) {
    std::mt19937 rng(3);
    PacketEncoder enc;
    PacketDecoder dec;
    key_encoder(enc, combo);
    key_decoder(dec, combo);
    std::vector<Bytes> sent;
    size_t plain_bytes = 0;
    for (int i = 0; i < 120; ++i) {
      if (i == 10) enc.enable_compression();  // "after USERAUTH_SUCCESS"
      if (i == 60) key_encoder(enc, combo, 2);
      sent.push_back(text_payload(rng, 1 + rng() % 20000));
      if (i % 2 == 0) {
        enc.encode(sent.back());
      } else {
        encode_detached(enc, sent.back(), std::min<size_t>(9, sent.back().size()));
      }
      if (i >= 10) plain_bytes += sent.back().size();
    }
    const Bytes wire = drain(enc);
    EXPECT_LT(wire.size(), plain_bytes) << "compressible data did not shrink";
    size_t n = 0;
    feed_chunked(dec, wire, rng, 9000, [&](wire::ByteView p) {
      ASSERT_LT(n, sent.size());
      EXPECT_TRUE(std::equal(p.begin(), p.end(), sent[n].begin(), sent[n].end())) << n;
      ++n;
      if (n == 10) dec.enable_compression();
      if (n == 60) key_decoder(dec, combo, 2);
    });
    EXPECT_EQ(n, sent.size()) << combo.label();
  }
}

// Splits the "none" framing of `wire` into its payloads.
std::vector<Bytes> split_cleartext(const Bytes& wire) {
  std::vector<Bytes> out;
  for (size_t pos = 0; pos < wire.size();) {
    const uint32_t len = Botan::load_be<uint32_t>(wire.data() + pos, 0);
    const uint8_t pad = wire[pos + 4];
    out.emplace_back(wire.begin() + pos + 5, wire.begin() + pos + 4 + len - pad);
    pos += 4 + len;
  }
  return out;
}

// Each packet ends on a flush boundary (Z_PARTIAL_FLUSH, as OpenSSH): an independent inflater
// fed one packet at a time yields that packet's payload completely.
TEST(Compression, EveryPacketInflatesOnItsOwn) {
  std::mt19937 rng(5);
  PacketEncoder enc;
  enc.enable_compression();
  std::vector<Bytes> sent;
  for (int i = 0; i < 30; ++i) {
    sent.push_back(text_payload(rng, 1 + rng() % 5000));
    enc.encode(sent.back());
  }
  const std::vector<Bytes> compressed = split_cleartext(drain(enc));
  ASSERT_EQ(compressed.size(), sent.size());
  z_stream z{};
  ASSERT_EQ(inflateInit(&z), Z_OK);
  for (size_t i = 0; i < sent.size(); ++i) {
    Bytes out(sent[i].size() + 64);
    z.next_in = const_cast<Bytef*>(compressed[i].data());
    z.avail_in = static_cast<uInt>(compressed[i].size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    ASSERT_EQ(inflate(&z, Z_SYNC_FLUSH), Z_OK);
    EXPECT_EQ(z.avail_in, 0u);
    out.resize(out.size() - z.avail_out);
    EXPECT_EQ(out, sent[i]) << i;
  }
  inflateEnd(&z);
}

// The test's own deflate stream, framed by an encoder without compression, fed to a decoder
// that inflates: lets the test send payloads no honest encoder would.
class Raw {
 public:
  Raw() { deflateInit(&z_, Z_BEST_COMPRESSION); }
  ~Raw() { deflateEnd(&z_); }
  Bytes compress(const Bytes& in) {
    Bytes out(compressBound(static_cast<uLong>(in.size())) + 64);
    z_.next_in = const_cast<Bytef*>(in.data());
    z_.avail_in = static_cast<uInt>(in.size());
    z_.next_out = out.data();
    z_.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z_, Z_PARTIAL_FLUSH), Z_OK);
    out.resize(out.size() - z_.avail_out);
    return out;
  }

 private:
  z_stream z_{};
};

void expect_compression_error(PacketDecoder& dec) {
  try {
    dec.next();
    ADD_FAILURE() << "accepted";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason(), DisconnectReason::kCompressionError) << e.what();
  }
}

TEST(Compression, InflateIsBoundedByThePacketLimit) {
  Raw raw;
  PacketEncoder framer;  // frames the raw deflate output as payloads
  PacketDecoder dec;
  dec.enable_compression();
  framer.encode(raw.compress(Bytes(wire::kMaxPacket, 'a')));  // exactly at the limit: fine
  dec.feed(drain(framer));
  auto p = dec.next();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->size(), wire::kMaxPacket);
  framer.encode(raw.compress(Bytes(wire::kMaxPacket + 1, 'a')));
  dec.feed(drain(framer));
  expect_compression_error(dec);
  EXPECT_LT(dec.capacity(), 3 * wire::kMaxPacket);
}

TEST(Compression, ZipBombRejected) {
  Raw raw;
  const Bytes bomb = raw.compress(Bytes(64 << 20, 0));  // 64 MiB of zeros
  ASSERT_LT(bomb.size(), PacketEncoder::kMaxPayload);
  PacketEncoder framer;
  framer.encode(bomb);
  PacketDecoder dec;
  dec.enable_compression();
  dec.feed(drain(framer));
  expect_compression_error(dec);
  EXPECT_LT(dec.capacity(), 3 * wire::kMaxPacket);
}

TEST(Compression, CorruptStreamRejected) {
  std::mt19937 rng(9);
  PacketEncoder framer;
  framer.encode(random_bytes(rng, 500));
  PacketDecoder dec;
  dec.enable_compression();
  dec.feed(drain(framer));
  expect_compression_error(dec);
}

}  // namespace
}  // namespace wharf::transport::packet
