// TransportSink over a real ServerTransport: in-place payloads arrive as sent, and channel data
// stops once TransportSink::kSendAhead bytes wait to be written.
#include "connection/transport_sink.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "transport/messages.h"

namespace wharf::connection {
namespace {

using transport::ServerTransport;
using transport::ServerTransportConfig;

TEST(TransportSink, StopsChannelDataOnceSendAheadIsQueued) {
  ServerTransport transport{ServerTransportConfig{}};  // not started: "none" protection
  TransportSink sink(transport);
  const wire::Bytes payload(64 * 1024, transport::msg::kChannelData);
  size_t sent = 0;
  while (!sink.backlogged()) {
    std::span<uint8_t> room = sink.begin_payload(payload.size());
    ASSERT_EQ(room.size(), payload.size());
    std::copy(payload.begin(), payload.end(), room.begin());
    sink.end_payload(payload.size(), {});
    sent += payload.size();
    ASSERT_LT(sent, size_t{4} << 20) << "never backlogged";
  }
  EXPECT_GE(transport.output_queued(), TransportSink::kSendAhead);
  EXPECT_LT(transport.output_queued() - payload.size(), TransportSink::kSendAhead + 1024);
  EXPECT_FALSE(transport.output_backlogged());  // far below the transport's own limit
  // The socket drained it: data may flow again.
  transport.consume_output(transport.pending_output().size());
  EXPECT_FALSE(sink.backlogged());
}

TEST(TransportSink, InPlacePayloadIsFramedLikeASentOne) {
  ServerTransport a{ServerTransportConfig{}};
  ServerTransport b{ServerTransportConfig{}};
  TransportSink in_place(a), copied(b);
  const wire::Bytes payload = {transport::msg::kChannelData, 0, 0, 0, 7, 0, 0, 0, 1, 'x'};
  std::span<uint8_t> room = in_place.begin_payload(payload.size());
  std::copy(payload.begin(), payload.end(), room.begin());
  in_place.end_payload(payload.size(), {});
  copied.send(payload);
  // Unencrypted packets: identical apart from the random padding.
  wire::ByteView pa = a.pending_output(), pb = b.pending_output();
  ASSERT_EQ(pa.size(), pb.size());
  const size_t body = 5 + payload.size();
  EXPECT_TRUE(std::equal(pa.begin(), pa.begin() + static_cast<long>(body), pb.begin()));
}

}  // namespace
}  // namespace wharf::connection
