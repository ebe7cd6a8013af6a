#include "auth/userauth/userauth.h"

#include <fmt/format.h>

#include <algorithm>

#include "auth/access_policy.h"
#include "auth/userauth/banner.h"
#include "auth/users.h"
#include "auth/virtual_users.h"
#include "log/log.h"
#include "transport/messages.h"

namespace wharf::auth {

namespace {

namespace msg = transport::msg;
using transport::DisconnectReason;
using transport::ProtocolError;

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= s.size()) {
    size_t comma = s.find(',', begin);
    if (comma == std::string_view::npos) comma = s.size();
    if (comma > begin) out.emplace_back(s.substr(begin, comma - begin));
    begin = comma + 1;
  }
  return out;
}

PermitRootLogin to_policy(conf::PermitRootLogin p) {
  switch (p) {
    case conf::PermitRootLogin::kYes:
      return PermitRootLogin::kYes;
    case conf::PermitRootLogin::kNo:
      return PermitRootLogin::kNo;
    case conf::PermitRootLogin::kForcedCommandsOnly:
      return PermitRootLogin::kForcedCommandsOnly;
    case conf::PermitRootLogin::kProhibitPassword:
      break;
  }
  return PermitRootLogin::kProhibitPassword;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

UserAuth::UserAuth(transport::ServerTransport& transport, UserAuthConfig config,
                   std::function<void(AuthResult)> on_success)
    : transport_(transport), config_(std::move(config)), on_success_(std::move(on_success)) {}

void UserAuth::on_message(wire::ByteView payload) {
  if (finished_) return;  // RFC 4252 section 5.1: requests after success are ignored
  if (++requests_ > kMaxAuthRequests) {
    throw ProtocolError(DisconnectReason::kNoMoreAuthMethodsAvailable,
                        "too many authentication requests");
  }
  wire::Reader r(payload.subspan(1));
  // Names are validated after reading so that odd names take the unknown-user path.
  std::string name(wire::as_text(r.string("user name", wire::kMaxPacket)));
  std::string_view service = r.text("service name", 64);
  std::string method(r.text("method name", 64));
  if (!started_) {
    begin(name, service);
  } else if (name != user_name_ || service != "ssh-connection") {
    throw ProtocolError(DisconnectReason::kProtocolError,
                        "user or service changed during authentication");
  }
  Outcome outcome = Outcome::kFailure;
  bool replied = false;
  if (method == "none") {
    r.expect_end("none request");
    // As sshd (auth2.c): only a "none" that opens the conversation is free; later ones count
    // toward MaxAuthTries like any other failure, so they cannot stretch the attempts.
    outcome = requests_ == 1 ? Outcome::kNoCount : Outcome::kFailure;
  } else if (method == "publickey" && method_enabled(method)) {
    outcome = try_publickey(r, replied);
  } else if (method == "password" && method_enabled(method)) {
    outcome = try_password(r);
  }
  switch (outcome) {
    case Outcome::kPkOk:
      return;
    case Outcome::kSuccess:
      if (complete_step(method)) return succeed(method);
      log_attempt(true, method, "partial");
      return send_failure(true);
    case Outcome::kFailure:
      log_attempt(false, method, "");
      if (++failures_ >= static_cast<size_t>(settings_.max_auth_tries)) {
        log::info("Too many authentication failures for {}{} from {} port {}",
                  user_ ? "" : "invalid user ", log::sanitize(user_name_), config_.client_address,
                  config_.client_port);
        throw ProtocolError(DisconnectReason::kNoMoreAuthMethodsAvailable,
                            "Too many authentication failures");
      }
      return send_failure(false);
    case Outcome::kNoCount:
      return send_failure(false);
  }
}

void UserAuth::begin(const std::string& name, std::string_view service) {
  if (service != "ssh-connection") {
    throw ProtocolError(DisconnectReason::kServiceNotAvailable, "unknown service");
  }
  started_ = true;
  user_name_ = name;
  if (valid_user_name(name)) user_ = config_.find_user(name);
  // An unknown name costs a system account lookup (NSS) in find_user; a virtual user is found
  // without one, so it does the same lookup here and the reply time does not tell them apart.
  if (user_ && user_->is_virtual) (void)lookup_system_user(name);
  settings_ = config_.settings_for(name, user_ ? user_->group_names : std::vector<std::string>{});
  for (const auto& list : settings_.authentication_methods) {
    pending_lists_.push_back(split_commas(list));
  }
  send_banner();
  if (!user_) {
    log::info("Invalid user {} from {} port {}", log::sanitize(name), config_.client_address,
              config_.client_port);
    return;
  }
  AccessPolicy policy{settings_.allow_users, settings_.deny_users, settings_.allow_groups,
                      settings_.deny_groups, to_policy(settings_.permit_root_login)};
  AccessDecision access = check_account(policy, *user_, config_.client_address);
  account_allowed_ = access.allowed;
  if (!access.allowed) {
    log::info("User {} from {} not allowed: {}", log::sanitize(name), config_.client_address,
              access.reason);
  }
}

bool UserAuth::account_usable(std::string_view method, bool forced_command) const {
  if (!account_allowed_) return false;
  AccessPolicy policy;
  policy.permit_root_login = to_policy(settings_.permit_root_login);
  AuthMethod m = method == "password" ? AuthMethod::kPassword : AuthMethod::kPublicKey;
  AccessDecision root = check_root_login(policy, *user_, m, forced_command);
  if (!root.allowed)
    log::info("ROOT LOGIN REFUSED FROM {}: {}", config_.client_address, root.reason);
  return root.allowed;
}

std::vector<std::string> UserAuth::methods_that_can_continue() const {
  std::vector<std::string> enabled;
  if (settings_.pubkey_authentication) enabled.emplace_back("publickey");
  if (settings_.password_authentication) enabled.emplace_back("password");
  if (!methods_required()) return enabled;
  // sshd_config(5) AuthenticationMethods: each list is done in order, so only the next method
  // of a list may be tried ("publickey,password" keeps the password from guessing without the
  // key: a partial success would tell a guesser it was right).
  std::vector<std::string> out;
  for (const auto& list : pending_lists_) {
    if (!list.empty() && contains(enabled, list.front()) && !contains(out, list.front())) {
      out.push_back(list.front());
    }
  }
  return out;
}

bool UserAuth::method_enabled(std::string_view method) const {
  return contains(methods_that_can_continue(), method);
}

bool UserAuth::methods_required() const {
  return !settings_.authentication_methods.empty() &&
         !contains(settings_.authentication_methods, "any");
}

// A success of `method` takes it off the front of every list that starts with it (sshd's
// auth2_update_methods_lists); authentication is complete when a list is used up.
bool UserAuth::complete_step(const std::string& method) {
  if (!methods_required()) return true;
  bool complete = false;
  for (auto& list : pending_lists_) {
    if (list.empty() || list.front() != method) continue;
    list.erase(list.begin());
    complete |= list.empty();
  }
  return complete;
}

// Once per connection, before the reply to the first request, for known and unknown users alike
// (RFC 4252 section 5.4; sshd sends it at the first attempt too).
void UserAuth::send_banner() {
  if (banner_sent_ || settings_.banner.empty()) return;
  banner_sent_ = true;
  std::string error;
  std::optional<std::string> text = load_banner(settings_.banner, error);
  if (!text) {
    log::error("Banner file \"{}\": {}", settings_.banner, error);
    return;
  }
  if (!text->empty()) transport_.send(banner_message(*text));
}

void UserAuth::send_failure(bool partial) {
  wire::Writer w;
  w.u8(msg::kUserauthFailure).name_list(methods_that_can_continue()).boolean(partial);
  transport_.send(w.bytes());
}

void UserAuth::succeed(const std::string& method) {
  const uint8_t success = msg::kUserauthSuccess;
  transport_.send(wire::ByteView(&success, 1));
  transport_.set_authenticated();
  finished_ = true;
  log_attempt(true, method, "");
  on_success_(AuthResult{*user_, settings_, method, key_decision_});
}

void UserAuth::log_attempt(bool accepted, std::string_view method,
                           const std::string& detail) const {
  std::string key =
      method == "publickey" && !key_description_.empty() ? ": " + key_description_ : std::string();
  log::info("{} {} for {}{} from {} port {} ssh2{}{}", accepted ? "Accepted" : "Failed",
            log::sanitize(method), user_ ? "" : "invalid user ", log::sanitize(user_name_),
            config_.client_address, config_.client_port, key,
            detail.empty() ? "" : " (" + detail + ")");
}

}  // namespace wharf::auth
