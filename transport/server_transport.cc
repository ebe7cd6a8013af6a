#include "transport/server_transport.h"

#include <fmt/format.h>

#include "log/log.h"

namespace wharf::transport {

ServerTransport::ServerTransport(ServerTransportConfig config) : config_(config) {}

void ServerTransport::start() {
  std::string line = server_identification() + "\r\n";
  out_.insert(out_.end(), line.begin(), line.end());
}

void ServerTransport::feed(wire::ByteView in, Clock::time_point) {
  if (closed_) return;
  if (!ident_.done()) {
    size_t used = ident_.feed(in);
    if (!ident_.done()) return;
    log::verbose("Client identification: {}", log::sanitize(ident_.client_identification()));
    in = in.subspan(used);
  }
  (void)in;
}

void ServerTransport::disconnect(DisconnectReason reason, const std::string& description) {
  if (closed_) return;
  closed_ = true;
  if (!ident_.done()) {
    // No packet protocol yet: tell a person reading the stream what went wrong (as OpenSSH
    // does with "Invalid SSH identification string.").
    std::string line = fmt::format("{}\r\n", description);
    out_.insert(out_.end(), line.begin(), line.end());
    return;
  }
  (void)reason;
}

wire::ByteView ServerTransport::pending_output() const {
  return wire::ByteView(out_).subspan(out_start_);
}

void ServerTransport::consume_output(size_t n) {
  out_start_ += n;
  if (out_start_ == out_.size()) {
    out_.clear();
    out_start_ = 0;
  }
}

}  // namespace wharf::transport
