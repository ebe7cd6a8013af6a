// Wharf's sshd_config-style configuration: load, evaluate Match blocks, dump (`sshd -T`).
//
// Syntax (sshd_config(5)): case-insensitive keywords, "Keyword value" or "Keyword=value",
// double- or single-quoted arguments, '#' comments, blank lines, Include (glob patterns,
// relative to the including file's directory, sorted), Match blocks (User, Group, Address,
// LocalAddress, LocalPort, All; criteria AND-ed; a block lasts until the next Match or the end
// of its file). The first value of a keyword wins, except for keywords sshd accumulates (Port,
// ListenAddress, HostKey, AllowUsers, DenyUsers, AllowGroups, DenyGroups). Values set in
// matching Match blocks override the global ones; `-o` overrides win over both (for an
// accumulating keyword, -o values replace the file's values).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "conf/connection.h"
#include "conf/errors.h"
#include "conf/lexer.h"
#include "conf/match.h"
#include "conf/settings.h"

namespace wharf::conf {

struct Keyword;

// Parsing bounds (sshd has 16 for Include depth).
inline constexpr size_t kMaxLineLength = 8192;
inline constexpr size_t kMaxFileSize = 1 << 20;
inline constexpr size_t kMaxTotalSize = 8 << 20;  // all files of one load, Includes included
inline constexpr int kMaxIncludeDepth = 16;
inline constexpr size_t kMaxFiles = 1024;  // files read by one load

class Config {
 public:
  // Parses `path` (empty = the embedded default text) with `-o` overrides ("Keyword=value").
  static Config load(const std::string& path, const std::vector<std::string>& overrides);
  // Parses `text`; `name` is used in error messages and, if it has a directory part, as the
  // base of relative Include patterns (otherwise the current directory).
  static Config parse_text(std::string_view text, std::string_view name,
                           const std::vector<std::string>& overrides);

  const Settings& global() const { return global_; }     // settings outside any Match
  Settings for_connection(const ConnectionInfo&) const;  // Match blocks applied
  // `sshd -T` style: one "lowercasekeyword value" line per value; parses back to `s`.
  std::string dump(const Settings& s) const;

  // One stored line of a Match block or of the command line.
  struct Line {
    const Keyword* keyword;
    ConfigLine line;
  };
  struct MatchBlock {
    std::vector<MatchCriteria> criteria;  // AND-ed (a Match inside an Include inside a Match)
    std::vector<Line> lines;
  };
  const std::vector<MatchBlock>& match_blocks() const { return blocks_; }
  // "file:line: Keyword is ignored: why" for each sshd keyword Wharf skips
  // (conf/ignored_keywords.h); wharfd logs them at start, as sshd logs unsupported options.
  const std::vector<std::string>& notices() const { return notices_; }

 private:
  friend class Loader;
  Settings global_;
  std::vector<MatchBlock> blocks_;
  std::vector<Line> overrides_;
  std::vector<std::string> notices_;
};

// The embedded default configuration text (loopback, port 2222).
std::string_view embedded_default_config();

}  // namespace wharf::conf
