// Who may log in: AllowUsers, DenyUsers, AllowGroups, DenyGroups and PermitRootLogin, with
// sshd_config(5) semantics (OpenSSH auth.c allowed_user and auth_root_allowed).
//
// Order, as sshd: DenyUsers, AllowUsers, DenyGroups, AllowGroups. Each entry is one pattern
// (ssh_config(5) PATTERNS); a user entry may be USER@HOST, where HOST is an address pattern list
// matched against the client address (CIDR, '!' negation). The reasons returned are for the
// log only; the client always sees the same generic failure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/users.h"

namespace wharf::auth {

enum class PermitRootLogin { kYes, kNo, kProhibitPassword, kForcedCommandsOnly };

enum class AuthMethod { kNone, kPublicKey, kPassword, kKeyboardInteractive };

struct AccessPolicy {
  std::vector<std::string> allow_users;
  std::vector<std::string> deny_users;
  std::vector<std::string> allow_groups;
  std::vector<std::string> deny_groups;
  PermitRootLogin permit_root_login = PermitRootLogin::kProhibitPassword;  // sshd's default
};

struct AccessDecision {
  bool allowed = false;
  std::string reason;  // why not (for the log)
};

// Checks an account against the Allow/Deny lists (and refuses expired system accounts), for a
// connection from `client_address` (IPv4-mapped IPv6 is unmapped first).
AccessDecision check_account(const AccessPolicy& policy, const User& user,
                             std::string_view client_address);

// PermitRootLogin for a root account authenticating with `method`; `forced_command` says
// whether the key that signed carries a command= option. Non-root accounts always pass.
AccessDecision check_root_login(const AccessPolicy& policy, const User& user, AuthMethod method,
                                bool forced_command);

// Parses a PermitRootLogin value ("yes", "no", "prohibit-password", its old name
// "without-password", "forced-commands-only"). Returns false if unknown.
bool parse_permit_root_login(std::string_view value, PermitRootLogin& out);

}  // namespace wharf::auth
