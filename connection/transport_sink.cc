#include "connection/transport_sink.h"

#include "transport/packet/encoder.h"

namespace wharf::connection {

static_assert(kMaxSendPayload == transport::packet::PacketEncoder::kMaxPayload,
              "the connection service must never build a payload the encoder refuses");

void TransportSink::send(wire::ByteView payload) { transport_.send(payload); }

bool TransportSink::backlogged() const { return transport_.output_backlogged(); }

}  // namespace wharf::connection
