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

// The account called `name`. When wharfd runs as root, a virtual user without uid/gid gets the
// ids its session will run as (the owner of its root, or nobody when root owns it), so that
// StrictModes checks its key files against the same ids that confinement drops to.
std::optional<auth::User> find_user(const ServerContext& ctx, const std::string& name,
                                    const PeerInfo& peer);

conf::Settings settings_for_user(const ServerContext& ctx, const std::string& name,
                                 const std::vector<std::string>& groups, const PeerInfo& peer);

}  // namespace wharf::daemon
