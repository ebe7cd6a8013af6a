// Where wharfd keeps what it creates: host keys and the demo drop.
#pragma once

#include <string>

namespace wharf::daemon {

// The configured StateDirectory, or the default: /var/lib/wharf for root, otherwise
// $XDG_STATE_HOME/wharf or ~/.local/state/wharf. Created with mode 0700 if missing; throws
// std::runtime_error if it cannot be created or is accessible to group/others.
std::string prepare_state_directory(const std::string& configured);

}  // namespace wharf::daemon
