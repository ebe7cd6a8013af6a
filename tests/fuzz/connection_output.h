// Reads what the server of connection_fuzz sends (fuzz builds only) and checks it: one
// identification line, then packets framed for a block size of 8 with 4..255 bytes of padding and
// a non-empty payload, no connection-layer message before USERAUTH_SUCCESS. It also collects the
// SFTP handles the server returns on each channel, for the "HND<n>" substitution.
#pragma once

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "sftp/protocol.h"
#include "tests/fuzz/connection_client.h"
#include "tests/fuzz/fuzz_util.h"
#include "transport/messages.h"
#include "transport/wire.h"

namespace wharf::fuzz::conn {

class ServerOutput {
 public:
  // `inspect_payloads` is false when compression may be on (payloads are then opaque).
  explicit ServerOutput(bool inspect_payloads) : inspect_(inspect_payloads) {}

  void feed(wire::ByteView bytes, Progress& progress) {
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    if (!ident_done_) {
      auto it = std::search(buf_.begin(), buf_.end(), kCrLf, kCrLf + 2);
      if (it == buf_.end()) return check(buf_.size() < 256);
      check(std::string_view(reinterpret_cast<const char*>(buf_.data()), 8) == "SSH-2.0-");
      buf_.erase(buf_.begin(), it + 2);
      ident_done_ = true;
    }
    size_t off = 0;
    while (buf_.size() - off >= 5) {
      wire::Reader r(wire::ByteView(buf_).subspan(off));
      const uint32_t len = r.u32("packet length");
      check(len <= wire::kMaxPacket + 1024 && (len + 4) % 8 == 0);
      if (buf_.size() - off < 4 + size_t{len}) break;
      const uint8_t padding = buf_[off + 4];
      check(padding >= 4 && size_t{padding} + 1 < len);
      on_payload(wire::ByteView(buf_).subspan(off + 5, len - 1 - padding), progress);
      off += 4 + len;
    }
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<long>(off));
  }

  const std::vector<std::string>& handles() const { return handles_; }

 private:
  static constexpr char kCrLf[] = "\r\n";
  static constexpr size_t kChannels = 4;

  void on_payload(wire::ByteView p, Progress& progress) {
    if (!inspect_) return;
    const uint8_t type = p[0];
    if (type == transport::msg::kUserauthSuccess) success_seen_ = true;
    check(success_seen_ || type < transport::msg::kGlobalRequest);
    if (type != transport::msg::kChannelData) return;
    wire::Reader r(p.subspan(1));
    const uint32_t channel = r.u32("recipient");
    auto data = r.string("data");
    progress.data_bytes += data.size();
    if (channel < kChannels) on_channel_data(sftp_[channel], data, progress);
  }

  // Reads SFTP replies from one channel's stream; a stream that is not SFTP is dropped.
  void on_channel_data(wire::Bytes& stream, wire::ByteView data, Progress& progress) {
    if (stream.size() > kMaxStream) return;
    stream.insert(stream.end(), data.begin(), data.end());
    size_t off = 0;
    while (stream.size() - off >= 4) {
      wire::Reader r(wire::ByteView(stream).subspan(off));
      const uint32_t len = r.u32("sftp length");
      if (len == 0 || len > kMaxStream) {
        stream.assign(kMaxStream + 1, 0);  // not SFTP: ignore this channel from now on
        return;
      }
      if (r.remaining() < len) break;
      wire::Reader msg = r.sub(len, "sftp message");
      ++progress.sftp_replies;
      if (msg.u8("type") == sftp::SSH_FXP_HANDLE && msg.remaining() >= 8) {
        msg.u32("id");
        auto h = msg.string("handle", 256);
        if (handles_.size() == 16) handles_.erase(handles_.begin());
        handles_.emplace_back(wire::as_text(h));
        ++progress.handles;
      }
      off += 4 + len;
    }
    stream.erase(stream.begin(), stream.begin() + static_cast<long>(off));
  }

  static constexpr size_t kMaxStream = 1 << 20;
  bool inspect_;
  bool ident_done_ = false;
  bool success_seen_ = false;
  wire::Bytes buf_;
  std::array<wire::Bytes, kChannels> sftp_;
  std::vector<std::string> handles_;
};

// Replaces each string "HND<n>" in an SFTP message with the n-th handle (mod count) returned.
inline wire::Bytes substitute_handles(wire::ByteView msg, const std::vector<std::string>& handles) {
  wire::Bytes out;
  wire::Writer w(out);
  size_t i = 0;
  while (i < msg.size()) {
    if (!handles.empty() && msg.size() - i >= 8 && std::memcmp(&msg[i], "\0\0\0\4HND", 7) == 0) {
      w.string(std::string_view(handles[msg[i + 7] % handles.size()]));
      i += 8;
      continue;
    }
    w.u8(msg[i++]);
  }
  return out;
}

}  // namespace wharf::fuzz::conn
