// Virtual users: accounts that need no system account, declared in a passwd-style file.
//
//   # comment
//   name:password-hash:uid:gid:home[:comment]
//
// - name: 1-64 characters from [A-Za-z0-9._@-], not starting with '-'; unique in the file.
// - password-hash: empty (no password login), an Argon2id hash ("$argon2id$v=19$m=..."; make
//   one with wharf-passwd) or a bcrypt hash ("$2a$", "$2b$", "$2y$").
// - uid, gid: decimal, both or neither; used only when the daemon runs as root (it then drops
//   to them). Empty: the daemon decides (see User::has_ids).
// - home: absolute path, the user's root unless ChrootDirectory says otherwise.
// - comment: free text (may contain ':').
//
// Parsing is bounded (line length, file size, user count) and every error names file:line.
// A file with any error must not be used: callers treat `errors` as fatal, as for sshd_config.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/users.h"

namespace wharf::auth {

inline constexpr size_t kMaxVirtualUsersFile = 4 * 1024 * 1024;
inline constexpr size_t kMaxVirtualUsersLine = 4096;
inline constexpr size_t kMaxVirtualUsers = 100000;
inline constexpr size_t kMaxUserName = 64;

struct VirtualUsers {
  std::vector<User> users;          // is_virtual set; group_names from the system group database
  std::vector<std::string> errors;  // "file:line: message"

  // The user called `name`, or nullptr.
  const User* find(std::string_view name) const;
};

// Parses the contents of a users file; `filename` is used in error messages.
VirtualUsers parse_virtual_users(std::string_view content, const std::string& filename);

// Reads (regular file, at most kMaxVirtualUsersFile bytes) and parses `path`.
VirtualUsers load_virtual_users(const std::string& path);

// True if `name` is acceptable as a user name (the rule above).
bool valid_user_name(std::string_view name);

}  // namespace wharf::auth
