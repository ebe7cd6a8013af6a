// Message dispatch, channel open and close, window and data messages (RFC 4254 section 5).
#include "connection/connection_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "transport/messages.h"

namespace wharf::connection {

namespace msg = transport::msg;
using transport::DisconnectReason;
using transport::ProtocolError;

namespace {

[[noreturn]] void violation(const std::string& what) {
  throw ProtocolError(DisconnectReason::kProtocolError, what);
}

}  // namespace

ConnectionService::ConnectionService(PacketSink& sink, SessionFactories factories,
                                     ConnectionConfig config, Clock::time_point now)
    : sink_(sink), factories_(std::move(factories)), config_(std::move(config)) {
  config_.window = std::clamp(config_.window, kMinWindow, kMaxWindow);
  config_.max_packet = std::clamp(config_.max_packet, kMinLocalMaxPacket, kMaxLocalMaxPacket);
  note_activity(now);
}

ConnectionService::~ConnectionService() = default;

void ConnectionService::on_message(wire::ByteView payload) {
  wire::Reader r(payload);
  uint8_t type = r.u8("message type");
  switch (type) {
    case msg::kGlobalRequest:
      on_global_request(r);
      break;
    case msg::kRequestSuccess:
    case msg::kRequestFailure:
      on_global_reply();
      break;
    case msg::kChannelOpen:
      on_channel_open(r);
      break;
    case msg::kChannelWindowAdjust:
      on_window_adjust(r);
      break;
    case msg::kChannelData:
      on_data(r);
      break;
    case msg::kChannelExtendedData:
      on_extended_data(r);
      break;
    case msg::kChannelEof:
      on_eof(r);
      break;
    case msg::kChannelClose:
      on_close(r);
      break;
    case msg::kChannelRequest:
      on_channel_request(r);
      break;
    default:
      // OPEN_CONFIRMATION/FAILURE and CHANNEL_SUCCESS/FAILURE answer things we never send
      // (we open no channels and make no channel request with want_reply).
      violation(fmt::format("unexpected connection message {}", type));
  }
  pump();
}

Channel& ConnectionService::channel_for(wire::Reader& r) {
  uint32_t id = r.u32("recipient channel");
  if (id >= channels_.size() || !channels_[id]) violation(fmt::format("unknown channel {}", id));
  return *channels_[id];
}

// Our window is memory a client may fill while its application is backed up or not started
// (flow.cc holds it). Only one channel at a time gets the large window; the others get OpenSSH's
// 2 MiB, so MaxSessions 10 costs at most 16 + 9 * 2 MiB, not 10 * 16.
uint32_t ConnectionService::window_for_new_channel() const {
  for (const auto& ch : channels_) {
    if (ch && ch->our_window.size() > kMinWindow) return kMinWindow;
  }
  return config_.window;
}

// RFC 4254 section 5.1. Only "session" (section 6.1); no forwarding of any kind.
void ConnectionService::on_channel_open(wire::Reader& r) {
  std::string_view type = r.text("channel type", kMaxRequestName);
  uint32_t peer_id = r.u32("sender channel");
  uint32_t window = r.u32("initial window size");
  uint32_t max_packet = r.u32("maximum packet size");
  if (type != "session") {
    // direct-tcpip, forwarded-tcpip, x11, auth-agent@openssh.com, tun@openssh.com, ...
    return open_failure(peer_id, kOpenAdministrativelyProhibited,
                        "only session channels are supported");
  }
  r.expect_end("CHANNEL_OPEN session");
  if (no_more_sessions_) {
    // OpenSSH PROTOCOL section 2.2: the client promised no more sessions; sshd disconnects.
    violation("session channel opened after no-more-sessions@openssh.com");
  }
  if (max_packet == 0) {
    // We could never send this channel a byte of data.
    return open_failure(peer_id, kOpenConnectFailed, "maximum packet size 0");
  }
  if (open_count_ >= config_.max_sessions) {
    return open_failure(peer_id, kOpenResourceShortage,
                        fmt::format("too many sessions (MaxSessions {})", config_.max_sessions));
  }
  auto free_slot = std::find(channels_.begin(), channels_.end(), nullptr);
  uint32_t id = static_cast<uint32_t>(free_slot - channels_.begin());
  const uint32_t our_window = window_for_new_channel();
  auto ch = std::make_unique<Channel>(id, peer_id, window, max_packet, our_window);
  if (free_slot == channels_.end()) {
    channels_.push_back(std::move(ch));
  } else {
    *free_slot = std::move(ch);
  }
  ++open_count_;

  wire::Writer w(scratch_);
  scratch_.clear();
  w.u8(msg::kChannelOpenConfirmation).u32(peer_id).u32(id).u32(our_window);
  w.u32(config_.max_packet);
  sink_.send(scratch_);
}

void ConnectionService::open_failure(uint32_t peer_id, uint32_t reason,
                                     std::string_view description) {
  wire::Writer w(scratch_);
  scratch_.clear();
  w.u8(msg::kChannelOpenFailure).u32(peer_id).u32(reason).string(description).string("en");
  sink_.send(scratch_);
}

void ConnectionService::on_window_adjust(wire::Reader& r) {
  Channel& ch = channel_for(r);
  uint32_t bytes = r.u32("bytes to add");
  r.expect_end("CHANNEL_WINDOW_ADJUST");
  if (ch.sent_close) return;  // crossed our CLOSE; nothing more will be sent
  ch.peer_window.add(bytes);
}

// RFC 4254 section 5.2: data may only come while the window allows, and not after EOF.
void ConnectionService::on_data(wire::Reader& r) {
  Channel& ch = channel_for(r);
  wire::ByteView data = r.string("data");
  r.expect_end("CHANNEL_DATA");
  if (ch.sent_close) return;  // sent before the peer saw our CLOSE: dropped
  if (ch.peer_eof) violation(fmt::format("data on channel {} after EOF", ch.id));
  ch.our_window.receive(data.size());
  deliver(ch, data);
}

// No session program here reads stderr input: the data is dropped, but counts against the
// window like any data, and is given back at once.
void ConnectionService::on_extended_data(wire::Reader& r) {
  Channel& ch = channel_for(r);
  r.u32("data type code");
  wire::ByteView data = r.string("data");
  r.expect_end("CHANNEL_EXTENDED_DATA");
  if (ch.sent_close) return;
  if (ch.peer_eof) violation(fmt::format("extended data on channel {} after EOF", ch.id));
  ch.our_window.receive(data.size());
  ch.our_window.release(data.size());
}

void ConnectionService::on_eof(wire::Reader& r) {
  Channel& ch = channel_for(r);
  r.expect_end("CHANNEL_EOF");
  if (ch.sent_close) return;
  if (ch.peer_eof) violation(fmt::format("second EOF on channel {}", ch.id));
  ch.peer_eof = true;
}

// RFC 4254 section 5.3: answer CLOSE with CLOSE unless we already sent one; the channel is gone
// once both were sent.
void ConnectionService::on_close(wire::Reader& r) {
  Channel& ch = channel_for(r);
  r.expect_end("CHANNEL_CLOSE");
  if (!ch.sent_close) {
    send_simple(msg::kChannelClose, ch.peer_id);
    ch.sent_close = true;
  }
  free_channel(ch);
}

void ConnectionService::free_channel(Channel& ch) {
  uint32_t id = ch.id;
  channels_[id].reset();
  --open_count_;
  while (!channels_.empty() && !channels_.back()) channels_.pop_back();
}

void ConnectionService::send_simple(uint8_t type, uint32_t peer_id) {
  wire::Writer w(scratch_);
  scratch_.clear();
  w.u8(type).u32(peer_id);
  sink_.send(scratch_);
}

}  // namespace wharf::connection
