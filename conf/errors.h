// The one exception type configuration code throws.
#pragma once

#include <stdexcept>

namespace wharf::conf {

// A configuration problem. Messages from the loader start with "FILE:LINE: " (or
// "command line: " for -o overrides) and say what is wrong.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wharf::conf
