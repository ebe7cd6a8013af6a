// PacketSink over the real transport.
#pragma once

#include "connection/packet_sink.h"
#include "transport/server_transport.h"

namespace wharf::connection {

// Sends through ServerTransport::send(), which copies the payload into its encoder (or holds it
// during a key exchange). In-place writing (begin_payload) would need a ServerTransport
// begin_send()/end_send() pair over PacketEncoder::begin_packet(); until then this sink does not
// offer it and the service builds each payload in one reused buffer.
class TransportSink : public PacketSink {
 public:
  explicit TransportSink(transport::ServerTransport& transport) : transport_(transport) {}
  void send(wire::ByteView payload) override;
  bool backlogged() const override;

 private:
  transport::ServerTransport& transport_;
};

}  // namespace wharf::connection
