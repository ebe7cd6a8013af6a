// Channel open, close and identity: session only, MaxSessions, unknown and closed ids, EOF/CLOSE
// sequencing (RFC 4254 sections 5.1 and 5.3).
#include "tests/connection/fixture.h"

namespace wharf::connection::testing {
namespace {

using transport::ProtocolError;

TEST_F(ServiceTest, SessionOpenIsConfirmedWithOurWindowAndPacket) {
  Send(Open(42, 1000, 5000));
  auto out = sink_.take();
  ASSERT_EQ(out.size(), 1u);
  wire::Reader r(out[0]);
  EXPECT_EQ(r.u8("type"), msg::kChannelOpenConfirmation);
  EXPECT_EQ(r.u32("recipient"), 42u);
  EXPECT_EQ(r.u32("sender"), 0u);
  uint32_t window = r.u32("window");
  uint32_t max_packet = r.u32("max packet");
  r.expect_end("confirmation");
  EXPECT_GE(window, 2u << 20);
  EXPECT_GE(max_packet, 32u << 10);
  EXPECT_LE(max_packet, 256u << 10);
  EXPECT_EQ(service_->open_channels(), 1u);
}

TEST_F(ServiceTest, ConfiguredWindowAndPacketAreClamped) {
  ConnectionConfig config;
  config.window = 1000;
  config.max_packet = 1u << 30;
  Make(config);
  EXPECT_EQ(service_->local_window(), kMinWindow);
  EXPECT_EQ(service_->local_max_packet(), kMaxLocalMaxPacket);
  config.max_packet = 10;
  Make(config);
  EXPECT_EQ(service_->local_max_packet(), kMinLocalMaxPacket);
}

TEST_F(ServiceTest, OtherChannelTypesAreAdministrativelyProhibited) {
  for (std::string_view type : {"direct-tcpip", "forwarded-tcpip", "x11", "auth-agent@openssh.com",
                                "tun@openssh.com", "direct-streamlocal@openssh.com", "Session"}) {
    wire::Writer w;
    w.u8(msg::kChannelOpen).string(type).u32(3).u32(1 << 20).u32(32768);
    w.string("127.0.0.1").u32(22).string("10.0.0.1").u32(5555);  // type-specific data
    Send(w.take());
    auto out = sink_.take();
    ASSERT_EQ(out.size(), 1u) << type;
    wire::Reader r(out[0]);
    EXPECT_EQ(r.u8("type"), msg::kChannelOpenFailure);
    EXPECT_EQ(r.u32("recipient"), 3u);
    EXPECT_EQ(r.u32("reason"), kOpenAdministrativelyProhibited) << type;
    EXPECT_FALSE(r.text("description").empty());
    r.text("language");
    r.expect_end("open failure");
  }
  EXPECT_EQ(service_->open_channels(), 0u);
  EXPECT_EQ(service_->channel_slots(), 0u);
}

TEST_F(ServiceTest, SessionOpenWithTrailingBytesIsADecodeError) {
  Bytes m = Open(1);
  m.push_back(0);
  EXPECT_THROW(Send(m), wire::DecodeError);
}

TEST_F(ServiceTest, MaxSessionsIsEnforcedAndSlotsAreReused) {
  ConnectionConfig config;
  config.max_sessions = 3;
  Make(config);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(OpenSession(100 + i), i);
  Send(Open(200));
  auto out = sink_.take();
  ASSERT_EQ(out.size(), 1u);
  wire::Reader r(out[0]);
  EXPECT_EQ(r.u8("type"), msg::kChannelOpenFailure);
  EXPECT_EQ(r.u32("recipient"), 200u);
  EXPECT_EQ(r.u32("reason"), kOpenResourceShortage);
  // Closing channel 1 frees its slot for the next open.
  Send(Close(1));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelClose});
  EXPECT_EQ(OpenSession(300), 1u);
  EXPECT_EQ(service_->open_channels(), 3u);
}

// Our window is memory a client can fill: one channel at a time gets the large one.
TEST_F(ServiceTest, OnlyOneChannelAtATimeGetsTheLargeWindow) {
  auto opened_window = [this](uint32_t peer_id) {
    Send(Open(peer_id));
    auto out = sink_.take();
    EXPECT_EQ(out.size(), 1u);
    wire::Reader r(out.at(0));
    EXPECT_EQ(r.u8("type"), msg::kChannelOpenConfirmation);
    r.u32("recipient");
    r.u32("sender");
    return r.u32("window");
  };
  ASSERT_GT(service_->local_window(), kMinWindow);
  EXPECT_EQ(opened_window(10), service_->local_window());
  for (uint32_t i = 11; i < 13; ++i) EXPECT_EQ(opened_window(i), kMinWindow) << i;
  Send(Close(0));  // the large one closes; the next channel may have it
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelClose});
  EXPECT_EQ(opened_window(20), service_->local_window());
  EXPECT_EQ(opened_window(21), kMinWindow);
}

TEST_F(ServiceTest, MaxSessionsZeroRefusesEverySession) {
  ConnectionConfig config;
  config.max_sessions = 0;
  Make(config);
  Send(Open(1));
  EXPECT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelOpenFailure});
}

TEST_F(ServiceTest, TenThousandOpensNeverGrowBeyondMaxSessions) {
  ConnectionConfig config;
  config.max_sessions = 4;
  Make(config);
  size_t confirmed = 0, refused = 0;
  for (uint32_t i = 0; i < 10000; ++i) {
    Send(Open(i));
    auto out = sink_.take();
    ASSERT_EQ(out.size(), 1u);
    if (out[0][0] == msg::kChannelOpenConfirmation) {
      ++confirmed;
      wire::Reader r(out[0]);
      r.u8("type");
      r.u32("recipient");
      uint32_t id = r.u32("sender");
      ASSERT_LT(id, 4u);
      if (i % 3 == 0) {  // some channels run a refused shell to the end, others just close
        Send(Request(id, "shell", false));
        Send(Close(id));
        ASSERT_EQ(Types(sink_.take()),
                  (std::vector<uint8_t>{msg::kChannelExtendedData, msg::kChannelRequest,
                                        msg::kChannelEof, msg::kChannelClose}));
      } else if (i % 5 == 0) {
        Send(Close(id));
        ASSERT_EQ(Types(sink_.take()), std::vector<uint8_t>{msg::kChannelClose});
      }
    } else {
      ASSERT_EQ(out[0][0], msg::kChannelOpenFailure);
      ++refused;
      // Free everything again.
      for (uint32_t id = 0; id < service_->channel_slots(); ++id) {
        try {
          Send(Close(id));
        } catch (const ProtocolError&) {
        }
      }
      sink_.take();
    }
    ASSERT_LE(service_->channel_slots(), 4u);
    ASSERT_LE(service_->open_channels(), 4u);
  }
  EXPECT_GT(confirmed, 5000u);
  EXPECT_GT(refused, 0u);
}

TEST_F(ServiceTest, UnknownChannelIdsAreProtocolErrors) {
  OpenSession();
  for (const Bytes& m : {Data(1, "x"), Data(0xffffffff, "x"), Adjust(5, 1), Eof(9), Close(1),
                         Request(2, "shell", true), ExtData(3, "x")}) {
    EXPECT_THROW(Send(m), ProtocolError);
  }
  EXPECT_THROW(Send(Simple(msg::kChannelSuccess, 0)), ProtocolError);  // we asked nothing
  EXPECT_THROW(Send(Simple(msg::kChannelFailure, 0)), ProtocolError);
  EXPECT_THROW(Send(Simple(msg::kChannelOpenConfirmation, 0)), ProtocolError);
}

TEST_F(ServiceTest, PeerCloseIsAnsweredOnceAndTheIdDies) {
  uint32_t id = OpenSession(9);
  Send(Close(id));
  auto out = sink_.take();
  ASSERT_EQ(Types(out), std::vector<uint8_t>{msg::kChannelClose});
  wire::Reader r(out[0]);
  r.u8("type");
  EXPECT_EQ(r.u32("recipient"), 9u);
  EXPECT_EQ(service_->open_channels(), 0u);
  EXPECT_THROW(Send(Close(id)), ProtocolError);
  EXPECT_THROW(Send(Data(id, "late")), ProtocolError);
}

TEST_F(ServiceTest, AppEndSendsExitStatusEofCloseThenWaitsForPeerClose) {
  FakeApp* app = StartSftp(9);
  app->write("last words");
  Send(Eof(id_));  // the app exits on EOF (like sftp-server)
  auto out = sink_.take();
  ASSERT_EQ(Types(out), (std::vector<uint8_t>{msg::kChannelData, msg::kChannelRequest,
                                              msg::kChannelEof, msg::kChannelClose}));
  EXPECT_EQ(AllData(out), wire::Bytes(app->out.begin(), app->out.end()));
  wire::Reader r(out[1]);
  r.u8("type");
  EXPECT_EQ(r.u32("recipient"), 9u);
  EXPECT_EQ(r.text("name"), "exit-status");
  EXPECT_FALSE(r.boolean("want reply"));
  EXPECT_EQ(r.u32("status"), 0u);
  r.expect_end("exit-status");
  // Our CLOSE is out; the slot stays until the peer's CLOSE, which gets no second CLOSE.
  EXPECT_EQ(service_->open_channels(), 1u);
  Send(Data(id_, "crossed our close"));  // sent before the peer saw our CLOSE: dropped
  Send(Adjust(id_, 100));
  Send(Request(id_, "exec", true, "ls"));
  EXPECT_TRUE(sink_.take().empty());
  Send(Close(id_));
  EXPECT_TRUE(sink_.take().empty());
  EXPECT_EQ(service_->open_channels(), 0u);
  EXPECT_EQ(service_->channel_slots(), 0u);
}

TEST_F(ServiceTest, ExitWaitsForOutputToFitTheWindow) {
  FakeApp* app = StartSftp(9, /*window=*/4);
  app->write("0123456789");
  Send(Eof(id_));
  auto out = sink_.take();
  ASSERT_EQ(Types(out), std::vector<uint8_t>{msg::kChannelData});
  EXPECT_EQ(ParseData(out[0]).data.size(), 4u);
  Send(Adjust(id_, 6));
  out = sink_.take();
  EXPECT_EQ(Types(out), (std::vector<uint8_t>{msg::kChannelData, msg::kChannelRequest,
                                              msg::kChannelEof, msg::kChannelClose}));
}

TEST_F(ServiceTest, DataAndSecondEofAfterEofAreProtocolErrors) {
  FakeApp* app = StartSftp();
  app->exit_on_eof = false;
  Send(Eof(id_));
  EXPECT_TRUE(app->eof);
  EXPECT_THROW(Send(Data(id_, "x")), ProtocolError);
  EXPECT_THROW(Send(ExtData(id_, "x")), ProtocolError);
  EXPECT_THROW(Send(Eof(id_)), ProtocolError);
}

TEST_F(ServiceTest, EofIsDeliveredOnlyAfterHeldInput) {
  FakeApp* app = StartSftp();
  app->exit_on_eof = false;
  app->backed = true;
  Send(Data(id_, "held"));
  Send(Eof(id_));
  EXPECT_FALSE(app->eof);
  EXPECT_TRUE(app->fed.empty());
  app->backed = false;
  service_->pump();
  EXPECT_EQ(std::string(app->fed.begin(), app->fed.end()), "held");
  EXPECT_TRUE(app->eof);
}

TEST_F(ServiceTest, DataBeforeTheSessionStartsIsHeldForTheApp) {
  id_ = OpenSession();
  Send(Data(id_, "early "));
  Send(Data(id_, "bytes"));
  Send(Request(id_, "subsystem", false, "sftp"));
  EXPECT_TRUE(sink_.take().empty());  // no reply asked
  FakeApp* app = factories_.apps.back();
  EXPECT_EQ(std::string(app->fed.begin(), app->fed.end()), "early bytes");
}

}  // namespace
}  // namespace wharf::connection::testing
