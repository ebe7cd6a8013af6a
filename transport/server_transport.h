// The server side of the SSH transport (RFC 4253) as a core with no I/O: bytes go in with
// feed(), bytes to send accumulate in an output queue, time is passed in.
#pragma once

#include <chrono>
#include <string>

#include "transport/errors.h"
#include "transport/version.h"
#include "transport/wire.h"

namespace wharf::transport {

struct ServerTransportConfig {
  // Output beyond this stops the reading of input until the peer drains it (backpressure).
  size_t output_high_water = 4 * 1024 * 1024;
};

class ServerTransport {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ServerTransport(ServerTransportConfig config);

  // Queues our identification string.
  void start();
  // Consumes input; throws ProtocolError or wire::DecodeError on a violation by the peer.
  void feed(wire::ByteView in, Clock::time_point now);
  // Queues SSH_MSG_DISCONNECT if packets can be sent, or a text line during the identification
  // exchange, and marks the transport closed.
  void disconnect(DisconnectReason reason, const std::string& description);

  wire::ByteView pending_output() const;
  void consume_output(size_t n);
  bool output_backlogged() const { return pending_output().size() > config_.output_high_water; }

  bool authenticated() const { return false; }
  bool closed() const { return closed_; }
  const std::string& client_identification() const { return ident_.client_identification(); }

 private:
  ServerTransportConfig config_;
  IdentificationReader ident_;
  wire::Bytes out_;
  size_t out_start_ = 0;  // bytes of out_ already written
  bool closed_ = false;
};

}  // namespace wharf::transport
