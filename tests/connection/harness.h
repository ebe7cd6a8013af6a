// In-memory fakes for driving ConnectionService: a PacketSink that records what is sent, a
// SessionApp whose behaviour each test sets, and builders for client messages.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "connection/connection_service.h"
#include "transport/messages.h"

namespace wharf::connection::testing {

namespace msg = transport::msg;
using wire::Bytes;
using wire::ByteView;

class FakeSink : public PacketSink {
 public:
  void send(ByteView payload) override {
    EXPECT_LE(payload.size(), kMaxSendPayload);
    sent.emplace_back(payload.begin(), payload.end());
  }
  bool backlogged() const override { return backlog || sent.size() >= budget; }
  std::span<uint8_t> begin_payload(size_t max_payload) override {
    if (!in_place) return {};
    EXPECT_LE(max_payload, kMaxSendPayload);
    room_.assign(max_payload, 0xAA);
    return room_;
  }
  void end_payload(size_t head_len, ByteView tail) override {
    room_.resize(head_len);
    room_.insert(room_.end(), tail.begin(), tail.end());
    sent.push_back(room_);
    ++in_place_packets;
  }

  // Removes and returns everything sent so far.
  std::vector<Bytes> take() { return std::exchange(sent, {}); }

  std::vector<Bytes> sent;
  bool backlog = false;
  size_t budget = SIZE_MAX;  // backlogged once this many messages are waiting in `sent`
  bool in_place = false;
  size_t in_place_packets = 0;

 private:
  Bytes room_;
};

class FakeApp : public SessionApp {
 public:
  void feed(ByteView data) override {
    EXPECT_FALSE(backed) << "fed while backed up";
    EXPECT_FALSE(eof) << "fed after EOF";
    last_feed = data;
    fed.insert(fed.end(), data.begin(), data.end());
    ++feeds;
    if (echo) out.insert(out.end(), data.begin(), data.end());
  }
  void on_eof() override {
    EXPECT_FALSE(eof);
    eof = true;
    if (exit_on_eof) status = 0;
  }
  ByteView output() const override { return ByteView(out).subspan(out_pos); }
  void consume(size_t n) override {
    ASSERT_LE(n, out.size() - out_pos);
    out_pos += n;
  }
  ByteView error_output() const override { return ByteView(err).subspan(err_pos); }
  void consume_error(size_t n) override {
    ASSERT_LE(n, err.size() - err_pos);
    err_pos += n;
  }
  bool backed_up() const override { return backed; }
  std::optional<uint32_t> exit_status() const override { return status; }

  void write(std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
  void write(size_t n, uint8_t byte) { out.insert(out.end(), n, byte); }

  Bytes fed;
  ByteView last_feed;
  size_t feeds = 0;
  bool eof = false;
  bool echo = false;
  bool exit_on_eof = true;
  bool backed = false;
  Bytes out;
  size_t out_pos = 0;
  Bytes err;
  size_t err_pos = 0;
  std::optional<uint32_t> status;
};

// Records what the factories were asked for and hands out FakeApps (owned by their channel).
struct Factories {
  std::vector<std::vector<std::string>> sftp_calls;
  std::vector<std::string> scp_calls;
  std::vector<FakeApp*> apps;  // valid while their channel exists
  std::string scp_error;       // set: scp factory refuses with this message
  bool echo = false;           // new apps echo their input

  SessionFactories make() {
    SessionFactories f;
    f.sftp = [this](const std::vector<std::string>& args) -> std::unique_ptr<SessionApp> {
      sftp_calls.push_back(args);
      auto app = std::make_unique<FakeApp>();
      app->echo = echo;
      apps.push_back(app.get());
      return app;
    };
    f.scp = [this](std::string_view command, std::string& error) -> std::unique_ptr<SessionApp> {
      scp_calls.emplace_back(command);
      if (command.substr(0, 4) != "scp ") return nullptr;
      if (!scp_error.empty()) {
        error = scp_error;
        return nullptr;
      }
      auto app = std::make_unique<FakeApp>();
      app->echo = echo;
      apps.push_back(app.get());
      return app;
    };
    return f;
  }
};

// Client messages.
inline Bytes Open(uint32_t sender, uint32_t window = 1u << 21, uint32_t max_packet = 32768,
                  std::string_view type = "session") {
  wire::Writer w;
  w.u8(msg::kChannelOpen).string(type).u32(sender).u32(window).u32(max_packet);
  return w.take();
}
inline Bytes Data(uint32_t id, ByteView data) {
  wire::Writer w;
  w.u8(msg::kChannelData).u32(id).string(data);
  return w.take();
}
inline Bytes Data(uint32_t id, std::string_view data) { return Data(id, wire::as_bytes(data)); }
inline Bytes ExtData(uint32_t id, std::string_view data, uint32_t type = 1) {
  wire::Writer w;
  w.u8(msg::kChannelExtendedData).u32(id).u32(type).string(data);
  return w.take();
}
inline Bytes Adjust(uint32_t id, uint32_t n) {
  wire::Writer w;
  w.u8(msg::kChannelWindowAdjust).u32(id).u32(n);
  return w.take();
}
inline Bytes Simple(uint8_t type, uint32_t id) {
  wire::Writer w;
  w.u8(type).u32(id);
  return w.take();
}
inline Bytes Eof(uint32_t id) { return Simple(msg::kChannelEof, id); }
inline Bytes Close(uint32_t id) { return Simple(msg::kChannelClose, id); }
inline Bytes Request(uint32_t id, std::string_view type, bool want_reply,
                     std::optional<std::string_view> arg = std::nullopt) {
  wire::Writer w;
  w.u8(msg::kChannelRequest).u32(id).string(type).boolean(want_reply);
  if (arg) w.string(*arg);
  return w.take();
}
inline Bytes Global(std::string_view name, bool want_reply) {
  wire::Writer w;
  w.u8(msg::kGlobalRequest).string(name).boolean(want_reply);
  return w.take();
}

// Decoded views of what the service sent.
struct DataMsg {
  uint32_t recipient = 0;
  std::optional<uint32_t> ext_type;
  Bytes data;
};
inline DataMsg ParseData(const Bytes& m) {
  wire::Reader r(m);
  DataMsg d;
  uint8_t type = r.u8("type");
  EXPECT_TRUE(type == msg::kChannelData || type == msg::kChannelExtendedData);
  d.recipient = r.u32("recipient");
  if (type == msg::kChannelExtendedData) d.ext_type = r.u32("data type");
  ByteView v = r.string("data");
  d.data.assign(v.begin(), v.end());
  r.expect_end("data message");
  return d;
}
inline std::string RequestName(const Bytes& m) {
  wire::Reader r(m);
  EXPECT_EQ(r.u8("type"), msg::kChannelRequest);
  r.u32("recipient");
  return std::string(r.text("name"));
}
inline std::vector<uint8_t> Types(const std::vector<Bytes>& msgs) {
  std::vector<uint8_t> t;
  for (const auto& m : msgs) t.push_back(m.empty() ? 0 : m[0]);
  return t;
}

}  // namespace wharf::connection::testing
