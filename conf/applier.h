// Applies keyword lines to a Settings with sshd's precedence: the first value wins, accumulating
// keywords add up within one origin, and a keyword set by an earlier origin (the command line)
// is never touched by a later one.
#pragma once

#include <map>

#include "conf/keywords.h"

namespace wharf::conf {

class Applier {
 public:
  enum class Origin { kCommandLine, kFile };

  explicit Applier(Settings& s) : s_(s) {}

  // Validates `line` (throws ConfigError without location) and stores it if precedence allows.
  // After a throw the settings may be half-updated and must be discarded.
  void apply(const Keyword& k, const ConfigLine& line, Origin origin);
  // Records that `k` was set by `origin` without changing the settings.
  void mark(const Keyword& k, Origin origin) { state_.emplace(&k, origin); }

 private:
  Settings& s_;
  std::map<const Keyword*, Origin> state_;
};

}  // namespace wharf::conf
