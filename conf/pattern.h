// OpenSSH-compatible pattern matching (ssh_config(5) "PATTERNS"; OpenSSH match.c, addrmatch.c).
//
// Used by Match blocks, AllowUsers/DenyUsers and authorized_keys `from=`.
//
// Decisions, where OpenSSH leaves room:
// - Address literals are parsed strictly with inet_pton: dotted-quad IPv4 only ("10.1" or hex
//   forms are not addresses), IPv6 without a scope id ("fe80::1%eth0" is not an address).
// - An IPv4-mapped IPv6 address ("::ffff:192.0.2.1") is an IPv6 address: it does NOT match an
//   IPv4 CIDR such as 192.0.2.0/24, exactly as in OpenSSH's addr_netmatch. sshd normalises the
//   peer address first (ipv64_normalise_mapped); callers do the same with unmap_ipv4_mapped().
// - Matching is linear-time per pattern (no exponential backtracking on many '*').
#pragma once

#include <string>
#include <string_view>

namespace wharf::conf {

// OpenSSH PATTERNS (ssh_config(5)): '*' matches any run of characters (possibly empty), '?'
// exactly one character; everything else matches itself, case-sensitively.
bool match_pattern(std::string_view s, std::string_view pattern);

// Comma-separated pattern list with '!' negation, OpenSSH match_pattern_list semantics:
// returns 1 on a positive match, -1 if a negated pattern matched (negation wins), 0 otherwise.
// With `lowercase_s`, both `s` and the patterns are compared in ASCII lowercase (OpenSSH
// lowercases the patterns and its callers lowercase the host name).
int match_pattern_list(std::string_view s, std::string_view list, bool lowercase_s = false);

// Address list: entries are patterns or CIDR (IPv4 and IPv6, e.g. 192.168.0.0/16, ::1/128),
// optional '!' negation. Returns 1, -1, 0 as above, or -2 if the list is malformed: an empty
// entry, a mask too long for the family, or host bits set below the mask ("10.0.0.1/8"), as
// OpenSSH addr_match_list does. An entry that is not an address is matched as a pattern against
// the address text. An `addr` that is not an address literal matches only patterns.
int match_address_list(std::string_view addr, std::string_view list);

// True if match_address_list can never return -2 for `list` (no empty entry, no inconsistent
// CIDR), whatever the address: how Match Address and from= lists are checked when loaded.
bool valid_address_list(std::string_view list);

// Validates a CIDR list (for config checking), as OpenSSH addr_match_cidr_list(NULL, list): true
// if every entry is an address or a CIDR network with no host bits set; no '!', no wildcards,
// no empty entries.
bool valid_cidr_list(std::string_view list);

// "::ffff:a.b.c.d" -> "a.b.c.d"; any other text is returned unchanged (sshd's
// ipv64_normalise_mapped, applied to the peer address before matching).
std::string unmap_ipv4_mapped(std::string_view addr);

}  // namespace wharf::conf
