// The ssh-userauth service (RFC 4252): none, publickey (query and signed) and password, with
// MaxAuthTries, a cap on requests, AuthenticationMethods and constant-shape failures.
//
// It runs as the transport's ServiceHandler until a user is in, then calls `on_success` once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/key_options.h"
#include "auth/users.h"
#include "conf/settings.h"
#include "transport/server_transport.h"

namespace wharf::auth {

// Requests of any kind one connection may make before it is cut, whatever MaxAuthTries says.
inline constexpr size_t kMaxAuthRequests = 64;

struct AuthResult {
  User user;
  conf::Settings settings;  // Match blocks applied for this user and client
  std::string method;       // the method that completed authentication
  KeyDecision key;          // for publickey: the options of the key that signed
};

struct UserAuthConfig {
  std::string client_address;
  int client_port = 0;
  // The user's account: virtual users first, then system accounts.
  std::function<std::optional<User>(const std::string& name)> find_user;
  // Settings with Match blocks applied for a user name and its groups.
  std::function<conf::Settings(const std::string& name, const std::vector<std::string>& groups)>
      settings_for;
};

class UserAuth : public transport::ServiceHandler {
 public:
  UserAuth(transport::ServerTransport& transport, UserAuthConfig config,
           std::function<void(AuthResult)> on_success);

  void on_message(wire::ByteView payload) override;

  size_t failures() const { return failures_; }

 private:
  // The outcome of one method attempt.
  enum class Outcome { kSuccess, kFailure, kPkOk, kNoCount };

  void begin(const std::string& name, std::string_view service);
  Outcome try_publickey(wire::Reader& r, bool& replied);
  Outcome try_password(wire::Reader& r);
  bool method_enabled(std::string_view method) const;
  std::vector<std::string> methods_that_can_continue() const;
  bool methods_required() const;
  bool complete_step(const std::string& method);
  void send_banner();
  void send_failure(bool partial);
  void succeed(const std::string& method);
  void log_attempt(bool accepted, std::string_view method, const std::string& detail) const;
  bool account_usable(std::string_view method, bool forced_command) const;

  transport::ServerTransport& transport_;
  UserAuthConfig config_;
  std::function<void(AuthResult)> on_success_;

  bool started_ = false;
  std::string user_name_;         // fixed by the first request (RFC 4252 section 5)
  std::optional<User> user_;      // empty for an unknown or refused user
  bool account_allowed_ = false;  // Allow/Deny lists passed
  conf::Settings settings_;
  // AuthenticationMethods: what is left of each list (a method leaves its front on success),
  // and the keys that succeeded: a key counts once ("publickey,publickey" takes two), as in sshd.
  std::vector<std::vector<std::string>> pending_lists_;
  std::vector<std::vector<uint8_t>> used_keys_;
  KeyDecision key_decision_;
  std::string key_description_;  // "ED25519 SHA256:..." of the last key tried
  size_t failures_ = 0;
  size_t requests_ = 0;
  bool banner_sent_ = false;
  bool finished_ = false;
};

}  // namespace wharf::auth
