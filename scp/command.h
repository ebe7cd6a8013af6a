// The exec command line of an SCP server, parsed without a shell.
//
// OpenSSH's scp client asks the server to run `scp [-v] [-r] [-p] [-d] -t [--] target` (upload)
// or `scp [-v] [-r] [-p] [-d] -f [--] path...` (download), and sshd hands that line to the user's
// shell. Wharf never runs a shell: the line is split into words here with the quoting rules a
// POSIX shell applies to plain words (single quotes, double quotes, backslash escapes) and
// nothing else. `$`, backticks, `;`, `|`, globs and redirections are ordinary characters, so
// `$(id)` or `` `touch x` `` are names, never commands. One convenience a shell offers is kept
// because OpenSSH's client relies on it (`scp -O host:~/f .` sends `scp -f ~/f`): an unquoted
// `~` or `~/...` at the start of a path means "relative to the home directory", which is where
// relative paths already start (scp/paths.h); `~user` is not special.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::scp {

// Hard limits for the exec command line.
inline constexpr size_t kMaxCommandLine = 64 * 1024;
inline constexpr size_t kMaxPathArg = 4096;  // PATH_MAX
inline constexpr size_t kMaxPathArgs = 4096;

enum class Mode { kSink, kSource };  // -t (client uploads), -f (client downloads)

struct Command {
  Mode mode = Mode::kSink;
  bool recursive = false;      // -r
  bool preserve = false;       // -p: a source sends T records; a sink sets exact modes
  bool target_is_dir = false;  // -d: the -t target must be a directory
  bool verbose = false;        // -v: accepted, no effect on the protocol
  // -t: exactly one target; -f: one or more sources. Literal client paths, with an unquoted
  // leading "~/" already turned into a home-relative path.
  std::vector<std::string> paths;
};

struct CommandParse {
  std::optional<Command> command;  // set when the line is a valid SCP server command
  bool is_scp = false;  // the program is scp (so a failure is a bad scp command, not another one)
  std::string reason;   // why `command` is empty
};

CommandParse parse_command(std::string_view line);

// Shell-like word splitting as described above. Returns std::nullopt with `error` set on an
// unterminated quote, a NUL byte or an over-long line. `tilde` (if given) receives, per word,
// whether it began with an unquoted '~'.
std::optional<std::vector<std::string>> split_words(std::string_view line, std::string* error,
                                                    std::vector<bool>* tilde = nullptr);

}  // namespace wharf::scp
