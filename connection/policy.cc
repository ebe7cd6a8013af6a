#include "connection/policy.h"

namespace wharf::connection {

SessionPolicy make_session_policy(std::string_view force_command,
                                  const auth::ForcedCommand& key_command) {
  SessionPolicy policy;
  if (!force_command.empty() && force_command != "none") {
    policy.forced = auth::classify_forced_command(force_command);
  } else {
    policy.forced = key_command;
  }
  return policy;
}

}  // namespace wharf::connection
