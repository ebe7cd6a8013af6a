// Appends SSH wire types (RFC 4251 section 5) to a Botan secure buffer, for encodings that hold
// secrets (private key files). wire::Writer appends to a plain vector and is for public data.
#pragma once

#include <botan/bigint.h>
#include <botan/secmem.h>

#include <cstdint>
#include <string_view>

#include "transport/wire.h"

namespace wharf::keys {

class SecureWriter {
 public:
  SecureWriter& u32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
    return *this;
  }
  SecureWriter& raw(wire::ByteView v) {
    buf_.insert(buf_.end(), v.begin(), v.end());
    return *this;
  }
  SecureWriter& string(wire::ByteView v) {
    u32(static_cast<uint32_t>(v.size()));
    return raw(v);
  }
  SecureWriter& string(std::string_view v) { return string(wire::as_bytes(v)); }
  // A non-negative mpint.
  SecureWriter& mpint(const Botan::BigInt& v) {
    Botan::secure_vector<uint8_t> mag = Botan::BigInt::encode_locked(v);
    const bool pad = !mag.empty() && (mag[0] & 0x80);
    u32(static_cast<uint32_t>(mag.size() + (pad ? 1 : 0)));
    if (pad) buf_.push_back(0);
    return raw(mag);
  }

  size_t size() const { return buf_.size(); }
  Botan::secure_vector<uint8_t>& buffer() { return buf_; }

 private:
  Botan::secure_vector<uint8_t> buf_;
};

}  // namespace wharf::keys
