// Where the connection service sends its messages: the transport, or a fake in tests.
#pragma once

#include <cstddef>
#include <span>

#include "transport/wire.h"

namespace wharf::connection {

// The largest payload the transport's encoder accepts (transport::packet::PacketEncoder::
// kMaxPayload; transport_sink.cc checks the two agree).
inline constexpr size_t kMaxSendPayload = wire::kMaxPacket - 1024;

class PacketSink {
 public:
  virtual ~PacketSink() = default;

  // Sends one message payload (at most kMaxSendPayload bytes).
  virtual void send(wire::ByteView payload) = 0;
  // True while output waits to be written: the service sends no more channel data until the
  // daemon has drained some and calls ConnectionService::pump().
  virtual bool backlogged() const = 0;

  // Optional in-place writing (transport::packet::PacketEncoder::begin_packet style): room for
  // up to `max_payload` bytes of one payload, or an empty span if not available right now.
  // The service then writes the payload's first `head_len` bytes there and calls end_payload();
  // the rest of the payload is `tail`, which the sink takes from where it lies (no copy first).
  virtual std::span<uint8_t> begin_payload(size_t /*max_payload*/) { return {}; }
  virtual void end_payload(size_t /*head_len*/, wire::ByteView /*tail*/) {}
};

}  // namespace wharf::connection
