// The server's host keys: those named by HostKey, or on first start a generated set in the
// state directory (as sshd's ssh-keygen -A does), with fingerprints logged at startup.
#pragma once

#include <string>
#include <vector>

#include "transport/keys/host_key.h"

namespace wharf::daemon {

// Loads every configured path; with none configured, loads or generates
// ssh_host_{ed25519,ecdsa,rsa}_key in `state_dir`. Throws keys::KeyError / runtime_error.
std::vector<keys::HostKey> load_host_keys(const std::vector<std::string>& configured,
                                          const std::string& state_dir);

}  // namespace wharf::daemon
