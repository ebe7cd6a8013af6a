// Test helper: hand-made packets with any length field and padding byte, sealed like real ones.
#pragma once

#include <botan/loadstor.h>

#include "tests/transport/packet/link.h"

namespace wharf::transport::packet::testing {

// A body size every protection accepts: block aligned with or without the length field.
inline size_t craft_body(const crypto::PacketProtection& p) {
  return p.padding_excludes_length() ? 64 : 60;
}

// [length_field][pad][filler] over 4 + craft_body() bytes, sealed at `seq`, tag appended.
inline Bytes craft(crypto::PacketSealer& s, uint32_t seq, uint32_t length_field, uint8_t pad) {
  Bytes p(4 + craft_body(s) + s.tag_size(), 0x5a);
  Botan::store_be(length_field, p.data());
  p[4] = pad;
  p[5] = 2;  // IGNORE
  s.seal(seq, p.data(), 4 + craft_body(s), p.data() + 4 + craft_body(s));
  return p;
}

// A well-formed crafted packet.
inline Bytes craft_valid(crypto::PacketSealer& s, uint32_t seq) {
  return craft(s, seq, static_cast<uint32_t>(craft_body(s)), 8);
}

}  // namespace wharf::transport::packet::testing
