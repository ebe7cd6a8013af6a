#include "daemon/sftp_flags.h"

#include "conf/sftp_server_flags.h"

namespace wharf::daemon {

bool apply_sftp_flags(const std::vector<std::string>& args, SftpFlagSource source,
                      const std::string& user, fs::Policy& policy, std::string& error) {
  conf::SftpServerFlags flags;
  if (auto bad = conf::parse_sftp_server_flags(args, flags)) {
    error = *bad;
    return false;
  }
  bool admin = source == SftpFlagSource::kConfiguration;
  if (flags.read_only) policy.read_only = true;
  if (flags.umask) {
    auto mask = static_cast<mode_t>(*flags.umask);
    policy.umask = admin ? mask : (policy.umask | mask);  // a key masks more bits, never fewer
  }
  if (flags.allowed) policy.narrow_allowed(*flags.allowed);
  policy.denied_requests.insert(policy.denied_requests.end(), flags.denied.begin(),
                                flags.denied.end());
  // -l INFO or more verbose turns on the operation log; a key may only turn it on.
  if (flags.log_level) {
    bool on =
        *flags.log_level != "QUIET" && *flags.log_level != "FATAL" && *flags.log_level != "ERROR";
    policy.log_file_operations = admin ? on : (policy.log_file_operations || on);
  }
  if (flags.start_directory) {
    auto dir = conf::expand_start_directory(*flags.start_directory, policy.home, user);
    if (!dir) {
      error = "internal-sftp: bad start directory " + *flags.start_directory;
      return false;
    }
    // A relative -d is taken from the root, as sftp-server's chdir(2) takes it from the
    // session's first working directory, the root.
    policy.start_directory = !dir->empty() && (*dir)[0] == '/' ? *dir : "/" + *dir;
  }
  return true;
}

}  // namespace wharf::daemon
