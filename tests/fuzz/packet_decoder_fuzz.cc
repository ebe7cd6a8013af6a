// Fuzzes the packet decoder (RFC 4253 section 6) for each cipher suite with fixed keys.
//
// Input: [suite/mode byte][rest]. The low 3 bits choose the protection (none, chacha20-poly1305,
// aes128-gcm, aes128-ctr + hmac-sha2-256, aes128-ctr + hmac-sha2-256-etm); bit 3 turns zlib on.
// - Raw mode (bit 4 clear): the rest is ciphertext fed to the decoder in chunks.
// - Sealed mode (bit 4 set): the rest is [chunk size][flip offset][flip mask] then payloads with
//   16-bit lengths; the encoder seals them with the same keys, one byte may be flipped, and the
//   stream is fed in chunks. Unflipped, every payload must come back exactly; flipped under a
//   MAC or AEAD, the decoder must refuse (ProtocolError) before any altered payload comes out.
//   With bit 5 set, each payload is sealed as channel data is: its first 1 + p[0] % size bytes
//   written into the packet and the rest passed as a detached tail (PacketSealer::seal_detached).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_util.h"
#include "tests/transport/packet/link.h"
#include "transport/crypto/algorithms.h"
#include "transport/errors.h"
#include "transport/packet/decoder.h"
#include "transport/packet/encoder.h"
#include "transport/wire.h"

namespace {

using namespace wharf;
using fuzz::check;

struct Suite {
  std::string_view cipher;
  std::string_view mac;
};
constexpr Suite kSuites[] = {
    {"none", "none"},
    {"chacha20-poly1305@openssh.com", ""},
    {"aes128-gcm@openssh.com", ""},
    {"aes128-ctr", "hmac-sha2-256"},
    {"aes128-ctr", "hmac-sha2-256-etm@openssh.com"},
};
constexpr size_t kSuiteCount = sizeof(kSuites) / sizeof(kSuites[0]);

// Fixed keys of the right sizes: the fuzzer cannot forge tags, only the sealed mode reaches
// the payload checks of the encrypted suites.
transport::crypto::KeyMaterial fixed_keys(const Suite& s) {
  transport::crypto::KeyMaterial k;
  const auto* c = transport::crypto::find_cipher(s.cipher);
  check(c != nullptr);
  k.iv.assign(c->iv_len, 0x11);
  k.enc_key.assign(c->key_len, 0x22);
  if (!c->is_aead) {
    const auto* m = transport::crypto::find_mac(s.mac);
    check(m != nullptr);
    k.mac_key.assign(m->key_len, 0x33);
  }
  return k;
}

std::unique_ptr<transport::crypto::PacketOpener> opener(const Suite& s) {
  if (s.cipher == "none") return transport::crypto::make_none_opener();
  return transport::crypto::make_opener(s.cipher, s.mac, fixed_keys(s));
}

std::unique_ptr<transport::crypto::PacketSealer> sealer(const Suite& s) {
  if (s.cipher == "none") return transport::crypto::make_none_sealer();
  return transport::crypto::make_sealer(s.cipher, s.mac, fixed_keys(s));
}

// Feeds `stream` in chunks of `chunk` bytes and collects payloads; rethrows ProtocolError.
std::vector<wire::Bytes> decode(transport::packet::PacketDecoder& d, wire::ByteView stream,
                                size_t chunk) {
  std::vector<wire::Bytes> out;
  for (size_t off = 0; off < stream.size(); off += chunk) {
    d.feed(stream.subspan(off, std::min(chunk, stream.size() - off)));
    while (auto p = d.next()) {
      check(p->size() <= wire::kMaxPacket);
      out.emplace_back(p->begin(), p->end());
    }
  }
  return out;
}

void raw_mode(const Suite& s, bool zlib, fuzz::Input& in) {
  transport::packet::PacketDecoder d;
  if (s.cipher != "none") d.set_keys(opener(s));
  if (zlib) d.enable_compression();
  const size_t chunk = 1 + in.byte();
  try {
    decode(d, in.rest(), chunk);
  } catch (const transport::ProtocolError&) {
  }
}

void sealed_mode(const Suite& s, bool zlib, bool detached, fuzz::Input& in) {
  const size_t chunk = 1 + in.u16() % 4096;
  const size_t flip_at = in.u16();
  const uint8_t flip_mask = in.byte();
  std::vector<wire::Bytes> sent;
  transport::packet::PacketEncoder e;
  if (s.cipher != "none") e.set_keys(sealer(s));
  if (zlib) e.enable_compression();
  while (!in.empty()) {
    auto p = in.chunk();
    if (p.empty()) continue;  // SSH payloads carry at least a message number
    if (detached) {
      transport::packet::testing::encode_detached(e, p, 1 + p[0] % p.size());
    } else {
      e.encode(p);
    }
    sent.emplace_back(p.begin(), p.end());
  }
  wire::Bytes stream(e.pending().begin(), e.pending().end());
  const bool flipped = flip_mask != 0 && flip_at < stream.size();
  if (flipped) stream[flip_at] ^= flip_mask;

  transport::packet::PacketDecoder d;
  if (s.cipher != "none") d.set_keys(opener(s));
  if (zlib) d.enable_compression();
  std::vector<wire::Bytes> got;
  bool refused = false;
  try {
    got = decode(d, stream, chunk);
  } catch (const transport::ProtocolError&) {
    refused = true;
  }
  if (!flipped) {
    check(!refused && got == sent && d.buffered() == 0);
    return;
  }
  if (s.cipher == "none") return;  // nothing authenticates the stream
  // Authenticated: a payload that came out must be one that was sent, in order, and the
  // altered packet must not come out at all (it is refused or still waiting for bytes).
  check(got.size() <= sent.size());
  check(std::equal(got.begin(), got.end(), sent.begin()));
  check(refused || got.size() < sent.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t mode = in.byte();
  const Suite& s = kSuites[(mode & 7) % kSuiteCount];
  const bool zlib = (mode & 8) != 0;
  if (mode & 16) {
    sealed_mode(s, zlib, (mode & 32) != 0, in);
  } else {
    raw_mode(s, zlib, in);
  }
  return 0;
}
