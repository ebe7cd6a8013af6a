#include "daemon/server_core.h"

#include <algorithm>

#include "connection/scp_app.h"
#include "connection/sftp_app.h"
#include "daemon/penalties.h"
#include "daemon/sftp_flags.h"
#include "daemon/users.h"
#include "log/log.h"
#include "transport/errors.h"

namespace wharf::daemon {

namespace {

// The flags of "Subsystem sftp PROGRAM FLAGS" (checked when the configuration was read); nullopt
// if the line does not split, so that no flag is ever dropped silently.
std::optional<std::vector<std::string>> subsystem_flags(const std::string& subsystem) {
  std::vector<std::string> words;
  if (!auth::split_command(subsystem, words) || words.empty()) return std::nullopt;
  return std::vector<std::string>(words.begin() + 1, words.end());
}

auth::UserAuthConfig userauth_config(const ServerContext& ctx, const PeerInfo& peer) {
  auth::UserAuthConfig c;
  c.client_address = peer.address;
  c.client_port = peer.port;
  c.find_user = [&ctx, peer](const std::string& name) { return find_user(ctx, name, peer); };
  c.settings_for = [&ctx, peer](const std::string& name, const std::vector<std::string>& groups) {
    return settings_for_user(ctx, name, groups, peer);
  };
  return c;
}

}  // namespace

ServerCore::ServerCore(const ServerContext& ctx, PeerInfo peer, std::function<void()> on_login)
    : ctx_(ctx),
      peer_(std::move(peer)),
      transport_(transport_config(ctx, ctx.settings)),
      userauth_(transport_, userauth_config(ctx, peer_),
                [this](auth::AuthResult r) { on_authenticated(std::move(r)); }),
      on_login_(std::move(on_login)) {
  transport_.set_handler(this);
}

int ServerCore::exit_status() const {
  if (authenticated_) return kExitAuthenticated;
  if (grace_exceeded_) return kExitGraceExceeded;
  return userauth_.failures() > 0 ? kExitAuthFailed : kExitNoAuth;
}

ServerCore::~ServerCore() = default;

void ServerCore::start(Clock::time_point now) {
  if (ctx_.settings.login_grace_time > 0) {
    grace_deadline_ = now + std::chrono::seconds(ctx_.settings.login_grace_time);
  }
  transport_.start(now);
}

void ServerCore::on_message(wire::ByteView payload) {
  if (!connection_) return userauth_.on_message(payload);
  connection_->on_message(payload);
  check_connection_end();
}

void ServerCore::on_authenticated(auth::AuthResult result) {
  grace_deadline_ = Clock::time_point::max();
  authenticated_ = true;
  if (on_login_) on_login_();  // no longer an unauthenticated startup (MaxStartups)
  // Confine before anything else is served; failure ends the connection.
  confined_ = confine(result.user, result.settings);
  log::verbose("User {} confined to {}{}", result.user.name, confined_->host_root,
               confined_->chrooted ? " (chroot)" : "");
  connection::ConnectionConfig cc;
  cc.max_sessions = static_cast<size_t>(result.settings.max_sessions);  // 0: no sessions, as sshd
  cc.client_alive_interval = result.settings.client_alive_interval;
  cc.client_alive_count_max = result.settings.client_alive_count_max;
  cc.policy = connection::make_session_policy(result.settings.force_command, result.key.command);
  user_name_ = result.user.name;
  sftp_forced_ = cc.policy.forced.kind == auth::ForcedCommand::Kind::kInternalSftp;
  bool config_forced = !result.settings.force_command.empty();
  forced_flags_source_ =
      config_forced ? SftpFlagSource::kConfiguration : SftpFlagSource::kKeyCommand;
  subsystem_flags_ = subsystem_flags(result.settings.sftp_subsystem);
  sink_ = std::make_unique<connection::TransportSink>(transport_);
  connection_ = std::make_unique<connection::ConnectionService>(*sink_, session_factories(), cc);
}

// Clients that send SYMLINK in the draft's argument order (link path, then target) to a server
// that does not identify as OpenSSH, by their identification:
// - asyncssh (SFTPClientHandler; OpenSSH and paramiko servers get the reversed order);
// - WinSCP (TSFTPFileSystem::CreateLink with its symlink-bug setting at "auto", the default:
//   only servers named OpenSSH or Sun_SSH get the reversed order);
// - Node's ssh2 module, under ssh2-sftp-client (SFTP.symlink: only OpenSSH servers get it);
// - libssh, under KDE's kio and Remmina (sftp_symlink, by ssh_get_openssh_version()); not
//   libssh2 ("SSH-2.0-libssh2_"), which sends OpenSSH's order.
// Every other client Wharf knows sends OpenSSH's order whatever the server.
constexpr std::string_view kDraftSymlinkOrderClients[] = {"SSH-2.0-AsyncSSH_", "SSH-2.0-WinSCP_",
                                                          "SSH-2.0-ssh2js", "SSH-2.0-libssh_"};

sftp::ServerOptions ServerCore::sftp_options() const {
  sftp::ServerOptions options;
  const std::string& ident = transport_.client_identification();
  options.symlink_draft_order =
      std::any_of(std::begin(kDraftSymlinkOrderClients), std::end(kDraftSymlinkOrderClients),
                  [&](std::string_view prefix) { return ident.starts_with(prefix); });
  return options;
}

connection::SessionFactories ServerCore::session_factories() {
  connection::SessionFactories f;
  f.sftp =
      [this](
          const std::vector<std::string>& forced_args) -> std::unique_ptr<connection::SessionApp> {
    if (!sftp_forced_ && !subsystem_flags_) {
      log::error("Subsystem sftp: its command line does not split into words");
      return nullptr;
    }
    const auto& args = sftp_forced_ ? forced_args : *subsystem_flags_;
    if (args.empty())
      return std::make_unique<connection::SftpApp>(*confined_->root, sftp_options());
    // internal-sftp flags: a root of its own with the policy they make.
    fs::Policy policy = confined_->root->policy();
    std::string error;
    auto source = sftp_forced_ ? forced_flags_source_ : SftpFlagSource::kConfiguration;
    if (!apply_sftp_flags(args, source, user_name_, policy, error)) {
      log::error("{}", error);
      return nullptr;
    }
    // As sftp-server, whose chdir(2) to -d's directory failing is logged and not fatal.
    auto start = confined_->root->stat(policy.start_directory, true);
    if (!start || !S_ISDIR(start->st_mode)) {
      log::error("internal-sftp: start directory {} is not a directory; starting at /",
                 policy.start_directory);
      policy.start_directory.assign(1, '/');  // not = "/": GCC 12 -Wrestrict false alarm
    }
    auto root = fs::Root::open(confined_->chrooted ? "/" : confined_->host_root, policy);
    if (!root) return nullptr;
    if (policy.log_file_operations) {
      log::info("session opened for local user {} from [{}]", user_name_, peer_.address);
    }
    return std::make_unique<connection::SftpApp>(std::move(*root), sftp_options());
  };
  f.scp = [this](std::string_view command, std::string& error) {
    return connection::ScpApp::start(*confined_->root, command, error);
  };
  return f;
}

void ServerCore::check_connection_end() {
  if (connection_ && connection_->end_requested() && !finished_) {
    const auto& e = *connection_->end_requested();
    end(e.reason, e.description);
  }
}

std::span<uint8_t> ServerCore::input_space(size_t n) { return transport_.input_space(n); }

void ServerCore::on_input(size_t n, Clock::time_point now) {
  if (finished_) return;
  run_guarded([&] {
    if (connection_) connection_->note_activity(now);
    transport_.commit_input(n, now);
    if (transport_.closed()) finished_ = true;
  });
}

// The connection's one catch site: a violation by the peer becomes SSH_MSG_DISCONNECT.
template <typename Fn>
void ServerCore::run_guarded(Fn&& fn) {
  try {
    fn();
  } catch (const transport::ProtocolError& e) {
    end(e.reason(), e.what());
  } catch (const wire::DecodeError& e) {
    // A message that does not decode is a protocol error (RFC 4253 section 11.1).
    end(transport::DisconnectReason::kProtocolError, e.what());
  } catch (const std::runtime_error& e) {
    // Anything else (confinement failed, a resource limit) ends this connection only.
    log::error("{} port {}: {}", peer_.address, peer_.port, e.what());
    end(transport::DisconnectReason::kByApplication, "internal error");
  }
}

void ServerCore::on_input_closed() {
  if (!finished_) log::verbose("Connection closed by {} port {}", peer_.address, peer_.port);
  finished_ = true;
}

wire::ByteView ServerCore::pending_output() const { return transport_.pending_output(); }

void ServerCore::consume_output(size_t n) {
  transport_.consume_output(n);
  // Output drained: the connection layer may move more application output into packets.
  if (connection_ && !finished_) run_guarded([this] { connection_->pump(); });
}

bool ServerCore::input_paused() const { return transport_.output_backlogged(); }

bool ServerCore::finished() const { return finished_; }

Clock::time_point ServerCore::next_deadline() const {
  if (finished_) return Clock::time_point::max();
  Clock::time_point keepalive =
      connection_ ? connection_->next_deadline() : Clock::time_point::max();
  // Asked afresh each time: login and every key exchange move the rekey deadline.
  return std::min({grace_deadline_, transport_.rekey_deadline(), keepalive});
}

void ServerCore::on_timer(Clock::time_point now) {
  if (finished_) return;
  if (now >= transport_.rekey_deadline()) transport_.on_timer(now);
  if (connection_ && now >= connection_->next_deadline()) {
    run_guarded([&] { connection_->on_timer(now); });
    check_connection_end();
  }
  if (now >= grace_deadline_) {
    grace_deadline_ = Clock::time_point::max();
    grace_exceeded_ = true;
    log::info("Timeout before authentication for {} port {}", peer_.address, peer_.port);
    end(transport::DisconnectReason::kByApplication, "login grace time exceeded");
  }
}

void ServerCore::end(transport::DisconnectReason reason, const std::string& why) {
  log::info("Disconnecting {} port {}: {}", peer_.address, peer_.port, log::sanitize(why));
  transport_.disconnect(reason, why);
  finished_ = true;
}

}  // namespace wharf::daemon
