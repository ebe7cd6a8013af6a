// The connection protocol (RFC 4254) for an authenticated user: session channels only, with
// SFTP and SCP behind them, as a core with no I/O of its own.
//
// Wiring (daemon/): after USERAUTH_SUCCESS, build a TransportSink over the ServerTransport and a
// ConnectionService over it, and make it the transport's ServiceHandler.
//   - Every message 80..127 reaches on_message() (already checked by the legality table). It
//     throws transport::ProtocolError or wire::DecodeError on a violation: the daemon's one catch
//     site turns those into SSH_MSG_DISCONNECT.
//   - Call pump() whenever the socket has drained some output (after
//     ServerTransport::consume_output): it moves more application output into CHANNEL_DATA while
//     the peer's windows and the transport's backlog allow. on_message() pumps by itself.
//   - ClientAliveInterval: call note_activity(now) whenever bytes arrive from the client, and
//     on_timer(now) at next_deadline(). When end_requested() is set, send DISCONNECT with its
//     reason and description and close the connection.
//
// Data path: CHANNEL_DATA is parsed in place and its data span handed straight to the
// application's feed(); it is copied (bounded by our window) only while the application is
// backed up or not started. Output goes from the application's buffer into the CHANNEL_DATA
// payload with one copy (written in place when the sink offers begin_payload()).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connection/channel.h"
#include "connection/packet_sink.h"
#include "connection/policy.h"
#include "connection/protocol.h"
#include "connection/session_app.h"
#include "transport/errors.h"
#include "transport/server_transport.h"
#include "transport/wire.h"

namespace wharf::connection {

using Clock = std::chrono::steady_clock;

// How the daemon starts the programs behind a session. Neither may throw for a client's input.
struct SessionFactories {
  // Starts SFTP. `args` are the words after "internal-sftp" when a forced command
  // reads `internal-sftp -R ...` (sftp-server(8) flags); empty for `subsystem sftp`.
  std::function<std::unique_ptr<SessionApp>(const std::vector<std::string>& args)> sftp;
  // Starts SCP for an exec command line (`scp -t ...` / `scp -f ...`), parsed by the SCP layer.
  // Returns null if it is not a command SCP runs, with `error` set to a message for the client
  // (without line end) or left empty for the generic refusal.
  std::function<std::unique_ptr<SessionApp>(std::string_view command, std::string& error)> scp;
};

struct ConnectionConfig {
  size_t max_sessions = 10;                  // MaxSessions: channels open at once (0: none)
  uint32_t window = kDefaultWindow;          // clamped to [kMinWindow, kMaxWindow]
  uint32_t max_packet = kMaxLocalMaxPacket;  // clamped to [kMinLocalMaxPacket, kMaxLocalMaxPacket]
  int client_alive_interval = 0;             // seconds; 0: no keepalives
  int client_alive_count_max = 3;            // unanswered keepalives tolerated; 0: never give up
  SessionPolicy policy;
};

// Why the service wants the connection to end (the daemon sends DISCONNECT with these).
struct EndRequest {
  transport::DisconnectReason reason;
  std::string description;
};

class ConnectionService : public transport::ServiceHandler {
 public:
  ConnectionService(PacketSink& sink, SessionFactories factories, ConnectionConfig config,
                    Clock::time_point now = Clock::now());
  ~ConnectionService() override;

  void on_message(wire::ByteView payload) override;
  void pump();

  void note_activity(Clock::time_point now);
  Clock::time_point next_deadline() const { return keepalive_deadline_; }
  void on_timer(Clock::time_point now);
  const std::optional<EndRequest>& end_requested() const { return end_; }

  size_t open_channels() const { return open_count_; }
  size_t channel_slots() const { return channels_.size(); }
  uint32_t local_window() const { return config_.window; }
  uint32_t local_max_packet() const { return config_.max_packet; }

 private:
  // Messages (connection_service.cc).
  Channel& channel_for(wire::Reader& r);
  void on_channel_open(wire::Reader& r);
  void on_window_adjust(wire::Reader& r);
  uint32_t window_for_new_channel() const;
  void on_data(wire::Reader& r);
  void on_extended_data(wire::Reader& r);
  void on_eof(wire::Reader& r);
  void on_close(wire::Reader& r);
  void open_failure(uint32_t peer_id, uint32_t reason, std::string_view description);
  void free_channel(Channel& ch);

  // Requests (requests.cc).
  void on_global_request(wire::Reader& r);
  void on_global_reply();
  void on_channel_request(wire::Reader& r);
  void start_session(Channel& ch, std::string_view request, std::string_view argument,
                     bool want_reply);
  std::unique_ptr<SessionApp> make_app(std::string_view request, std::string_view argument);
  std::unique_ptr<SessionApp> make_sftp(const std::vector<std::string>& args);
  std::unique_ptr<SessionApp> make_scp(std::string_view command);
  void reply(const Channel& ch, bool want_reply, bool success);

  // Data flow (flow.cc).
  void deliver(Channel& ch, wire::ByteView data);
  bool feed_held(Channel& ch);
  bool send_output(Channel& ch, bool stderr_stream);
  void service(Channel& ch);
  void finish(Channel& ch);
  size_t data_room(const Channel& ch, size_t header) const;
  void send_data(const Channel& ch, bool stderr_stream, wire::ByteView data);
  void send_simple(uint8_t type, uint32_t peer_id);

  PacketSink& sink_;
  SessionFactories factories_;
  ConnectionConfig config_;
  std::vector<std::unique_ptr<Channel>> channels_;  // index = our channel id; never > MaxSessions
  size_t open_count_ = 0;
  size_t pump_start_ = 0;
  bool no_more_sessions_ = false;
  wire::Bytes scratch_;  // one outgoing payload at a time

  // ClientAliveInterval / ClientAliveCountMax (sshd_config(5)).
  Clock::time_point keepalive_deadline_ = Clock::time_point::max();
  int unanswered_ = 0;
  size_t replies_due_ = 0;  // our global requests with want_reply not yet answered
  std::optional<EndRequest> end_;
};

}  // namespace wharf::connection
