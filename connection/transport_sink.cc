#include "connection/transport_sink.h"

#include "transport/packet/encoder.h"

namespace wharf::connection {

static_assert(kMaxSendPayload == transport::packet::PacketEncoder::kMaxPayload,
              "the connection service must never build a payload the encoder refuses");

void TransportSink::send(wire::ByteView payload) { transport_.send(payload); }

bool TransportSink::backlogged() const {
  return transport_.output_backlogged() || transport_.output_queued() >= kSendAhead;
}

std::span<uint8_t> TransportSink::begin_payload(size_t max_payload) {
  return transport_.begin_send(max_payload);
}

void TransportSink::end_payload(size_t head_len, wire::ByteView tail) {
  transport_.end_send(head_len, tail);
}

}  // namespace wharf::connection
