// The test fixture shared by the ConnectionService tests.
#pragma once

#include "tests/connection/harness.h"

namespace wharf::connection::testing {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(); }

  void Make(ConnectionConfig config = {}) {
    service_ =
        std::make_unique<ConnectionService>(sink_, factories_.make(), std::move(config), t0_);
    sink_.take();
  }
  void Send(const Bytes& m) { service_->on_message(m); }

  // Opens a session; returns our channel id from the confirmation.
  uint32_t OpenSession(uint32_t peer_id = 7, uint32_t window = 1u << 21,
                       uint32_t max_packet = 32768) {
    Send(Open(peer_id, window, max_packet));
    auto out = sink_.take();
    EXPECT_EQ(out.size(), 1u);
    wire::Reader r(out.at(0));
    EXPECT_EQ(r.u8("type"), msg::kChannelOpenConfirmation);
    EXPECT_EQ(r.u32("recipient"), peer_id);
    return r.u32("sender");
  }
  // Opens a session and starts (fake) SFTP on it.
  FakeApp* StartSftp(uint32_t peer_id = 7, uint32_t window = 1u << 21,
                     uint32_t max_packet = 32768) {
    id_ = OpenSession(peer_id, window, max_packet);
    Send(Request(id_, "subsystem", true, "sftp"));
    auto out = sink_.take();
    EXPECT_EQ(Types(out), std::vector<uint8_t>{msg::kChannelSuccess});
    return factories_.apps.back();
  }

  // All data (type 94) sent to `recipient`, concatenated.
  static Bytes AllData(const std::vector<Bytes>& msgs, bool ext = false) {
    Bytes all;
    for (const auto& m : msgs) {
      if (m[0] != (ext ? msg::kChannelExtendedData : msg::kChannelData)) continue;
      DataMsg d = ParseData(m);
      all.insert(all.end(), d.data.begin(), d.data.end());
    }
    return all;
  }
  // Sum of WINDOW_ADJUST amounts.
  static uint64_t Adjusted(const std::vector<Bytes>& msgs) {
    uint64_t sum = 0;
    for (const auto& m : msgs) {
      if (m[0] != msg::kChannelWindowAdjust) continue;
      wire::Reader r(m);
      r.u8("type");
      r.u32("recipient");
      sum += r.u32("bytes");
    }
    return sum;
  }

  Clock::time_point t0_ = Clock::time_point() + std::chrono::hours(1);
  FakeSink sink_;
  Factories factories_;
  std::unique_ptr<ConnectionService> service_;
  uint32_t id_ = 0;
};

}  // namespace wharf::connection::testing
