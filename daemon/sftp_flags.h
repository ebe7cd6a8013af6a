// internal-sftp's flags (sftp-server(8), parsed by conf/sftp_server_flags.h) applied to a
// session's fs policy: -R read-only, -u umask, -p allowed requests, -P denied requests, -d start
// directory, -l INFO (or more) the operation log at INFO; -e and -f are accepted and ignored
// (wharfd logs to stderr).
//
// The flags of the configuration (Subsystem, ForceCommand) are the administrator's: -u sets the
// umask, as sftp-server's umask(2) does. A key's command= may be written by the user it
// confines (authorized_keys often lies inside the user's own root), so its flags only ever
// narrow the configured policy: -u adds bits to the umask, -p keeps the configured requests it
// names (none if it names none), -P adds denials.
#pragma once

#include <string>
#include <vector>

#include "fs/policy.h"

namespace wharf::daemon {

enum class SftpFlagSource { kConfiguration, kKeyCommand };

// Returns false with `error` set for a flag or value sftp-server would refuse. `user` expands
// -d's %u; -d's %d is the policy's home (the home directory as the client sees it).
bool apply_sftp_flags(const std::vector<std::string>& args, SftpFlagSource source,
                      const std::string& user, fs::Policy& policy, std::string& error);

}  // namespace wharf::daemon
