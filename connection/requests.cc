// Global requests (RFC 4254 section 4), ClientAlive keepalives, and session channel requests
// (section 6): only SFTP and SCP run; everything else is refused.
#include <fmt/format.h>

#include "connection/connection_service.h"
#include "connection/refusal_app.h"
#include "transport/messages.h"

namespace wharf::connection {

namespace msg = transport::msg;
using transport::DisconnectReason;
using transport::ProtocolError;

void ConnectionService::on_global_request(wire::Reader& r) {
  std::string_view name = r.text("request name", kMaxRequestName);
  bool want_reply = r.boolean("want reply");
  bool success = false;
  if (name == "no-more-sessions@openssh.com") {
    // OpenSSH PROTOCOL section 2.2: no further session channels will be opened.
    no_more_sessions_ = true;
    success = true;
  }
  // keepalive@openssh.com is answered with failure, as sshd does; tcpip-forward,
  // cancel-tcpip-forward, streamlocal-forward@openssh.com, hostkeys-prove-00@openssh.com and
  // anything unknown are refused (section 4: "SSH_MSG_REQUEST_FAILURE ... if the recipient does
  // not recognize or support the request").
  if (!want_reply) return;
  wire::Writer w(scratch_);
  scratch_.clear();
  w.u8(success ? msg::kRequestSuccess : msg::kRequestFailure);
  sink_.send(scratch_);
}

// An answer to one of our keepalives (success or failure: both prove the client is alive).
void ConnectionService::on_global_reply() {
  if (replies_due_ == 0) {
    throw ProtocolError(DisconnectReason::kProtocolError, "unexpected global request reply");
  }
  --replies_due_;
  unanswered_ = 0;
}

void ConnectionService::note_activity(Clock::time_point now) {
  if (config_.client_alive_interval <= 0) return;
  keepalive_deadline_ = now + std::chrono::seconds(config_.client_alive_interval);
}

// sshd's client_alive_check(): each interval without input sends a keepalive that wants a
// reply; more than ClientAliveCountMax of them unanswered ends the connection.
void ConnectionService::on_timer(Clock::time_point now) {
  if (config_.client_alive_interval <= 0 || end_ || now < keepalive_deadline_) return;
  if (config_.client_alive_count_max > 0 && ++unanswered_ > config_.client_alive_count_max) {
    end_ = EndRequest{DisconnectReason::kByApplication, "Timeout, client not responding"};
    keepalive_deadline_ = Clock::time_point::max();
    return;
  }
  wire::Writer w(scratch_);
  scratch_.clear();
  w.u8(msg::kGlobalRequest).string("keepalive@openssh.com").boolean(true);
  sink_.send(scratch_);
  ++replies_due_;
  keepalive_deadline_ = now + std::chrono::seconds(config_.client_alive_interval);
}

void ConnectionService::on_channel_request(wire::Reader& r) {
  Channel& ch = channel_for(r);
  std::string_view type = r.text("request type", kMaxRequestName);
  bool want_reply = r.boolean("want reply");
  if (ch.sent_close) return;  // crossed our CLOSE: nothing more is sent on the channel
  if (type == "shell") {
    r.expect_end("shell request");
    return start_session(ch, type, {}, want_reply);
  }
  if (type == "exec" || type == "subsystem") {
    std::string_view argument = wire::as_text(r.string(type == "exec" ? "command" : "subsystem"));
    r.expect_end("channel request");
    return start_session(ch, type, argument, want_reply);
  }
  if (type == "eow@openssh.com") return;  // OpenSSH PROTOCOL section 2.1: informational
  // pty-req, x11-req, auth-agent-req@openssh.com, env, window-change, signal, break, ...: no
  // terminal, forwarding or environment here. env is refused as sshd refuses names it does not
  // accept (AcceptEnv).
  reply(ch, want_reply, false);
}

// RFC 4254 section 6.5: one shell, exec or subsystem per channel.
void ConnectionService::start_session(Channel& ch, std::string_view request,
                                      std::string_view argument, bool want_reply) {
  if (ch.app) return reply(ch, want_reply, false);
  std::unique_ptr<SessionApp> app = make_app(request, argument);
  if (!app) return reply(ch, want_reply, false);  // e.g. a subsystem other than sftp
  ch.app = std::move(app);
  // Refusals are accepted too, so the client shows our message and exit status instead of a
  // bare "exec request failed".
  reply(ch, want_reply, true);
}

std::unique_ptr<SessionApp> ConnectionService::make_app(std::string_view request,
                                                        std::string_view argument) {
  const auth::ForcedCommand& forced = config_.policy.forced;
  using Kind = auth::ForcedCommand::Kind;
  switch (forced.kind) {
    case Kind::kInternalSftp: {
      // sshd (session.c, SUBSYSTEM_INT_SFTP_ERROR): a shell or exec under a forced internal-sftp
      // is refused, so that scp or ssh says so instead of waiting on an SFTP server.
      if (request != "subsystem") return std::make_unique<RefusalApp>(kSftpOnlyMessage);
      std::vector<std::string> args(forced.argv.begin() + (forced.argv.empty() ? 0 : 1),
                                    forced.argv.end());
      return make_sftp(args);
    }
    case Kind::kScp:
      return make_scp(forced.text);
    case Kind::kUnsupported:
      return std::make_unique<RefusalApp>(forced.message + "\r\n");
    case Kind::kNone:
      break;
  }
  if (request == "subsystem") {
    if (argument != "sftp") return nullptr;
    return make_sftp({});
  }
  if (request == "exec") return make_scp(argument);
  return std::make_unique<RefusalApp>(kRefusalMessage);
}

std::unique_ptr<SessionApp> ConnectionService::make_sftp(const std::vector<std::string>& args) {
  std::unique_ptr<SessionApp> app = factories_.sftp ? factories_.sftp(args) : nullptr;
  if (app) return app;
  return std::make_unique<RefusalApp>("SFTP is not available.\r\n");
}

std::unique_ptr<SessionApp> ConnectionService::make_scp(std::string_view command) {
  std::string error;
  std::unique_ptr<SessionApp> app = factories_.scp ? factories_.scp(command, error) : nullptr;
  if (app) return app;
  return std::make_unique<RefusalApp>(error.empty() ? std::string(kRefusalMessage)
                                                    : error + "\r\n");
}

void ConnectionService::reply(const Channel& ch, bool want_reply, bool success) {
  if (!want_reply) return;
  send_simple(success ? msg::kChannelSuccess : msg::kChannelFailure, ch.peer_id);
}

}  // namespace wharf::connection
