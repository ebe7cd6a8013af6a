// The embedded default's demo user: "demo", confined to <state>/drop, logging in with a key
// pair generated on first start in <state>/demo_key. wharfd prints the command to use it.
#pragma once

#include <string>

#include "daemon/server_context.h"

namespace wharf::daemon {

DemoUser prepare_demo_user(const std::string& state_dir);

// "sftp -P 2222 -i /var/lib/wharf/demo_key demo@127.0.0.1"
std::string demo_command(const DemoUser& demo, const std::string& address, int port);

}  // namespace wharf::daemon
