// Match blocks (sshd_config(5) "Match"): criteria parsing and evaluation.
#pragma once

#include <string>
#include <vector>

#include "conf/connection.h"

namespace wharf::conf {

// One "Match ..." line: its criteria are AND-ed. `all` is "Match All".
struct MatchCriteria {
  enum class Kind { kUser, kGroup, kAddress, kLocalAddress, kLocalPort };
  struct Criterion {
    Kind kind;
    std::string list;  // pattern list or address list
    int port = 0;      // LocalPort
  };
  bool all = false;
  std::vector<Criterion> criteria;
};

// Parses the arguments of a Match line ("User", "alice,bob", "Address", "10.0.0.0/8", ...).
// Throws ConfigError for an unknown criterion, a missing value, "All" combined with anything,
// or a malformed address list or port.
MatchCriteria parse_match(const std::vector<std::string>& args);

bool matches(const MatchCriteria& m, const ConnectionInfo& c);

}  // namespace wharf::conf
