// Confinement after authentication (ARCHITECTURE.md, "Process model"): the connection child
// opens the user's root and, when the daemon runs as root, chroots into it and drops to the
// user's uid/gid permanently, before any client request is served. In both modes every client
// path is then resolved by fs::Root under the root directory fd.
#pragma once

#include <memory>
#include <string>

#include "auth/users.h"
#include "conf/settings.h"
#include "fs/root.h"

namespace wharf::daemon {

struct Confined {
  std::unique_ptr<fs::Root> root;
  std::string host_root;  // the root as a host path (for logs; never shown to the client)
  bool chrooted = false;
};

// The user's root: ChrootDirectory with %u %h %% expanded, or the home directory.
std::string user_root_path(const auth::User& user, const conf::Settings& settings);

// The fs policy from the SFTP settings; `home` is the user's home as a client path.
fs::Policy policy_for(const auth::User& user, const conf::Settings& settings,
                      const std::string& host_root);

// Confines this process to the user's root. Throws std::runtime_error (the connection is then
// refused) if the root cannot be opened or privileges cannot be dropped.
Confined confine(const auth::User& user, const conf::Settings& settings);

}  // namespace wharf::daemon
