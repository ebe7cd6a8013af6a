// Encodings written in the tests straight from RFC 4251 section 5, independent of the library's
// Writer/ExchangeHash, so that exchange hashes can be recomputed from their definitions.
#pragma once

#include <botan/bigint.h>
#include <botan/hash.h>
#include <botan/secmem.h>

#include <string>
#include <string_view>
#include <vector>

namespace wharf::kex::testing {

using Buf = std::vector<uint8_t>;

inline void put_u32(Buf& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}
template <typename Range>
void put_string(Buf& b, const Range& v) {
  put_u32(b, static_cast<uint32_t>(v.size()));
  b.insert(b.end(), v.begin(), v.end());
}
inline void put_mpint(Buf& b, const Botan::BigInt& v) {
  std::vector<uint8_t> mag = Botan::BigInt::encode(v);  // minimal big-endian, empty for zero
  if (!mag.empty() && (mag[0] & 0x80)) mag.insert(mag.begin(), 0);
  put_string(b, mag);
}
inline void put_mpint_bytes(Buf& b, const uint8_t* p, size_t n) {
  put_mpint(b, Botan::BigInt(p, n));
}
inline Buf hash_of(const std::string& name, const Buf& b) {
  auto h = Botan::HashFunction::create_or_throw(name);
  auto d = h->process(b);
  return Buf(d.begin(), d.end());
}

}  // namespace wharf::kex::testing
