// Encoder for the binary packet protocol (RFC 4253 section 6): pads, compresses, seals and
// appends packets to a reusable output buffer. No allocation per packet once the buffer is warm.
//
//   encoder.encode(payload);                       // copies the payload in
//   auto room = encoder.begin_packet(max_len);     // or: write the payload in place...
//   size_t n = fill(room);
//   encoder.end_packet(n);                         // ...and seal it where it lies
//   encoder.end_packet(header_len, data);          // ...or with its data read from elsewhere
//   send(encoder.pending()); encoder.consume(sent);
#pragma once

#include <botan/auto_rng.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "transport/crypto/protection.h"
#include "transport/packet/buffer.h"
#include "transport/packet/compression.h"
#include "transport/packet/counters.h"
#include "transport/wire.h"

namespace wharf::transport::packet {

class PacketEncoder {
 public:
  // Largest payload accepted; leaves room for padding and zlib's worst case within kMaxPacket.
  static constexpr size_t kMaxPayload = wire::kMaxPacket - 1024;

  PacketEncoder();  // starts with the "none" protection
  ~PacketEncoder();

  // Takes new keys for the packets that follow (after sending NEWKEYS); resets the counters.
  void set_keys(std::unique_ptr<crypto::PacketSealer> sealer);
  // Compresses every later payload with a new zlib stream, or (false) stops compressing. Each
  // NEWKEYS restarts the stream, as OpenSSH's ssh_set_newkeys() does; zlib@openssh.com's start
  // after authentication goes through enable_compression().
  void set_compression(bool on);
  void enable_compression() { set_compression(true); }
  bool compression_enabled() const { return deflater_ != nullptr; }
  // Strict KEX (OpenSSH PROTOCOL section 1.10): the sequence number restarts at each NEWKEYS.
  void reset_sequence() { seq_ = 0; }
  void set_sequence(uint32_t seq) { seq_ = seq; }
  uint32_t sequence() const { return seq_; }

  // Appends one sealed packet carrying `payload` (at most kMaxPayload bytes).
  void encode(wire::ByteView payload);
  // Returns room for up to `max_payload` bytes of payload; valid until end_packet().
  std::span<uint8_t> begin_packet(size_t max_payload);
  // Seals the first `payload_len` bytes written into begin_packet()'s room.
  void end_packet(size_t payload_len);
  // Seals a payload of the first `head_len` bytes written into the room followed by `tail`
  // (head_len + tail.size() <= the room), which the sealer encrypts from where it lies instead
  // of it being copied in first (crypto::PacketSealer::seal_detached).
  void end_packet(size_t head_len, wire::ByteView tail);

  // Sealed bytes not yet handed to the socket (the view is valid until the next encode() or
  // begin_packet()), and how to drop those that were sent.
  wire::ByteView pending() const { return {out_.data() + sent_, out_.size() - sent_}; }
  void consume(size_t n);

  const TrafficCounters& since_keys() const { return counters_; }

 private:
  size_t max_overhead() const;
  uint8_t* packet_start() { return out_.data() + start_; }
  void fill_padding(uint8_t* dest, size_t n);

  std::unique_ptr<crypto::PacketSealer> sealer_;
  std::unique_ptr<Deflater> deflater_;
  ByteBuffer out_;
  ByteBuffer scratch_;  // uncompressed payload when compressing
  size_t sent_ = 0;     // bytes of out_ already consumed
  size_t start_ = 0;    // offset of the packet being built
  size_t room_ = 0;     // begin_packet()'s max_payload; 0 when no packet is open
  bool open_ = false;
  uint32_t seq_ = 0;
  TrafficCounters counters_;
  Botan::AutoSeeded_RNG rng_;
  std::array<uint8_t, 4096> pool_{};  // random padding, refilled in bulk
  size_t pool_used_ = sizeof(pool_);
};

}  // namespace wharf::transport::packet
