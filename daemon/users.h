// Who may log in: virtual users (VirtualUsersFile, and the demo user of the embedded default)
// first, then system accounts; and the settings Match blocks give each of them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/users.h"
#include "conf/settings.h"
#include "daemon/listener.h"
#include "daemon/server_context.h"

namespace wharf::daemon {

std::optional<auth::User> find_user(const ServerContext& ctx, const std::string& name);

conf::Settings settings_for_user(const ServerContext& ctx, const std::string& name,
                                 const std::vector<std::string>& groups, const PeerInfo& peer);

}  // namespace wharf::daemon
