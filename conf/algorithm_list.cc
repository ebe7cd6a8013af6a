// sshd_config algorithm-list syntax; see algorithm_list.h.
#include "conf/algorithm_list.h"

#include <algorithm>

#include "conf/errors.h"
#include "conf/pattern.h"

namespace wharf::conf {
namespace {

std::vector<std::string> split_entries(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    std::string_view e =
        list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
    if (e.empty()) throw ConfigError("empty algorithm name in list");
    out.emplace_back(e);
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void check_supported(const std::vector<std::string>& names,
                     const std::vector<std::string>& supported) {
  for (const auto& n : names) {
    if (!contains(supported, n)) throw ConfigError("unsupported algorithm \"" + n + "\"");
  }
}

}  // namespace

std::vector<std::string> resolve_algorithm_list(std::string_view spec,
                                                const std::vector<std::string>& defaults,
                                                const std::vector<std::string>& supported) {
  if (spec.empty()) throw ConfigError("empty algorithm list");
  char op = spec[0];
  bool has_op = op == '+' || op == '-' || op == '^';
  std::vector<std::string> names = split_entries(has_op ? spec.substr(1) : spec);
  std::vector<std::string> assembled;
  if (op == '-') {
    // Names and patterns to remove are not checked, as in sshd (servconf.c validates only lists
    // without '-'): removing what Wharf never offers (ssh-dss, *-cbc, umac-64*) cannot weaken it.
    for (const auto& d : defaults) {
      bool removed = std::any_of(names.begin(), names.end(),
                                 [&](const std::string& p) { return match_pattern(d, p); });
      if (!removed) assembled.push_back(d);
    }
  } else {
    check_supported(names, supported);
    if (op == '+') assembled = defaults;
    assembled.insert(assembled.end(), names.begin(), names.end());
    if (op == '^') assembled.insert(assembled.end(), defaults.begin(), defaults.end());
  }
  std::vector<std::string> out;
  for (auto& n : assembled) {
    if (!contains(out, n)) out.push_back(std::move(n));
  }
  if (out.empty()) throw ConfigError("algorithm list \"" + std::string(spec) + "\" leaves none");
  return out;
}

}  // namespace wharf::conf
