// %-token expansion for per-user paths: ChrootDirectory and AuthorizedKeysFile
// (sshd_config(5) "TOKENS"): %u user name, %h home directory, %U numeric uid, %% a literal '%'.
// Any other token, or a '%' at the end, is an error (sshd refuses such configurations).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "auth/users.h"

namespace wharf::auth {

inline constexpr size_t kMaxExpandedPath = 4096;  // PATH_MAX

struct Expansion {
  std::optional<std::string> value;  // empty on error
  std::string error;
};

// Expands the tokens of `templ` for `user`. %U needs ids (User::has_ids).
Expansion expand_tokens(std::string_view templ, const User& user);

// One AuthorizedKeysFile entry: expanded, and relative paths taken relative to the home
// directory (sshd's expand_authorized_keys).
Expansion authorized_keys_path(std::string_view templ, const User& user);

}  // namespace wharf::auth
