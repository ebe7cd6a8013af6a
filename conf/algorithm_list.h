// sshd_config algorithm-list syntax (sshd_config(5) "Ciphers", OpenSSH kex_assemble_names).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wharf::conf {

// Resolves `spec` against `defaults`:
//   "a,b"   replaces the defaults;
//   "+a,b"  appends to the defaults;
//   "-a,b*" removes from the defaults (patterns with '*' and '?' allowed);
//   "^a,b"  puts the names first, followed by the remaining defaults.
// Duplicates are dropped (first occurrence kept). Throws ConfigError on an empty spec or entry,
// a name not in `supported` (or a '-' pattern matching no supported name), or an empty result.
std::vector<std::string> resolve_algorithm_list(std::string_view spec,
                                                const std::vector<std::string>& defaults,
                                                const std::vector<std::string>& supported);

}  // namespace wharf::conf
