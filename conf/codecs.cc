// Value codecs of daemon and transport keywords, and shared helpers; see codecs.h.
#include "conf/codecs.h"

#include "conf/algorithm_list.h"
#include "conf/errors.h"
#include "conf/pattern.h"

namespace wharf::conf::codecs {

const std::string& single(const ConfigLine& l) {
  if (l.args.size() != 1) throw ConfigError(l.keyword + ": garbage at end of line");
  return l.args[0];
}

std::string join(const Strings& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

Strings split_commas(const std::string& s, const std::string& what) {
  Strings out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (out.back().empty()) throw ConfigError(what + ": empty entry in list \"" + s + "\"");
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

bool is_none(const std::string& s) { return iequals(s, "none"); }

void check_tokens(const std::string& s, const std::string& what) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 1 == s.size() || std::string_view("%hUu").find(s[i + 1]) == std::string_view::npos) {
      throw ConfigError(what + ": unknown %-token in \"" + s + "\" (allowed: %% %h %u %U)");
    }
    ++i;
  }
}

std::string none_or(const std::string& v) { return v.empty() ? "none" : quote_argument(v); }

Strings algorithm_list(const ConfigLine& l, const Strings& defaults, const Strings& supported) {
  try {
    return resolve_algorithm_list(single(l), defaults, supported);
  } catch (const ConfigError& e) {
    throw ConfigError(l.keyword + ": " + e.what());
  }
}

bool Flag::parse(const ConfigLine& l) { return parse_yes_no(single(l), l.keyword); }

std::string Flag::dump(bool v) { return v ? "yes" : "no"; }

int Time::parse(const ConfigLine& l) { return parse_time(single(l), l.keyword); }

std::string Time::dump(int v) { return format_time(v); }

std::string PathOrNone::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  if (v.empty()) throw ConfigError(l.keyword + ": empty path");
  return is_none(v) ? "" : v;
}

std::string PathOrNone::dump(const std::string& v) { return none_or(v); }

std::string Path::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  if (v.empty()) throw ConfigError(l.keyword + ": empty path");
  return v;
}

std::string Path::dump(const std::string& v) { return quote_argument(v); }

Strings PathElem::parse(const ConfigLine& l) { return {Path::parse(l)}; }

std::string PathElem::dump(const std::string& v) { return quote_argument(v); }

LogLevel LogLevelC::parse(const ConfigLine& l) { return parse_log_level(single(l)); }

std::string LogLevelC::dump(LogLevel v) { return log_level_name(v); }

std::vector<int> PortElem::parse(const ConfigLine& l) { return {parse_port(single(l), "Port")}; }

std::string PortElem::dump(int v) { return std::to_string(v); }

std::vector<ListenAddress> ListenElem::parse(const ConfigLine& l) {
  return {parse_listen_address(single(l))};
}

std::string ListenElem::dump(const ListenAddress& v) { return format_listen_address(v); }

MaxStartups MaxStartupsC::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  MaxStartups m;
  size_t c1 = v.find(':');
  if (c1 == std::string::npos) {
    m.start = m.full = parse_int(v, 1, 1 << 20, l.keyword);
    m.rate = 100;
    return m;
  }
  size_t c2 = v.find(':', c1 + 1);
  if (c2 == std::string::npos) throw ConfigError(l.keyword + ": expected start:rate:full");
  m.start = parse_int(v.substr(0, c1), 0, 1 << 20, l.keyword + " start");
  m.rate = parse_int(v.substr(c1 + 1, c2 - c1 - 1), 1, 100, l.keyword + " rate");
  m.full = parse_int(v.substr(c2 + 1), 1, 1 << 20, l.keyword + " full");
  if (m.start > m.full) throw ConfigError(l.keyword + ": start must not exceed full");
  return m;
}

std::string MaxStartupsC::dump(const MaxStartups& m) {
  return std::to_string(m.start) + ":" + std::to_string(m.rate) + ":" + std::to_string(m.full);
}

int CountOrNone::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  return is_none(v) ? 0 : parse_int(v, 1, 1 << 20, l.keyword);
}

std::string CountOrNone::dump(int v) { return v ? std::to_string(v) : "none"; }

Penalties PenaltiesC::parse(const ConfigLine& l) {
  Penalties p;
  if (l.args.size() == 1 && (iequals(l.args[0], "yes") || iequals(l.args[0], "no"))) {
    p.enabled = iequals(l.args[0], "yes");
    return p;
  }
  for (const auto& word : l.args) apply(p, word, l.keyword);
  p.enabled = true;  // naming a penalty turns them on
  return p;
}

std::string AddressListOrNone::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  if (is_none(v)) return "";
  if (!valid_address_list(v)) throw ConfigError(l.keyword + ": invalid address list \"" + v + "\"");
  return v;
}

std::string AddressListOrNone::dump(const std::string& v) { return none_or(v); }

NetBlockSize NetBlockSizeC::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  NetBlockSize n;
  size_t colon = v.find(':');
  n.ipv4 = parse_int(v.substr(0, colon), 0, 32, l.keyword + " ipv4");
  if (colon != std::string::npos)
    n.ipv6 = parse_int(v.substr(colon + 1), 0, 128, l.keyword + " ipv6");
  return n;
}

std::string NetBlockSizeC::dump(const NetBlockSize& n) {
  return std::to_string(n.ipv4) + ":" + std::to_string(n.ipv6);
}

void PenaltiesC::apply(Penalties& p, const std::string& word, const std::string& kw) {
  size_t colon = word.find(':');
  if (colon == std::string::npos)
    throw ConfigError(kw + ": expected name:value, got \"" + word + "\"");
  std::string name = to_lower(word.substr(0, colon)), v = word.substr(colon + 1);
  std::string what = kw + " " + name;
  struct Duration {
    const char* name;
    int Penalties::*field;
  };
  static const Duration kDurations[] = {
      {"crash", &Penalties::crash},
      {"authfail", &Penalties::authfail},
      {"noauth", &Penalties::noauth},
      {"grace-exceeded", &Penalties::grace_exceeded},
      {"refuseconnection", &Penalties::refuseconnection},
      {"max", &Penalties::max},
      {"min", &Penalties::min},
  };
  for (const auto& d : kDurations) {
    if (name == d.name) return void(p.*d.field = parse_time(v, what));
  }
  if (name == "max-sources4") return void(p.max_sources4 = parse_int(v, 1, 1 << 24, what));
  if (name == "max-sources6") return void(p.max_sources6 = parse_int(v, 1, 1 << 24, what));
  if (name == "overflow" || name == "overflow6") {
    bool deny = v == "deny-all";
    if (!deny && v != "permissive") throw ConfigError(what + ": expected deny-all or permissive");
    (name == "overflow" ? p.overflow_deny_all : p.overflow6_deny_all) = deny;
    return;
  }
  throw ConfigError(kw + ": unknown penalty \"" + name + "\"");
}

std::string PenaltiesC::dump(const Penalties& p) {
  if (!p.enabled) return "no";
  auto t = [](int s) { return std::to_string(s) + "s"; };
  return "crash:" + t(p.crash) + " authfail:" + t(p.authfail) + " noauth:" + t(p.noauth) +
         " grace-exceeded:" + t(p.grace_exceeded) + " refuseconnection:" + t(p.refuseconnection) +
         " max:" + t(p.max) + " min:" + t(p.min) +
         " max-sources4:" + std::to_string(p.max_sources4) +
         " max-sources6:" + std::to_string(p.max_sources6) +
         " overflow:" + (p.overflow_deny_all ? "deny-all" : "permissive") +
         " overflow6:" + (p.overflow6_deny_all ? "deny-all" : "permissive");
}

Compression CompressionC::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  if (iequals(v, "yes")) return Compression::kYes;
  if (iequals(v, "delayed")) return Compression::kDelayed;
  if (iequals(v, "no")) return Compression::kNo;
  throw ConfigError(l.keyword + ": expected yes, delayed or no, got \"" + v + "\"");
}

std::string CompressionC::dump(Compression c) {
  return c == Compression::kYes ? "yes" : c == Compression::kNo ? "no" : "delayed";
}

RekeyLimit RekeyC::parse(const ConfigLine& l) {
  if (l.args.size() > 2) throw ConfigError(l.keyword + ": garbage at end of line");
  RekeyLimit r;
  if (!iequals(l.args[0], "default")) {
    r.bytes = parse_size(l.args[0], l.keyword);
    if (r.bytes < 16) throw ConfigError(l.keyword + ": size too small (at least 16)");
  }
  if (l.args.size() == 2 && !iequals(l.args[1], "default") && !is_none(l.args[1])) {
    r.seconds = parse_time(l.args[1], l.keyword + " time");
  }
  return r;
}

std::string RekeyC::dump(const RekeyLimit& r) {
  return (r.bytes ? std::to_string(r.bytes) : "default") + " " +
         (r.seconds ? std::to_string(r.seconds) : "none");
}

}  // namespace wharf::conf::codecs
