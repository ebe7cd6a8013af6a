// Data flow between the channels and their applications: input with backpressure, output within
// the peer's window and maximum packet, window top-ups, and the exit-status/EOF/CLOSE ending.
#include <algorithm>
#include <cstring>

#include "connection/connection_service.h"
#include "transport/messages.h"

namespace wharf::connection {

namespace msg = transport::msg;

// Client data for the app: straight from the packet when the app can take it, else held.
void ConnectionService::deliver(Channel& ch, wire::ByteView data) {
  if (data.empty()) return;
  if (ch.app && ch.app->exit_status()) {
    ch.our_window.release(data.size());  // the app is done: nobody reads this
    return;
  }
  if (ch.app && ch.held_size() == 0 && !ch.app->backed_up()) {
    ch.app->feed(data);
    ch.our_window.release(data.size());
    return;
  }
  if (ch.held_pos > 0) {  // compact, so held never exceeds the window
    ch.held.erase(ch.held.begin(), ch.held.begin() + static_cast<ptrdiff_t>(ch.held_pos));
    ch.held_pos = 0;
  }
  ch.held.insert(ch.held.end(), data.begin(), data.end());
}

// Feeds held input, one maximum packet at a time, while the app takes it. Returns true if
// anything was fed.
bool ConnectionService::feed_held(Channel& ch) {
  bool fed = false;
  while (ch.held_size() > 0 && ch.app && (ch.app->exit_status() || !ch.app->backed_up())) {
    size_t n = std::min<size_t>(ch.held_size(), config_.max_packet);
    if (!ch.app->exit_status()) ch.app->feed(wire::ByteView(ch.held).subspan(ch.held_pos, n));
    ch.held_pos += n;
    ch.our_window.release(n);
    fed = true;
  }
  if (ch.held_size() == 0) {
    ch.held.clear();
    ch.held_pos = 0;
  }
  return fed;
}

// How much data one packet to this channel may carry now: the peer's window and maximum
// packet (data bytes, as OpenSSH reads it), what the transport accepts, and nothing while the
// transport's output is backed up.
size_t ConnectionService::data_room(const Channel& ch, size_t header) const {
  if (sink_.backlogged()) return 0;
  size_t room = std::min<size_t>(ch.peer_window.available(), ch.peer_max_packet);
  return std::min(room, kMaxSendPayload - header);
}

void ConnectionService::send_data(const Channel& ch, bool stderr_stream, wire::ByteView data) {
  size_t header = stderr_stream ? kExtendedDataHeader : kDataHeader;
  size_t len = header + data.size();
  std::span<uint8_t> room = sink_.begin_payload(len);
  uint8_t* p = room.size() >= len ? room.data() : nullptr;
  if (p == nullptr) {
    scratch_.resize(len);
    p = scratch_.data();
  }
  auto put32 = [&p](uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
    p += 4;
  };
  *p++ = stderr_stream ? msg::kChannelExtendedData : msg::kChannelData;
  put32(ch.peer_id);
  if (stderr_stream) put32(kExtendedDataStderr);
  put32(static_cast<uint32_t>(data.size()));
  if (room.size() >= len) {
    // The data is encrypted from the app's output into the packet: it is never copied.
    sink_.end_payload(header, data);
  } else {
    std::memcpy(p, data.data(), data.size());
    sink_.send(wire::ByteView(scratch_.data(), len));
  }
}

// Sends stdout or stderr output while the window, the maximum packet and the transport allow.
bool ConnectionService::send_output(Channel& ch, bool stderr_stream) {
  size_t header = stderr_stream ? kExtendedDataHeader : kDataHeader;
  bool sent = false;
  while (true) {
    wire::ByteView out = stderr_stream ? ch.app->error_output() : ch.app->output();
    if (out.empty()) break;
    size_t n = std::min(out.size(), data_room(ch, header));
    if (n == 0) break;
    send_data(ch, stderr_stream, out.first(n));
    ch.peer_window.spend(n);
    if (stderr_stream) {
      ch.app->consume_error(n);
    } else {
      ch.app->consume(n);
    }
    sent = true;
  }
  return sent;
}

void ConnectionService::pump() {
  // Round robin: each pump starts one channel further, so one busy channel cannot keep the
  // others' output behind the transport's backlog forever.
  size_t n = channels_.size();
  if (n == 0) return;
  size_t start = pump_start_++ % n;
  for (size_t i = 0; i < n; ++i) {
    if (Channel* ch = channels_[(start + i) % n].get()) service(*ch);
  }
}

// Moves one channel forward as far as it can go: output out, held input in (which may make
// more output), EOF to the app, the ending once the app is done, our window topped up.
void ConnectionService::service(Channel& ch) {
  if (ch.sent_close) return;
  if (ch.app) {
    bool progress = true;
    while (progress) {
      progress = send_output(ch, true);
      progress |= send_output(ch, false);
      progress |= feed_held(ch);
      if (ch.peer_eof && !ch.eof_delivered && ch.held_size() == 0) {
        ch.eof_delivered = true;
        ch.app->on_eof();
        progress = true;
      }
    }
    if (ch.app->exit_status() && ch.app->output().empty() && ch.app->error_output().empty()) {
      return finish(ch);
    }
  }
  if (uint32_t adjust = ch.our_window.take_adjustment()) {
    wire::Writer w(scratch_);
    scratch_.clear();
    w.u8(msg::kChannelWindowAdjust).u32(ch.peer_id).u32(adjust);
    sink_.send(scratch_);
  }
}

// The app finished and all its output went out: exit-status (RFC 4254 section 6.10), then EOF
// and CLOSE. The channel is freed when the peer's CLOSE arrives.
void ConnectionService::finish(Channel& ch) {
  wire::Writer w(scratch_);
  scratch_.clear();
  w.u8(msg::kChannelRequest).u32(ch.peer_id).string("exit-status").boolean(false);
  w.u32(*ch.app->exit_status());
  sink_.send(scratch_);
  if (!ch.sent_eof) {
    send_simple(msg::kChannelEof, ch.peer_id);
    ch.sent_eof = true;
  }
  send_simple(msg::kChannelClose, ch.peer_id);
  ch.sent_close = true;
  ch.held.clear();
  ch.held.shrink_to_fit();
  ch.held_pos = 0;
}

}  // namespace wharf::connection
