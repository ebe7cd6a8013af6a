// The ConnectionCore of a wharfd connection child: the SSH server stack for one client
// (transport, then user authentication, then confinement and the connection protocol), with the
// connection's one catch site for protocol errors and its LoginGraceTime.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "auth/userauth/userauth.h"
#include "connection/connection_service.h"
#include "connection/transport_sink.h"
#include "daemon/confine.h"
#include "daemon/connection_core.h"
#include "daemon/listener.h"
#include "daemon/server_context.h"
#include "daemon/sftp_flags.h"
#include "sftp/server.h"
#include "transport/server_transport.h"

namespace wharf::daemon {

class ServerCore : public ConnectionCore, private transport::ServiceHandler {
 public:
  // `on_login` runs once when the user has authenticated (the listener's startup pipe).
  ServerCore(const ServerContext& ctx, PeerInfo peer, std::function<void()> on_login = {});
  ~ServerCore() override;

  // How the connection ended, as the child's exit status (penalties.h kExit*): what the
  // listener's PerSourcePenalties judge the source by.
  int exit_status() const;

  void start(Clock::time_point now) override;
  std::span<uint8_t> input_space(size_t n) override;
  void on_input(size_t n, Clock::time_point now) override;
  void on_input_closed() override;
  wire::ByteView pending_output() const override;
  void consume_output(size_t n) override;
  bool input_paused() const override;
  bool finished() const override;
  Clock::time_point next_deadline() const override;
  void on_timer(Clock::time_point now) override;

 private:
  // transport::ServiceHandler: user authentication first, the connection protocol after.
  void on_message(wire::ByteView payload) override;
  void on_authenticated(auth::AuthResult result);
  sftp::ServerOptions sftp_options() const;
  connection::SessionFactories session_factories();
  void check_connection_end();
  template <typename Fn>
  void run_guarded(Fn&& fn);
  // Ends the connection: a DISCONNECT if the transport can still send one, then close.
  void end(transport::DisconnectReason reason, const std::string& why);

  const ServerContext& ctx_;
  PeerInfo peer_;
  transport::ServerTransport transport_;
  auth::UserAuth userauth_;
  std::optional<Confined> confined_;
  // internal-sftp flags for SFTP sessions: a forced command's (handed to the factory) when one
  // is in force, else the Subsystem line's.
  std::string user_name_;
  bool sftp_forced_ = false;
  SftpFlagSource forced_flags_source_ = SftpFlagSource::kConfiguration;
  std::optional<std::vector<std::string>> subsystem_flags_;
  std::unique_ptr<connection::TransportSink> sink_;
  std::unique_ptr<connection::ConnectionService> connection_;
  std::function<void()> on_login_;
  Clock::time_point grace_deadline_ = Clock::time_point::max();
  bool authenticated_ = false;
  bool grace_exceeded_ = false;
  bool finished_ = false;
};

}  // namespace wharf::daemon
