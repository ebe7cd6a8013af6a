// authorized_keys options: parsing (sshd(8) "AUTHORIZED_KEYS FILE FORMAT", OpenSSH
// auth-options.c sshauthopt_parse) and evaluation against a connection.
//
// Semantics follow OpenSSH 8.x/9.x:
// - option names are case-insensitive; values are double-quoted, `\"` is the only escape;
// - options are separated by ',' with no spaces; an unknown option, a missing quote, an empty
//   option (",", "restrict,") or a bad value makes the whole line invalid;
// - `restrict` clears every permission; later `pty`, `port-forwarding`, ... turn one back on;
// - `command`, `from` and `principals` may appear once; several `expiry-time`: earliest wins;
//   several `environment` with the same name: the first wins.
// - `cert-authority` is recognised, but Wharf does not support certificates: a line carrying it
//   never authorizes a plain key (evaluate_options() denies it), exactly as sshd never accepts
//   a plain key through a cert-authority line.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/forced_command.h"

namespace wharf::auth {

// Bounds on one options field.
inline constexpr size_t kMaxOptions = 256;        // options on one line
inline constexpr size_t kMaxOptionValue = 8192;   // one dequoted value
inline constexpr size_t kMaxEnvironment = 64;     // environment= entries kept
inline constexpr size_t kMaxPermitEntries = 128;  // permitopen= plus permitlisten= entries

struct KeyOptions {
  // Permissions (true = allowed). Defaults as sshd; `restrict` turns them all off.
  bool permit_pty = true;
  bool permit_port_forwarding = true;
  bool permit_agent_forwarding = true;
  bool permit_x11_forwarding = true;
  bool permit_user_rc = true;
  bool restricted = false;

  bool cert_authority = false;
  bool no_touch_required = false;  // FIDO keys only; recorded, has no effect here
  bool verify_required = false;    // FIDO keys only; recorded, has no effect here

  std::optional<std::string> command;     // command="..."
  std::optional<std::string> from;        // from="pattern-list"
  std::optional<std::string> principals;  // principals="..." (CA keys only: refused otherwise)
  std::optional<int64_t> expiry_time;     // expiry-time=, as seconds since the epoch
  std::vector<std::string> environment;   // "NAME=value"; parsed, never applied
  std::vector<std::string> permitopen;    // "host:port"; parsed, forwarding is never allowed
  std::vector<std::string> permitlisten;  // "[host:]port"; parsed, never allowed
  std::optional<std::string> tunnel;      // "any" or a device number; parsed, never allowed

  bool operator==(const KeyOptions&) const = default;
};

struct OptionsParse {
  std::optional<KeyOptions> options;  // empty on error
  std::string error;                  // why the options are invalid (for the log)
};

// Parses the options field of an authorized_keys line: everything up to the first unquoted
// space or tab (the rest of `text` is ignored). An empty field yields the defaults.
OptionsParse parse_key_options(std::string_view text);

// Parses an expiry-time value: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, read in local time as
// sshd does, or in UTC with a trailing 'Z' (OpenSSH 8.7+). Returns nullopt when malformed.
std::optional<int64_t> parse_expiry_time(std::string_view value);

// The restrictions that apply to a session authorized by a key.
struct SessionRestrictions {
  bool pty = true;
  bool port_forwarding = true;
  bool agent_forwarding = true;
  bool x11_forwarding = true;
  bool user_rc = true;
};

struct KeyDecision {
  bool allowed = false;
  std::string reason;  // why not, for the log only (never sent to the client)
  SessionRestrictions restrictions;
  ForcedCommand command;  // kind kNone when there is no command= option
};

// Applies from= (to the peer address, IPv4-mapped IPv6 unmapped first) and expiry-time (the key
// is usable while now <= expiry, as sshd), refuses cert-authority lines and (as sshd)
// principals= on a plain key, and reports the
// effective restrictions and the classified forced command. Wharf does no reverse DNS (sshd's
// UseDNS no, its default): host-name patterns in from= are matched against the address text.
// A malformed from= list (conf::match_address_list returns -2) refuses, as sshd does.
KeyDecision evaluate_options(const KeyOptions& options, std::string_view client_address,
                             std::time_t now);

}  // namespace wharf::auth
