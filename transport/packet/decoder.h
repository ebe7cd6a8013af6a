// Decoder for the binary packet protocol (RFC 4253 section 6): takes bytes in arbitrary chunks
// and yields verified, decrypted, decompressed payloads one at a time, in place.
//
// Every length is checked before any memory is reserved for the packet, and the MAC/tag before
// the payload is exposed. Errors are ProtocolError with kProtocolError, kMacError or
// kCompressionError; after one the decoder must be discarded (the connection ends).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "transport/crypto/protection.h"
#include "transport/packet/buffer.h"
#include "transport/packet/compression.h"
#include "transport/packet/counters.h"
#include "transport/wire.h"

namespace wharf::transport::packet {

class PacketDecoder {
 public:
  PacketDecoder();  // starts with the "none" protection
  ~PacketDecoder();

  // Keys for the packets after the NEWKEYS that next() just returned; resets the counters.
  void set_keys(std::unique_ptr<crypto::PacketOpener> opener);
  // Inflates every later payload with a new zlib stream (zlib: from NEWKEYS; zlib@openssh.com:
  // after auth success), or (false) stops inflating. Each NEWKEYS restarts it, as in OpenSSH.
  void set_compression(bool on);
  void enable_compression() { set_compression(true); }
  bool compression_enabled() const { return inflater_ != nullptr; }
  void reset_sequence() { seq_ = 0; }
  void set_sequence(uint32_t seq) { seq_ = seq; }
  uint32_t sequence() const { return seq_; }

  // Appends received bytes. Invalidates the view next() returned.
  void feed(wire::ByteView data);
  // Zero-copy alternative to feed(): room for `n` bytes to receive into, then commit(count).
  std::span<uint8_t> prepare(size_t n);
  void commit(size_t n);

  // The next payload, or nullopt until more bytes arrive. The view stays valid until the next
  // call to next(), feed() or prepare(). Throws ProtocolError on any violation.
  std::optional<wire::ByteView> next();

  // Bytes received but not yet returned as payloads.
  size_t buffered() const { return in_.size() - start_; }
  // Memory held for input and inflated payloads (bounded by the packet limit plus what is fed).
  size_t capacity() const { return in_.capacity() + inflated_.capacity(); }
  const TrafficCounters& since_keys() const { return counters_; }

 private:
  void release();
  void check_length(uint32_t len) const;
  wire::ByteView finish_packet(uint8_t* p, uint32_t len);

  std::unique_ptr<crypto::PacketOpener> opener_;
  std::unique_ptr<Inflater> inflater_;
  ByteBuffer in_;
  ByteBuffer inflated_;
  size_t start_ = 0;                // offset of the first byte not yet returned
  size_t release_ = 0;              // bytes of the packet last returned, dropped on the next call
  std::optional<uint32_t> length_;  // packet_length of the packet at start_, once read
  uint32_t seq_ = 0;
  TrafficCounters counters_;
};

}  // namespace wharf::transport::packet
