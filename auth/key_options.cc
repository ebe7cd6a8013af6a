#include "auth/key_options.h"

#include <strings.h>

#include <cctype>
#include <charconv>

#include "conf/pattern.h"

namespace wharf::auth {
namespace {

// A cursor over the options field with OpenSSH's quoting rules (auth-options.c opt_dequote).
class OptionCursor {
 public:
  explicit OptionCursor(std::string_view s) : s_(s) {}

  bool at_end() const { return pos_ == s_.size() || s_[pos_] == ' ' || s_[pos_] == '\t'; }
  char peek() const { return s_[pos_]; }
  void skip() { ++pos_; }

  // The option name: up to '=', ',' or the end of the field.
  std::string_view name() {
    const size_t start = pos_;
    while (!at_end() && s_[pos_] != '=' && s_[pos_] != ',') ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // After the name: `="value"`. Returns nullopt and sets `error` when malformed.
  std::optional<std::string> quoted_value(std::string& error) {
    if (pos_ == s_.size() || s_[pos_] != '=') {
      error = "missing value";
      return std::nullopt;
    }
    if (++pos_ == s_.size() || s_[pos_] != '"') {
      error = "missing start quote";
      return std::nullopt;
    }
    ++pos_;
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') ++pos_;
      if (out.size() == kMaxOptionValue) {
        error = "option value too long";
        return std::nullopt;
      }
      out.push_back(s_[pos_++]);
    }
    if (pos_ == s_.size()) {
      error = "missing end quote";
      return std::nullopt;
    }
    ++pos_;
    return out;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Flag options and the field each sets; "no-" + name sets it false (OpenSSH opt_flag).
struct FlagOption {
  std::string_view name;
  bool KeyOptions::*field;
  bool negatable;
};
constexpr FlagOption kFlags[] = {
    {"pty", &KeyOptions::permit_pty, true},
    {"port-forwarding", &KeyOptions::permit_port_forwarding, true},
    {"agent-forwarding", &KeyOptions::permit_agent_forwarding, true},
    {"x11-forwarding", &KeyOptions::permit_x11_forwarding, true},
    {"user-rc", &KeyOptions::permit_user_rc, true},
    {"cert-authority", &KeyOptions::cert_authority, false},
    {"no-touch-required", &KeyOptions::no_touch_required, false},
    {"verify-required", &KeyOptions::verify_required, false},
};

bool apply_flag(KeyOptions& o, std::string_view name) {
  for (const FlagOption& f : kFlags) {
    if (iequals(name, f.name)) {
      o.*f.field = true;
      return true;
    }
    if (f.negatable && name.size() > 3 && iequals(name.substr(0, 3), "no-") &&
        iequals(name.substr(3), f.name)) {
      o.*f.field = false;
      return true;
    }
  }
  return false;
}

void apply_restrict(KeyOptions& o) {
  o.permit_pty = o.permit_port_forwarding = o.permit_agent_forwarding = false;
  o.permit_x11_forwarding = o.permit_user_rc = false;
  o.restricted = true;
}

// environment="NAME=value": NAME non-empty, [A-Za-z0-9_] (OpenSSH valid_env_name).
bool valid_environment(std::string_view v) {
  const size_t eq = v.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  for (char c : v.substr(0, eq)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool parse_port(std::string_view p, bool allow_any) {
  if (allow_any && p == "*") return true;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  return ec == std::errc() && end == p.data() + p.size() && port >= 1 && port <= 65535;
}

// permitopen="host:port" / permitlisten="[host:]port"; host may be "[v6addr]" (hpdelim2).
bool valid_permit(std::string_view v, bool listen) {
  if (listen && v.find(':') == std::string_view::npos) return parse_port(v, false);
  std::string_view host, port;
  if (!v.empty() && v[0] == '[') {
    const size_t close = v.find(']');
    if (close == std::string_view::npos || close + 1 >= v.size() || v[close + 1] != ':') {
      return false;
    }
    host = v.substr(1, close - 1);
    port = v.substr(close + 2);
  } else {
    const size_t colon = v.find(':');
    if (colon == std::string_view::npos) return false;
    host = v.substr(0, colon);
    port = v.substr(colon + 1);
  }
  return !host.empty() && host.size() < 1025 && parse_port(port, true);
}

// tunnel="any" or a device number 0..2^31-3 (OpenSSH a2tun, SSH_TUNID_MAX).
bool valid_tunnel(std::string_view v) {
  if (iequals(v, "any")) return true;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && end == v.data() + v.size() && n >= 0 && n <= 0x7fffffff - 2;
}

// Options with a quoted value. Returns false with `error` set when the value is bad.
bool apply_valued(KeyOptions& o, std::string_view name, const std::string& v, std::string& error) {
  auto once = [&](std::optional<std::string>& slot, const char* what) {
    if (slot) {
      error = std::string("multiple \"") + what + "\" clauses";
      return false;
    }
    slot = v;
    return true;
  };
  if (iequals(name, "command")) return once(o.command, "command");
  if (iequals(name, "from")) return once(o.from, "from");
  if (iequals(name, "principals")) return once(o.principals, "principals");
  if (iequals(name, "expiry-time")) {
    const auto t = parse_expiry_time(v);
    if (!t) return (error = "invalid expiry-time", false);
    if (!o.expiry_time || *t < *o.expiry_time) o.expiry_time = t;
    return true;
  }
  if (iequals(name, "environment")) {
    if (!valid_environment(v)) return (error = "invalid environment string", false);
    const std::string_view key = std::string_view(v).substr(0, v.find('=') + 1);
    for (const std::string& e : o.environment) {
      if (std::string_view(e).substr(0, key.size()) == key) return true;  // first wins
    }
    if (o.environment.size() == kMaxEnvironment) return (error = "too many environment", false);
    o.environment.push_back(v);
    return true;
  }
  if (iequals(name, "permitopen") || iequals(name, "permitlisten")) {
    const bool listen = iequals(name, "permitlisten");
    if (!valid_permit(v, listen)) return (error = "invalid " + std::string(name), false);
    if (o.permitopen.size() + o.permitlisten.size() == kMaxPermitEntries) {
      return (error = "too many permitopen/permitlisten", false);
    }
    (listen ? o.permitlisten : o.permitopen).push_back(v);
    return true;
  }
  if (iequals(name, "tunnel")) {
    if (!valid_tunnel(v)) return (error = "invalid tun device", false);
    o.tunnel = v;
    return true;
  }
  error = "unknown key option \"" + std::string(name.substr(0, 64)) + "\"";
  return false;
}

bool is_valued_option(std::string_view name) {
  for (std::string_view n : {"command", "from", "principals", "expiry-time", "environment",
                             "permitopen", "permitlisten", "tunnel"}) {
    if (iequals(name, n)) return true;
  }
  return false;
}

// One option at the cursor. Returns false with `error` set on failure.
bool parse_one(OptionCursor& c, KeyOptions& o, std::string& error) {
  const std::string_view name = c.name();
  if (name.empty()) return (error = "empty option", false);
  if (is_valued_option(name)) {
    const auto value = c.quoted_value(error);
    return value && apply_valued(o, name, *value, error);
  }
  if (!c.at_end() && c.peek() == '=') {
    return (error = "unexpected value for \"" + std::string(name.substr(0, 64)) + "\"", false);
  }
  if (iequals(name, "restrict")) {
    apply_restrict(o);
    return true;
  }
  if (apply_flag(o, name)) return true;
  error = "unknown key option \"" + std::string(name.substr(0, 64)) + "\"";
  return false;
}

}  // namespace

OptionsParse parse_key_options(std::string_view text) {
  OptionsParse result;
  KeyOptions o;
  OptionCursor c(text);
  for (size_t count = 0; !c.at_end(); ++count) {
    if (count == kMaxOptions) {
      result.error = "too many options";
      return result;
    }
    if (!parse_one(c, o, result.error)) return result;
    if (c.at_end()) break;
    if (c.peek() != ',') {
      result.error = "unknown key option (expected ',')";
      return result;
    }
    c.skip();
    if (c.at_end()) {
      result.error = "unexpected end-of-options";
      return result;
    }
  }
  result.options = std::move(o);
  return result;
}

KeyDecision evaluate_options(const KeyOptions& options, std::string_view client_address,
                             std::time_t now) {
  KeyDecision d;
  if (options.cert_authority) {
    d.reason = "key is marked cert-authority; certificates are not supported";
    return d;
  }
  if (options.principals) {  // sshd auth_authorise_keyopts: only meaningful for a CA key
    d.reason = "principals= on a key that is not a cert-authority";
    return d;
  }
  if (options.expiry_time && *options.expiry_time < static_cast<int64_t>(now)) {
    d.reason = "key has expired (expiry-time)";
    return d;
  }
  if (options.from) {
    const std::string addr = conf::unmap_ipv4_mapped(client_address);
    const int m = conf::match_address_list(addr, *options.from);
    if (m == -2) {
      d.reason = "invalid from= criteria";
      return d;
    }
    if (m != 1) {
      d.reason = "connection from " + addr + " not permitted by from= option";
      return d;
    }
  }
  d.allowed = true;
  d.restrictions = {options.permit_pty, options.permit_port_forwarding,
                    options.permit_agent_forwarding, options.permit_x11_forwarding,
                    options.permit_user_rc};
  if (options.command) d.command = classify_forced_command(*options.command);
  return d;
}

}  // namespace wharf::auth
