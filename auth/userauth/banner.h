// The Banner file (sshd_config(5)), sent as SSH_MSG_USERAUTH_BANNER before authentication
// (RFC 4252 section 5.4).
#pragma once

#include <optional>
#include <string>

#include "transport/wire.h"

namespace wharf::auth {

// A banner longer than this is cut: it has to fit one packet with room to spare, and no client
// shows more than a screenful usefully.
inline constexpr size_t kMaxBanner = 64u << 10;

// The banner text of `path`, at most kMaxBanner bytes; nullopt (with `error` set) when the file
// cannot be read.
std::optional<std::string> load_banner(const std::string& path, std::string& error);

// byte SSH_MSG_USERAUTH_BANNER, string message (UTF-8), string language tag (empty).
wire::Bytes banner_message(std::string_view text);

}  // namespace wharf::auth
