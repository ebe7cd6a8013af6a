// The non-cryptographic loops of AES-GCM's counter mode (NIST SP 800-38D section 6.5): making
// the counter blocks Botan's AES encrypts, and xoring the keystream into the data. Both run once
// per 16 bytes of every packet, so they use SSSE3/AVX2 where the CPU has them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "transport/crypto/protection.h"

namespace wharf::transport::crypto {

// Writes `blocks` 16-byte blocks iv[0..11] || BE32(first + i), the counter wrapping mod 2^32
// (inc32).
void fill_counter_blocks(uint8_t* out, const uint8_t* iv, uint32_t first, size_t blocks);

// dst[i] = a[i] ^ b[i] for i < n; dst may be a.
void xor_from(uint8_t* dst, const uint8_t* a, const uint8_t* b, size_t n);

// dst[i] ^= src[i] for i < n.
inline void xor_into(uint8_t* dst, const uint8_t* src, size_t n) { xor_from(dst, dst, src, n); }

// Xors `keystream` (n bytes) into packet bytes [pos, pos + n), taking the plaintext of the bytes
// `part` covers from part.data and writing the result into the packet: a stream cipher's
// encryption of a packet whose payload was not copied in (PacketSealer::seal_detached).
void xor_packet_range(uint8_t* packet, size_t pos, size_t n, const uint8_t* keystream,
                      const DetachedPlaintext& part);

}  // namespace wharf::transport::crypto
