#include "transport/crypto/ctr_blocks.h"

#include <botan/loadstor.h>

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#define WHARF_CTR_X86 1
#endif

namespace wharf::transport::crypto {
namespace {

void fill_counter_blocks_generic(uint8_t* out, const uint8_t* iv, uint32_t first, size_t blocks) {
  for (size_t i = 0; i < blocks; ++i, out += 16) {
    std::memcpy(out, iv, 12);
    Botan::store_be(static_cast<uint32_t>(first + i), out + 12);
  }
}

void xor_from_generic(uint8_t* dst, const uint8_t* a, const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = a[i] ^ b[i];
}

#if defined(WHARF_CTR_X86)
// One register holds the block with its counter little-endian; each store byte-swaps the counter
// lane, and a 32-bit lane add is exactly inc32.
__attribute__((target("ssse3"))) void fill_counter_blocks_ssse3(uint8_t* out, const uint8_t* iv,
                                                                uint32_t first, size_t blocks) {
  alignas(16) uint8_t start[16];
  std::memcpy(start, iv, 12);
  std::memcpy(start + 12, &first, 4);  // x86 is little-endian
  __m128i block = _mm_load_si128(reinterpret_cast<const __m128i*>(start));
  const __m128i swap_counter = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12);
  const __m128i one = _mm_setr_epi32(0, 0, 0, 1);
  for (size_t i = 0; i < blocks; ++i, out += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_shuffle_epi8(block, swap_counter));
    block = _mm_add_epi32(block, one);
  }
}

// Four blocks a round in two registers of two blocks each, so the stores do not wait on one
// chain of adds; the last 0-3 blocks go through the SSSE3 loop.
__attribute__((target("avx2"))) void fill_counter_blocks_avx2(uint8_t* out, const uint8_t* iv,
                                                              uint32_t first, size_t blocks) {
  alignas(32) uint8_t start[32];
  const uint32_t second = first + 1;
  std::memcpy(start, iv, 12);
  std::memcpy(start + 12, &first, 4);
  std::memcpy(start + 16, iv, 12);
  std::memcpy(start + 28, &second, 4);
  const __m256i swap_counters =
      _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12, 0, 1, 2, 3, 4, 5, 6, 7,
                       8, 9, 10, 11, 15, 14, 13, 12);
  const __m256i two = _mm256_setr_epi32(0, 0, 0, 2, 0, 0, 0, 2);
  const __m256i four = _mm256_add_epi32(two, two);
  __m256i low = _mm256_load_si256(reinterpret_cast<const __m256i*>(start));
  __m256i high = _mm256_add_epi32(low, two);
  size_t i = 0;
  for (; i + 4 <= blocks; i += 4, out += 64) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_shuffle_epi8(low, swap_counters));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 32),
                        _mm256_shuffle_epi8(high, swap_counters));
    low = _mm256_add_epi32(low, four);
    high = _mm256_add_epi32(high, four);
  }
  fill_counter_blocks_ssse3(out, iv, first + static_cast<uint32_t>(i), blocks - i);
}

__attribute__((target("avx2"))) void xor_from_avx2(uint8_t* dst, const uint8_t* a, const uint8_t* b,
                                                   size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(x, y));
  }
  xor_from_generic(dst + i, a + i, b + i, n - i);
}

void xor_from_sse2(uint8_t* dst, const uint8_t* a, const uint8_t* b, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(x, y));
  }
  xor_from_generic(dst + i, a + i, b + i, n - i);
}

// __builtin_cpu_init() first: these may run before the constructors that would call it.
bool has_ssse3() {
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("ssse3"));
  return yes;
}
bool has_avx2() {
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  return yes;
}
#endif

}  // namespace

void fill_counter_blocks(uint8_t* out, const uint8_t* iv, uint32_t first, size_t blocks) {
#if defined(WHARF_CTR_X86)
  if (has_avx2()) return fill_counter_blocks_avx2(out, iv, first, blocks);
  if (has_ssse3()) return fill_counter_blocks_ssse3(out, iv, first, blocks);
#endif
  fill_counter_blocks_generic(out, iv, first, blocks);
}

void xor_from(uint8_t* dst, const uint8_t* a, const uint8_t* b, size_t n) {
#if defined(WHARF_CTR_X86)
  if (has_avx2()) return xor_from_avx2(dst, a, b, n);
  return xor_from_sse2(dst, a, b, n);
#endif
  xor_from_generic(dst, a, b, n);
}

void xor_packet_range(uint8_t* packet, size_t pos, size_t n, const uint8_t* keystream,
                      const DetachedPlaintext& part) {
  // [pos, from) and [to, pos + n) are in the packet; [from, to) is read from `part`.
  const size_t end = pos + n;
  const size_t from = std::clamp(part.at, pos, end);
  const size_t to = std::clamp(part.at + part.size, from, end);
  xor_from(packet + pos, packet + pos, keystream, from - pos);
  if (to > from) {
    xor_from(packet + from, part.data + (from - part.at), keystream + (from - pos), to - from);
  }
  xor_from(packet + to, packet + to, keystream + (to - pos), end - to);
}

}  // namespace wharf::transport::crypto
