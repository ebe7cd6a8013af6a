#include "auth/access_policy.h"

#include "conf/pattern.h"

namespace wharf::auth {
namespace {

// OpenSSH match_user: 1 match, 0 no match, -1 malformed host part.
int match_user(std::string_view user, std::string_view addr, std::string_view entry) {
  const size_t at = entry.find('@');
  if (at == std::string_view::npos) return conf::match_pattern(user, entry) ? 1 : 0;
  if (!conf::match_pattern(user, entry.substr(0, at))) return 0;
  const int m = conf::match_address_list(addr, entry.substr(at + 1));
  if (m == -2) return -1;
  return m == 1 ? 1 : 0;
}

bool any_group_matches(const User& user, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    for (const std::string& g : user.group_names) {
      if (conf::match_pattern(g, p)) return true;
    }
  }
  return false;
}

AccessDecision deny(std::string reason) { return {false, std::move(reason)}; }

}  // namespace

AccessDecision check_account(const AccessPolicy& policy, const User& user,
                             std::string_view client_address) {
  if (user.expired) return deny("account has expired");
  const std::string addr = conf::unmap_ipv4_mapped(client_address);
  for (const std::string& e : policy.deny_users) {
    const int m = match_user(user.name, addr, e);
    if (m < 0) return deny("invalid DenyUsers pattern \"" + e + "\"");
    if (m > 0) return deny("user listed in DenyUsers (" + e + ")");
  }
  if (!policy.allow_users.empty()) {
    bool listed = false;
    for (const std::string& e : policy.allow_users) {
      const int m = match_user(user.name, addr, e);
      if (m < 0) return deny("invalid AllowUsers pattern \"" + e + "\"");
      if (m > 0) {
        listed = true;
        break;
      }
    }
    if (!listed) return deny("user not listed in AllowUsers");
  }
  if (!policy.deny_groups.empty() || !policy.allow_groups.empty()) {
    if (user.group_names.empty()) return deny("user is not in any group");
    if (any_group_matches(user, policy.deny_groups)) {
      return deny("a group of the user is listed in DenyGroups");
    }
    if (!policy.allow_groups.empty() && !any_group_matches(user, policy.allow_groups)) {
      return deny("none of the user's groups is listed in AllowGroups");
    }
  }
  return {true, ""};
}

AccessDecision check_root_login(const AccessPolicy& policy, const User& user, AuthMethod method,
                                bool forced_command) {
  if (!user.is_root()) return {true, ""};
  switch (policy.permit_root_login) {
    case PermitRootLogin::kYes:
      return {true, ""};
    case PermitRootLogin::kProhibitPassword:
      if (method == AuthMethod::kPublicKey) return {true, ""};
      return deny("root login with a password refused by PermitRootLogin prohibit-password");
    case PermitRootLogin::kForcedCommandsOnly:
      if (method == AuthMethod::kPublicKey && forced_command) return {true, ""};
      return deny("root login refused by PermitRootLogin forced-commands-only");
    case PermitRootLogin::kNo:
      break;
  }
  return deny("root login refused by PermitRootLogin no");
}

bool parse_permit_root_login(std::string_view value, PermitRootLogin& out) {
  if (value == "yes") {
    out = PermitRootLogin::kYes;
  } else if (value == "no") {
    out = PermitRootLogin::kNo;
  } else if (value == "prohibit-password" || value == "without-password") {
    out = PermitRootLogin::kProhibitPassword;
  } else if (value == "forced-commands-only") {
    out = PermitRootLogin::kForcedCommandsOnly;
  } else {
    return false;
  }
  return true;
}

}  // namespace wharf::auth
