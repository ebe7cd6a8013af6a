#include "daemon/sftp_flags.h"

#include <charconv>

namespace wharf::daemon {

bool apply_sftp_flags(const std::vector<std::string>& args, fs::Policy& policy,
                      std::string& error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool takes_value = a == "-u" || a == "-p" || a == "-P" || a == "-d" || a == "-f" || a == "-l";
    if (takes_value && i + 1 >= args.size()) {
      error = "internal-sftp: " + a + " needs a value";
      return false;
    }
    if (a == "-R") {
      policy.read_only = true;
    } else if (a == "-e") {
      // log to stderr: wharfd logs through its own LogLevel
    } else if (a == "-f" || a == "-l") {
      ++i;
    } else if (a == "-u") {
      const std::string& v = args[++i];
      unsigned mask = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), mask, 8);
      if (ec != std::errc() || end != v.data() + v.size() || mask > 0777) {
        error = "internal-sftp: bad umask " + v;
        return false;
      }
      policy.umask |= static_cast<mode_t>(mask);  // masks more bits, never fewer
    } else if (a == "-p") {
      policy.narrow_allowed(fs::parse_request_list(args[++i]));
    } else if (a == "-P") {
      auto denied = fs::parse_request_list(args[++i]);
      policy.denied_requests.insert(policy.denied_requests.end(), denied.begin(), denied.end());
    } else if (a == "-d") {
      policy.home = args[++i];
    } else {
      error = "internal-sftp: unsupported flag " + a;
      return false;
    }
  }
  return true;
}

}  // namespace wharf::daemon
