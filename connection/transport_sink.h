// PacketSink over the real transport.
#pragma once

#include "connection/packet_sink.h"
#include "transport/server_transport.h"

namespace wharf::connection {

// Sends through ServerTransport::send(), which copies the payload into its encoder (or holds it
// during a key exchange), and offers in-place writing through ServerTransport::begin_send(), so
// a channel message's header is written straight into the outgoing packet and its data is
// encrypted from the application's output into the packet.
class TransportSink : public PacketSink {
 public:
  // Channel data is produced only while less than this waits to be written: packets are then
  // written to the socket soon after they were sealed, while they are still in the CPU's cache
  // (the kernel's socket buffer keeps the link busy meanwhile).
  static constexpr size_t kSendAhead = 512u << 10;

  explicit TransportSink(transport::ServerTransport& transport) : transport_(transport) {}
  void send(wire::ByteView payload) override;
  bool backlogged() const override;
  std::span<uint8_t> begin_payload(size_t max_payload) override;
  void end_payload(size_t head_len, wire::ByteView tail) override;

 private:
  transport::ServerTransport& transport_;
};

}  // namespace wharf::connection
