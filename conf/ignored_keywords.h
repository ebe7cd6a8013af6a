// sshd_config keywords for features Wharf never offers (forwarding, terminals, PAM, GSSAPI,
// host-based logins, syslog). A copied sshd_config carries them, usually switched off; Wharf
// skips them with a notice, as sshd does with options it was built without ("Unsupported
// option"). Only keywords whose every value leaves Wharf at least as strict are listed:
// RevokedKeys, RequiredRSASize or AuthorizedKeysCommand, which would change who may log in,
// stay unknown keywords and stop the server.
#pragma once

#include <optional>
#include <string_view>

namespace wharf::conf {

// Why `keyword` (any case) is skipped, or nullopt when it is not one of them.
std::optional<std::string_view> ignored_keyword_reason(std::string_view keyword);

}  // namespace wharf::conf
