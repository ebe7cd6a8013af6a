// One sshd_config line split into a keyword and its arguments (OpenSSH servconf.c strdelim and
// misc.c argv_split, with comment termination).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::conf {

struct ConfigLine {
  std::string keyword;            // as written (compare case-insensitively)
  std::vector<std::string> args;  // unquoted arguments
  std::string raw;                // the argument text as written, comment removed, trimmed
};

// Splits `line` (no newline). The keyword ends at whitespace or '=' ("Port 22", "Port=22",
// "Port = 22"). Arguments are separated by spaces/tabs; "..." and '...' quote; backslash escapes
// only \" \' \\ and, outside quotes, "\ "; an unquoted '#' at the start of an argument ends the
// line. Returns nullopt for blank and comment lines. Throws ConfigError for a keyword without
// argument, an unterminated quote or a control character.
std::optional<ConfigLine> split_config_line(std::string_view line);

// Quotes `s` if split_config_line would not read it back as one argument equal to `s`.
std::string quote_argument(std::string_view s);

}  // namespace wharf::conf
