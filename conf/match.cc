// Match blocks; see match.h. Semantics follow OpenSSH servconf.c match_cfg_line.
#include "conf/match.h"

#include "conf/errors.h"
#include "conf/pattern.h"
#include "conf/values.h"

namespace wharf::conf {
namespace {

using Kind = MatchCriteria::Kind;

struct CriterionName {
  const char* name;
  Kind kind;
};
constexpr CriterionName kCriteria[] = {
    {"User", Kind::kUser},           {"Group", Kind::kGroup},
    {"Address", Kind::kAddress},     {"LocalAddress", Kind::kLocalAddress},
    {"LocalPort", Kind::kLocalPort},
};

void validate(const char* name, Kind kind, const std::string& value) {
  if (kind == Kind::kLocalPort) {
    parse_port(value, "Match LocalPort");
  } else if (kind == Kind::kAddress || kind == Kind::kLocalAddress) {
    if (!valid_address_list(value)) {
      throw ConfigError(std::string("Match ") + name + ": invalid address list \"" + value +
                        "\" (empty entry, or host bits set below the mask)");
    }
  } else if (value.empty()) {
    throw ConfigError(std::string("Match ") + name + ": empty pattern list");
  }
}

// Match Group: some group of the user matches positively and none negatively (OpenSSH
// groupaccess.c ga_match_pattern_list).
bool group_matches(const std::vector<std::string>& groups, const std::string& list) {
  bool found = false;
  for (const auto& g : groups) {
    int r = match_pattern_list(g, list);
    if (r < 0) return false;
    if (r > 0) found = true;
  }
  return found;
}

}  // namespace

MatchCriteria parse_match(const std::vector<std::string>& args) {
  MatchCriteria m;
  if (args.empty()) throw ConfigError("Match: one or more criteria required");
  // Criteria come in name/value pairs; only "All" stands alone.
  for (size_t i = 0; i < args.size(); i += 2) {
    if (iequals(args[i], "All")) {
      if (args.size() != 1)
        throw ConfigError("Match: 'All' cannot be combined with other criteria");
      m.all = true;
      return m;
    }
    const CriterionName* found = nullptr;
    for (const auto& c : kCriteria) {
      if (iequals(args[i], c.name)) found = &c;
    }
    if (!found) throw ConfigError("Match: unsupported criterion \"" + args[i] + "\"");
    if (i + 1 >= args.size())
      throw ConfigError(std::string("Match ") + found->name + ": missing value");
    validate(found->name, found->kind, args[i + 1]);
    int port = found->kind == Kind::kLocalPort ? parse_port(args[i + 1], "Match LocalPort") : 0;
    m.criteria.push_back({found->kind, args[i + 1], port});
  }
  return m;
}

bool matches(const MatchCriteria& m, const ConnectionInfo& c) {
  if (m.all) return true;
  for (const auto& cr : m.criteria) {
    bool ok = false;
    switch (cr.kind) {
      case Kind::kUser:
        ok = match_pattern_list(c.user, cr.list) == 1;
        break;
      case Kind::kGroup:
        ok = group_matches(c.groups, cr.list);
        break;
      case Kind::kAddress:  // a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d
        ok = match_address_list(unmap_ipv4_mapped(c.address), cr.list) == 1;
        break;
      case Kind::kLocalAddress:
        ok = match_address_list(unmap_ipv4_mapped(c.local_address), cr.list) == 1;
        break;
      case Kind::kLocalPort:
        ok = c.local_port == cr.port;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

ConnectionInfo parse_connection_spec(std::string_view spec) {
  ConnectionInfo info;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    std::string_view item =
        spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      throw ConfigError("connection spec: expected key=value, got \"" + std::string(item) + "\"");
    }
    std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (iequals(key, "user")) {
      info.user = value;
    } else if (iequals(key, "group")) {
      info.groups.emplace_back(value);
    } else if (iequals(key, "addr")) {
      info.address = unmap_ipv4_mapped(value);
    } else if (iequals(key, "laddr")) {
      info.local_address = unmap_ipv4_mapped(value);
    } else if (iequals(key, "lport")) {
      info.local_port = parse_port(value, "connection spec lport");
    } else if (!iequals(key, "host") && !iequals(key, "rdomain")) {
      throw ConfigError("connection spec: unknown key \"" + std::string(key) + "\"");
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return info;
}

}  // namespace wharf::conf
