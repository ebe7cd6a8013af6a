// Windows, maximum packet sizes and backpressure (RFC 4254 section 5.2).
#include <limits>

#include "tests/connection/fixture.h"

namespace wharf::connection::testing {
namespace {

using transport::ProtocolError;

// A piece of channel data that divides every window we configure and fits our maximum packet.
constexpr uint32_t kPiece = 64 * 1024;

TEST_F(ServiceTest, IncomingDataGoesStraightFromThePacketToTheApp) {
  FakeApp* app = StartSftp();
  Bytes m = Data(id_, "hello sftp");
  Send(m);
  EXPECT_EQ(std::string(app->fed.begin(), app->fed.end()), "hello sftp");
  // No copy: the app saw the bytes where they lay in the packet.
  EXPECT_EQ(app->last_feed.data(), m.data() + 9);
  EXPECT_EQ(app->feeds, 1u);
}

TEST_F(ServiceTest, OutputIsCutToThePeersMaxPacketAndWindow) {
  FakeApp* app = StartSftp(7, /*window=*/10000, /*max_packet=*/3000);
  app->write(25000, 'z');
  service_->pump();
  auto out = sink_.take();
  size_t total = 0;
  for (const auto& m : out) {
    DataMsg d = ParseData(m);
    EXPECT_EQ(d.recipient, 7u);
    EXPECT_LE(d.data.size(), 3000u);
    total += d.data.size();
  }
  EXPECT_EQ(total, 10000u);
  EXPECT_EQ(out.size(), 4u);  // 3000 + 3000 + 3000 + 1000
  // Nothing more until the window grows.
  service_->pump();
  EXPECT_TRUE(sink_.take().empty());
  Send(Adjust(id_, 15000));
  EXPECT_EQ(AllData(sink_.take()).size(), 15000u);
  EXPECT_TRUE(app->output().empty());
}

TEST_F(ServiceTest, MaxPacketOneSendsOneByteAtATime) {
  FakeApp* app = StartSftp(7, 100, /*max_packet=*/1);
  app->write("abc");
  service_->pump();
  auto out = sink_.take();
  ASSERT_EQ(out.size(), 3u);
  for (const auto& m : out) EXPECT_EQ(ParseData(m).data.size(), 1u);
  EXPECT_EQ(AllData(out), (Bytes{'a', 'b', 'c'}));
}

TEST_F(ServiceTest, MaxPacketZeroIsRefused) {
  Send(Open(7, 100, 0));
  auto out = sink_.take();
  ASSERT_EQ(Types(out), std::vector<uint8_t>{msg::kChannelOpenFailure});
  EXPECT_EQ(service_->open_channels(), 0u);
}

TEST_F(ServiceTest, HugeMaxPacketIsBoundedByWhatTheTransportAccepts) {
  uint32_t max = std::numeric_limits<uint32_t>::max();
  FakeApp* app = StartSftp(7, max, max);
  app->write(3 * kMaxSendPayload, 'q');
  app->err.assign(kMaxSendPayload + 5, 'e');
  service_->pump();
  auto out = sink_.take();
  for (const auto& m : out) EXPECT_LE(m.size(), kMaxSendPayload);  // also checked by the sink
  EXPECT_EQ(AllData(out).size(), 3 * kMaxSendPayload);
  EXPECT_EQ(AllData(out, true).size(), kMaxSendPayload + 5);
  // stderr goes first.
  EXPECT_EQ(out.front()[0], msg::kChannelExtendedData);
}

TEST_F(ServiceTest, WindowAdjustUpToTheLimitIsFineAndPastItIsAnError) {
  StartSftp(7, 100);
  Send(Adjust(id_, std::numeric_limits<uint32_t>::max() - 100));
  Send(Adjust(id_, 0));
  EXPECT_THROW(Send(Adjust(id_, 1)), ProtocolError);
}

TEST_F(ServiceTest, WindowAdjustOverflowFromEmptyWindow) {
  StartSftp(7, 0);
  Send(Adjust(id_, 0x80000000u));
  EXPECT_THROW(Send(Adjust(id_, 0x80000000u)), ProtocolError);
}

TEST_F(ServiceTest, DataBeyondOurWindowIsAnError) {
  FakeApp* app = StartSftp();
  app->backed = true;  // nothing is taken, so nothing is given back
  uint32_t window = service_->local_window();
  Bytes chunk(kPiece, 'd');  // the window is a multiple of it; packets stay below max packet
  for (uint32_t i = 0; i < window / kPiece; ++i) Send(Data(id_, chunk));
  EXPECT_THROW(Send(Data(id_, "x")), ProtocolError);
}

TEST_F(ServiceTest, ExtendedDataFromTheClientIsIgnoredButCountsAgainstTheWindow) {
  FakeApp* app = StartSftp();
  app->backed = true;
  uint32_t window = service_->local_window();
  const uint32_t half = window / kPiece / 2;
  Bytes piece(kPiece, 'd');
  for (uint32_t i = 0; i < half; ++i) Send(Data(id_, piece));  // held: the app is backed up
  std::string ext(kPiece, 'e');
  for (uint32_t i = 0; i < half; ++i) Send(ExtData(id_, ext));  // dropped, but spends the window...
  EXPECT_TRUE(app->fed.empty());
  // ...and is given back, as it was consumed.
  EXPECT_EQ(Adjusted(sink_.take()), window / 2);
  for (uint32_t i = 0; i < half; ++i) Send(Data(id_, piece));
  EXPECT_THROW(Send(Data(id_, "x")), ProtocolError);
}

TEST_F(ServiceTest, WindowIsToppedUpOnlyAsTheAppTakesData) {
  FakeApp* app = StartSftp();
  uint32_t window = service_->local_window();
  Bytes chunk(32768, 'a');
  uint64_t sent = 0, adjusted = 0;
  // A quarter of the window passes before the first top-up.
  while (sent + chunk.size() < window / 4) {
    Send(Data(id_, chunk));
    sent += chunk.size();
    EXPECT_EQ(Adjusted(sink_.take()), 0u);
  }
  Send(Data(id_, chunk));
  sent += chunk.size();
  adjusted += Adjusted(sink_.take());
  EXPECT_EQ(adjusted, sent);
  // Backpressure: while the app is backed up nothing is taken and nothing given back, so the
  // client can send exactly one window more.
  app->backed = true;
  size_t fed_before = app->fed.size();
  uint64_t room = window;  // all given back
  while (room >= chunk.size()) {
    Send(Data(id_, chunk));
    room -= chunk.size();
  }
  if (room > 0) Send(Data(id_, Bytes(room, 'a')));
  EXPECT_EQ(app->fed.size(), fed_before);
  EXPECT_EQ(Adjusted(sink_.take()), 0u);
  EXPECT_THROW(Send(Data(id_, "x")), ProtocolError);
}

TEST_F(ServiceTest, HeldDataIsFedWhenTheAppDrainsAndTheWindowReturns) {
  FakeApp* app = StartSftp();
  app->backed = true;
  Bytes chunk(100000, 'h');
  const size_t count = service_->local_window() / 2 / chunk.size();  // past the top-up threshold
  const size_t total = count * chunk.size();
  for (size_t i = 0; i < count; ++i) Send(Data(id_, chunk));
  EXPECT_TRUE(app->fed.empty());
  EXPECT_EQ(Adjusted(sink_.take()), 0u);
  app->backed = false;
  service_->pump();
  EXPECT_EQ(app->fed.size(), total);
  EXPECT_EQ(Adjusted(sink_.take()), total);
  // Fed in pieces no bigger than our maximum packet, not as one huge buffer.
  EXPECT_GE(app->feeds, total / service_->local_max_packet());
}

TEST_F(ServiceTest, TransportBacklogStopsOutputUntilPumped) {
  FakeApp* app = StartSftp();
  app->write(100000, 'o');
  sink_.backlog = true;
  service_->pump();
  Send(Data(id_, "more requests"));  // input still flows; output waits
  auto out = sink_.take();
  EXPECT_EQ(AllData(out).size(), 0u);
  EXPECT_EQ(app->fed.size(), 13u);
  sink_.backlog = false;
  service_->pump();
  EXPECT_EQ(AllData(sink_.take()).size(), 100000u);
}

TEST_F(ServiceTest, ChannelsShareABackloggedTransport) {
  FakeApp* a = StartSftp(1, 1 << 30, 1000);
  FakeApp* b = StartSftp(2, 1 << 30, 1000);
  a->write(1000000, 'a');
  b->write(1000000, 'b');
  sink_.budget = 10;  // the socket drains ten packets at a time
  size_t to_a = 0, to_b = 0;
  for (int drain = 0; drain < 20; ++drain) {
    service_->pump();
    for (const auto& m : sink_.take()) (ParseData(m).recipient == 1 ? to_a : to_b) += 1;
  }
  EXPECT_GE(to_a, 50u);
  EXPECT_GE(to_b, 50u);
  EXPECT_EQ(to_a + to_b, 200u);
}

TEST_F(ServiceTest, IgnoredDataIsGivenBackBeforeTheSessionStarts) {
  id_ = OpenSession();
  uint32_t window = service_->local_window();
  std::string piece(kPiece, 'e');
  for (uint32_t i = 0; i < window / kPiece; ++i) Send(ExtData(id_, piece));
  EXPECT_EQ(Adjusted(sink_.take()), window);
  Send(ExtData(id_, "more"));  // the window is open again
}

TEST_F(ServiceTest, EchoThroughWindowsPreservesEveryByte) {
  FakeApp* app = StartSftp(7, 5000, 1000);
  app->echo = true;
  app->exit_on_eof = true;
  Bytes expect, got;
  std::vector<Bytes> out;
  for (int i = 0; i < 200; ++i) {
    Bytes chunk(97 + i, static_cast<uint8_t>(i));
    expect.insert(expect.end(), chunk.begin(), chunk.end());
    Send(Data(id_, chunk));
    if (i % 7 == 0) Send(Adjust(id_, 3000));
    auto part = sink_.take();
    out.insert(out.end(), part.begin(), part.end());
  }
  Send(Eof(id_));
  while (true) {
    auto part = sink_.take();
    out.insert(out.end(), part.begin(), part.end());
    if (!part.empty() && part.back()[0] == msg::kChannelClose) break;
    Send(Adjust(id_, 4000));
  }
  EXPECT_EQ(AllData(out), expect);
}

TEST_F(ServiceTest, InPlaceSinkProducesTheSameBytes) {
  FakeApp* app = StartSftp(7, 1 << 20, 4096);
  app->write(10000, 'p');
  app->err.assign(10, 'e');
  service_->pump();
  auto copied = sink_.take();
  Make();
  sink_.in_place = true;
  FakeApp* app2 = StartSftp(7, 1 << 20, 4096);
  app2->write(10000, 'p');
  app2->err.assign(10, 'e');
  service_->pump();
  auto in_place = sink_.take();
  EXPECT_EQ(in_place, copied);
  EXPECT_EQ(sink_.in_place_packets, 4u);  // 1 stderr + 3 stdout
}

}  // namespace
}  // namespace wharf::connection::testing
