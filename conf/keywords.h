// The keyword table: one row per sshd_config keyword. Adding a keyword = adding a row in
// keywords.cc (and a field in settings.h).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "conf/lexer.h"
#include "conf/settings.h"

namespace wharf::conf {

struct Keyword {
  enum class Mode {
    kFirst,       // the first value wins; later lines are validated and ignored
    kAccumulate,  // every line adds values (sshd: Port, ListenAddress, HostKey, AllowUsers...)
  };
  const char* name;  // canonical spelling; dumped in lowercase
  bool in_match;     // allowed inside Match (sshd_config(5) "Match")
  Mode mode;
  // Validates the line and stores it: kFirst overwrites the field, kAccumulate appends.
  // Throws ConfigError without location.
  void (*parse)(Settings&, const ConfigLine&);
  // kAccumulate: empties the field before the first line (the defaults are replaced).
  void (*clear)(Settings&);
  // The argument text of each `sshd -T` line for this keyword (none, one, or one per element).
  std::vector<std::string> (*dump)(const Settings&);
};

std::span<const Keyword> keyword_table();
// Case-insensitive lookup; nullptr if unknown.
const Keyword* find_keyword(std::string_view name);

}  // namespace wharf::conf
