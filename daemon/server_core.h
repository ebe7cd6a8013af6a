// The ConnectionCore of a wharfd connection child: the SSH server stack for one client, with
// the connection's one catch site for protocol errors and its LoginGraceTime.
#pragma once

#include <memory>
#include <string>

#include "daemon/connection_core.h"
#include "daemon/listener.h"
#include "transport/server_transport.h"

namespace wharf::daemon {

struct ServerCoreConfig {
  PeerInfo peer;
  int login_grace_seconds = 120;  // 0: none
  transport::ServerTransportConfig transport;
};

class ServerCore : public ConnectionCore {
 public:
  explicit ServerCore(ServerCoreConfig config);

  void start(Clock::time_point now) override;
  void on_input(wire::ByteView in, Clock::time_point now) override;
  void on_input_closed() override;
  wire::ByteView pending_output() const override;
  void consume_output(size_t n) override;
  bool input_paused() const override;
  bool finished() const override;
  Clock::time_point next_deadline() const override;
  void on_timer(Clock::time_point now) override;

 private:
  // Ends the connection: a DISCONNECT if the transport can still send one, then close.
  void end(transport::DisconnectReason reason, const std::string& why);

  ServerCoreConfig config_;
  transport::ServerTransport transport_;
  Clock::time_point grace_deadline_ = Clock::time_point::max();
  bool finished_ = false;
};

}  // namespace wharf::daemon
