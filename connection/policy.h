// Restrictions on what a session may run: ForceCommand from the configuration and command= of
// the authorized_keys line that signed (classified by auth/forced_command.h).
#pragma once

#include <string_view>

#include "auth/forced_command.h"

namespace wharf::connection {

struct SessionPolicy {
  // When set (kind != kNone), every shell, exec and subsystem request runs this instead:
  // internal-sftp starts SFTP with its flags for a subsystem request and refuses shell and exec
  // (as sshd), an scp command starts SCP, anything else refuses the session with
  // forced.message on stderr.
  auth::ForcedCommand forced;
};

// The effective policy: ForceCommand (the configuration's text; empty or "none" for none)
// overrides the key's command=, as sshd does (session.c do_exec).
SessionPolicy make_session_policy(std::string_view force_command,
                                  const auth::ForcedCommand& key_command);

}  // namespace wharf::connection
