// Test helpers: an encoder/decoder pair keyed alike, and a pump that moves the encoder's output
// into the decoder in random chunk sizes.
#pragma once

#include <algorithm>
#include <random>
#include <span>
#include <vector>

#include "tests/transport/crypto/test_keys.h"
#include "transport/crypto/algorithms.h"
#include "transport/packet/decoder.h"
#include "transport/packet/encoder.h"

namespace wharf::transport::packet::testing {

using Bytes = std::vector<uint8_t>;
using crypto::testing::Combo;

inline void key_encoder(PacketEncoder& enc, const Combo& c, uint8_t seed = 1) {
  enc.set_keys(crypto::make_sealer(c.cipher, c.mac, crypto::testing::keys_for(c, seed)));
}
inline void key_decoder(PacketDecoder& dec, const Combo& c, uint8_t seed = 1) {
  dec.set_keys(crypto::make_opener(c.cipher, c.mac, crypto::testing::keys_for(c, seed)));
}

inline Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Encodes `p` the way channel data goes out: its first `head` bytes written into the room, the
// rest passed as the detached tail. The room's tail is filled with junk the packet must not carry.
inline void encode_detached(PacketEncoder& enc, wire::ByteView p, size_t head) {
  std::span<uint8_t> room = enc.begin_packet(p.size());
  std::fill(room.begin(), room.end(), uint8_t{0x77});
  std::copy_n(p.begin(), head, room.begin());
  enc.end_packet(head, p.subspan(head));
}

// Takes everything the encoder has produced.
inline Bytes drain(PacketEncoder& enc) {
  Bytes out(enc.pending().begin(), enc.pending().end());
  enc.consume(out.size());
  return out;
}

// Feeds `wire` in random chunks of 1..max_chunk bytes, calling `on_payload` for every payload as
// soon as it is complete (so it may switch keys between packets of one chunk).
template <typename F>
void feed_chunked(PacketDecoder& dec, const Bytes& wire, std::mt19937& rng, size_t max_chunk,
                  F on_payload) {
  size_t pos = 0;
  while (pos < wire.size()) {
    const size_t n = std::min(wire.size() - pos, 1 + rng() % max_chunk);
    dec.feed({wire.data() + pos, n});
    pos += n;
    while (auto payload = dec.next()) on_payload(*payload);
  }
}

}  // namespace wharf::transport::packet::testing
