// AES-GCM's counter blocks and keystream xor (SIMD where the CPU has it) against byte-by-byte
// references.
#include "transport/crypto/ctr_blocks.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace wharf::transport::crypto {
namespace {

std::vector<uint8_t> reference_blocks(const uint8_t* iv, uint32_t first, size_t blocks) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < blocks; ++i) {
    out.insert(out.end(), iv, iv + 12);
    const uint32_t c = first + static_cast<uint32_t>(i);  // inc32 wraps
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(c >> shift));
  }
  return out;
}

TEST(CounterBlocks, IvThenBigEndianCounterWrappingAt32Bits) {
  const uint8_t iv[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0xfe};
  // The block counts cover every remainder of the AVX2 loop's four blocks a round, and the
  // counters wrap at each position within a round.
  for (uint32_t first :
       {0u, 2u, 0xffu, 0xfffffu, 0xfffffffcu, 0xfffffffdu, 0xfffffffeu, 0xffffffffu}) {
    for (size_t blocks : {0, 1, 2, 3, 4, 5, 7, 9, 256}) {
      std::vector<uint8_t> out(blocks * 16 + 16, 0xaa);
      fill_counter_blocks(out.data() + 1, iv, first, blocks);  // unaligned on purpose
      std::vector<uint8_t> want = reference_blocks(iv, first, blocks);
      EXPECT_TRUE(std::equal(want.begin(), want.end(), out.begin() + 1)) << first << " " << blocks;
      EXPECT_EQ(out[0], 0xaa);
      EXPECT_EQ(out[1 + blocks * 16], 0xaa) << "wrote past the last block";
    }
  }
}

TEST(CounterBlocks, XorMatchesBytewiseForEveryLengthAndAlignment) {
  std::mt19937 rng(5);
  for (size_t n = 0; n <= 200; ++n) {
    for (size_t offset : {0, 1, 7}) {
      std::vector<uint8_t> dst(n + 16), src(n + 16);
      for (auto& b : dst) b = static_cast<uint8_t>(rng());
      for (auto& b : src) b = static_cast<uint8_t>(rng());
      std::vector<uint8_t> want = dst;
      for (size_t i = 0; i < n; ++i) want[offset + i] ^= src[offset + i];
      xor_into(dst.data() + offset, src.data() + offset, n);
      EXPECT_EQ(dst, want) << n << " at " << offset;
    }
  }
}

TEST(CounterBlocks, XorFromWritesTheXorOfTwoOtherBuffers) {
  std::mt19937 rng(6);
  for (size_t n = 0; n <= 100; ++n) {
    std::vector<uint8_t> a(n + 3), b(n + 3), dst(n + 3, 0xee);
    for (auto& x : a) x = static_cast<uint8_t>(rng());
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    std::vector<uint8_t> want = dst;
    for (size_t i = 0; i < n; ++i) want[1 + i] = a[2 + i] ^ b[i];
    const std::vector<uint8_t> a_before = a, b_before = b;
    xor_from(dst.data() + 1, a.data() + 2, b.data(), n);
    EXPECT_EQ(dst, want) << n;
    EXPECT_EQ(a, a_before);
    EXPECT_EQ(b, b_before);
  }
}

// Each byte of the range is packet ^ keystream, or part ^ keystream where the detached part
// covers it, for parts before, inside, across and after the range.
TEST(CounterBlocks, PacketRangeTakesDetachedBytesFromThePart) {
  std::mt19937 rng(7);
  const size_t len = 300;
  std::vector<uint8_t> source(len), keystream(len);
  for (auto& x : source) x = static_cast<uint8_t>(rng());
  for (auto& x : keystream) x = static_cast<uint8_t>(rng());
  const size_t pos = 100, n = 120;
  for (size_t at : {5, 90, 100, 150, 219, 220, 260}) {
    for (size_t size : {0, 1, 10, 70, 200}) {
      if (at + size > len) continue;
      std::vector<uint8_t> packet = source;
      std::fill_n(packet.begin() + static_cast<long>(at), size, uint8_t{0});
      std::vector<uint8_t> want = packet;
      for (size_t i = pos; i < pos + n; ++i) {
        const bool detached = i >= at && i < at + size;
        want[i] = (detached ? source[i] : packet[i]) ^ keystream[i - pos];
      }
      xor_packet_range(packet.data(), pos, n, keystream.data(),
                       DetachedPlaintext{at, source.data() + at, size});
      EXPECT_EQ(packet, want) << "part at " << at << " size " << size;
    }
  }
  std::vector<uint8_t> packet = source, want = source;
  for (size_t i = pos; i < pos + n; ++i) want[i] ^= keystream[i - pos];
  xor_packet_range(packet.data(), pos, n, keystream.data(), DetachedPlaintext{});
  EXPECT_EQ(packet, want) << "no part";
}

}  // namespace
}  // namespace wharf::transport::crypto
