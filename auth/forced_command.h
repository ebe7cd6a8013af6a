// Classification of a forced command (authorized_keys `command=`, ForceCommand).
//
// Wharf runs no shell, so only two commands can be honoured: `internal-sftp` with the flags of
// sftp-server(8), and a server-side scp (`scp -t ...` or `scp -f ...`). Anything else must make
// the session refuse every request with a clear message instead of silently ignoring the
// restriction the administrator asked for.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wharf::auth {

inline constexpr size_t kMaxCommandLength = 4096;
inline constexpr size_t kMaxCommandArgs = 64;

struct ForcedCommand {
  enum class Kind {
    kNone,          // no forced command (never returned by classify_forced_command)
    kInternalSftp,  // internal-sftp [flags]; argv holds the words, argv[0] == "internal-sftp"
    kScp,           // scp -t/-f ...; argv holds the words, argv[0] == "scp"
    kUnsupported,   // anything else: refuse the session with `message`
  };
  Kind kind = Kind::kNone;
  std::string text;               // the command as written
  std::vector<std::string> argv;  // split words (shell-like quoting), for kInternalSftp/kScp
  std::string message;            // for kUnsupported: the text to show the client

  bool operator==(const ForcedCommand&) const = default;
};

// Splits a command line into words the way OpenSSH's argv_split does: whitespace separates,
// single and double quotes group, backslash escapes the next character. Returns false on an
// unterminated quote, a trailing backslash, or more than kMaxCommandArgs words.
bool split_command(std::string_view line, std::vector<std::string>& out);

// Classifies a forced command. A blank command is kUnsupported: the administrator restricted
// the key, and running nothing is not a service Wharf offers.
ForcedCommand classify_forced_command(std::string_view command);

}  // namespace wharf::auth
