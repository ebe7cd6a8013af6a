// internal-sftp's flags (sftp-server(8)) in a forced command, applied to the fs policy:
// -R read-only, -u umask, -p allowed requests, -P denied requests, -d start directory;
// the logging flags -e -f -l are accepted and ignored (wharfd has its own LogLevel).
//
// The command may come from a key's command= option, and authorized_keys is often inside the
// user's own root, so the flags only ever narrow the configured policy: -u adds bits to the
// umask, -p keeps the configured requests it names (none if it names none), -P adds denials.
#pragma once

#include <string>
#include <vector>

#include "fs/policy.h"

namespace wharf::daemon {

// Returns false with `error` set for a flag or value sftp-server would refuse.
bool apply_sftp_flags(const std::vector<std::string>& args, fs::Policy& policy, std::string& error);

}  // namespace wharf::daemon
