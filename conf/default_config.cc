// The configuration wharfd uses when started without -f: safe to run as any user.
#include "conf/config.h"

namespace wharf::conf {

std::string_view embedded_default_config() {
  return R"(# Wharf's built-in default configuration (used when wharfd is started without -f).
# Syntax and keywords are those of sshd_config(5); see conf/examples/wharfd_config.

# Listen on loopback only, so a first start exposes nothing to the network.
ListenAddress 127.0.0.1
# An unprivileged port: wharfd need not run as root to try it out.
Port 2222

# Host keys and the demo drop box live under the state directory; "none" lets wharfd pick
# its default location.
StateDirectory none

# Keys only, as OpenSSH recommends; passwords stay off unless you turn them on.
PubkeyAuthentication yes
PasswordAuthentication no
PermitRootLogin prohibit-password

# Where each user's keys are looked up, relative to the home directory.
AuthorizedKeysFile .ssh/authorized_keys

# Wharf's own SFTP server, with no external process.
Subsystem sftp internal-sftp

# Uploads appear under their final name only once complete (auto: in drop boxes).
AtomicUploads auto

# Log connections and authentications, no debugging detail.
LogLevel INFO
)";
}

}  // namespace wharf::conf
