#include "transport/crypto/ctr_blocks.h"

#include <botan/loadstor.h>

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

void xor_into_generic(uint8_t* dst, const uint8_t* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] ^= src[i];
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

__attribute__((target("avx2"))) void xor_into_avx2(uint8_t* dst, const uint8_t* src, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(a, b));
  }
  xor_into_generic(dst + i, src + i, n - i);
}

void xor_into_sse2(uint8_t* dst, const uint8_t* src, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(a, b));
  }
  xor_into_generic(dst + i, src + i, n - i);
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
  if (has_ssse3()) return fill_counter_blocks_ssse3(out, iv, first, blocks);
#endif
  fill_counter_blocks_generic(out, iv, first, blocks);
}

void xor_into(uint8_t* dst, const uint8_t* src, size_t n) {
#if defined(WHARF_CTR_X86)
  if (has_avx2()) return xor_into_avx2(dst, src, n);
  return xor_into_sse2(dst, src, n);
#endif
  xor_into_generic(dst, src, n);
}

}  // namespace wharf::transport::crypto
