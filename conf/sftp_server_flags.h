// The flags of sftp-server(8), which internal-sftp takes too, wherever a configuration or a key
// names them: "Subsystem sftp internal-sftp|/path/sftp-server FLAGS", "ForceCommand
// internal-sftp FLAGS" and a key's command="internal-sftp FLAGS". Parsed here, applied to the
// session's fs policy by daemon/sftp_flags.h. Wharf always serves SFTP in-process, so the flags
// of a Subsystem line naming OpenSSH's sftp-server binary are honoured the same way.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wharf::conf {

struct SftpServerFlags {
  bool read_only = false;                           // -R
  std::optional<unsigned> umask;                    // -u (octal)
  std::optional<std::vector<std::string>> allowed;  // -p (comma list; may be empty)
  std::vector<std::string> denied;                  // -P (comma list)
  std::optional<std::string> start_directory;       // -d, with %d %u %% unexpanded
  std::optional<std::string> log_level;             // -l, canonical upper case
};

// Parses the arguments after the program name. Returns an error naming the bad flag or value,
// as sftp-server would refuse to start with it. -e, -f and -h are accepted (-f's facility must
// be valid); -Q, which only prints, is not a serving option and is refused.
std::optional<std::string> parse_sftp_server_flags(const std::vector<std::string>& args,
                                                   SftpServerFlags& out);

// Expands the start directory's %d (home), %u (user) and %% (sftp-server's -d). Returns
// nullopt for any other % sequence.
std::optional<std::string> expand_start_directory(const std::string& pattern,
                                                  const std::string& home, const std::string& user);

}  // namespace wharf::conf
