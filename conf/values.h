// Scalar value syntaxes of sshd_config(5). Each parser throws ConfigError (no location; the
// loader adds it) naming what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "conf/settings.h"

namespace wharf::conf {

// "yes" / "no", case-insensitive.
bool parse_yes_no(std::string_view s, std::string_view what);
// A decimal integer in [min, max].
int parse_int(std::string_view s, int min, int max, std::string_view what);
// sshd TIME FORMATS: "120", "2m", "1h30m", units s m h d w (either case); at most INT_MAX s.
int parse_time(std::string_view s, std::string_view what);
std::string format_time(int seconds);  // "1h30m" style, "0" for zero
// A byte count with optional K, M or G suffix (powers of 1024).
uint64_t parse_size(std::string_view s, std::string_view what);
// An octal mode or mask, at most `max`.
uint32_t parse_octal(std::string_view s, uint32_t max, std::string_view what);
std::string format_octal(uint32_t v);  // "0022" style
// A TCP port 1..65535.
int parse_port(std::string_view s, std::string_view what);
// ListenAddress: "addr", "addr:port", "[v6]" or "[v6]:port"; a bare IPv6 address is allowed.
ListenAddress parse_listen_address(std::string_view s);
std::string format_listen_address(const ListenAddress& a);

LogLevel parse_log_level(std::string_view s);
const char* log_level_name(LogLevel l);

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

}  // namespace wharf::conf
