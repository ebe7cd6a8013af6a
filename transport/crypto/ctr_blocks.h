// The non-cryptographic loops of AES-GCM's counter mode (NIST SP 800-38D section 6.5): making
// the counter blocks Botan's AES encrypts, and xoring the keystream into the data. Both run once
// per 16 bytes of every packet, so they use SSSE3/AVX2 where the CPU has them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wharf::transport::crypto {

// Writes `blocks` 16-byte blocks iv[0..11] || BE32(first + i), the counter wrapping mod 2^32
// (inc32).
void fill_counter_blocks(uint8_t* out, const uint8_t* iv, uint32_t first, size_t blocks);

// dst[i] ^= src[i] for i < n.
void xor_into(uint8_t* dst, const uint8_t* src, size_t n);

}  // namespace wharf::transport::crypto
