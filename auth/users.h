// Users that can log in: system accounts (passwd/group databases) and virtual users
// (auth/virtual_users.h), in one shape the rest of the server uses.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::auth {

struct User {
  std::string name;
  // For a system user: the account's ids. For a virtual user: the ids from the users file,
  // applied only when the daemon runs as root; has_ids is false when the file leaves them empty.
  uid_t uid = 0;
  gid_t gid = 0;
  bool has_ids = true;
  std::vector<gid_t> groups;             // every group id, the primary one included
  std::vector<std::string> group_names;  // the names of those groups that have one
  std::string home;                      // absolute; the default root of the user's files
  std::string shell;                     // system users only; informational
  bool is_virtual = false;
  bool has_password_hash = false;  // a password login is possible at all
  std::string password_hash;       // virtual users only (system users: read from shadow)
  // From the shadow entry (known only when running as root):
  // - locked: password locked ("!" prefix, passwd -l / usermod -L, and useradd's default).
  //   Password logins fail; key logins stay possible, as with Debian's sshd (UsePAM yes),
  //   where pam_unix does not refuse them either.
  // - expired: the account's expiry date (shadow field 8, usermod -e) has passed; every login
  //   is refused (pam_unix account management; sshd auth_shadow_acctexpired).
  bool locked = false;
  bool expired = false;

  // The account is root (uid 0 with ids that apply).
  bool is_root() const { return has_ids && uid == 0; }
};

// Limits on what the system databases may return to us.
inline constexpr size_t kMaxPasswdBuffer = 1 << 20;
inline constexpr size_t kMaxGroups = 65536;

// Looks a system account up with getpwnam_r and getgrouplist (groups resolved to names with
// getgrgid_r). When running as root, also reads the shadow entry to learn whether the account
// is locked or expired and whether it has a usable password. nullopt if there is no such account.
std::optional<User> lookup_system_user(const std::string& name);

// The names of the groups with the given ids (ids without a group entry are left out).
std::vector<std::string> group_names_of(const std::vector<gid_t>& gids);

}  // namespace wharf::auth
