// Scalar value syntaxes; see values.h.
#include "conf/values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <climits>

#include "conf/errors.h"

namespace wharf::conf {
namespace {

[[noreturn]] void bad(std::string_view what, std::string_view value, std::string_view why) {
  throw ConfigError(std::string(what) + ": invalid value \"" + std::string(value) + "\" (" +
                    std::string(why) + ")");
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Parses decimal digits into a value no larger than `max`; false on overflow or non-digits.
bool decimal(std::string_view s, uint64_t max, uint64_t& out) {
  if (!all_digits(s)) return false;
  uint64_t v = 0;
  for (char c : s) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

struct LevelName {
  const char* name;
  LogLevel level;
};
constexpr LevelName kLevels[] = {
    {"QUIET", LogLevel::kQuiet},   {"FATAL", LogLevel::kFatal},     {"ERROR", LogLevel::kError},
    {"INFO", LogLevel::kInfo},     {"VERBOSE", LogLevel::kVerbose}, {"DEBUG1", LogLevel::kDebug1},
    {"DEBUG2", LogLevel::kDebug2}, {"DEBUG3", LogLevel::kDebug3},   {"DEBUG", LogLevel::kDebug1},
};

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool parse_yes_no(std::string_view s, std::string_view what) {
  if (iequals(s, "yes")) return true;
  if (iequals(s, "no")) return false;
  bad(what, s, "expected yes or no");
}

int parse_int(std::string_view s, int min, int max, std::string_view what) {
  uint64_t v = 0;
  if (!decimal(s, static_cast<uint64_t>(INT_MAX), v)) bad(what, s, "not a number");
  if (static_cast<int64_t>(v) < min || static_cast<int64_t>(v) > max) {
    bad(what, s, "out of range " + std::to_string(min) + ".." + std::to_string(max));
  }
  return static_cast<int>(v);
}

int parse_time(std::string_view s, std::string_view what) {
  if (s.empty()) bad(what, s, "empty time");
  uint64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    uint64_t n = 0;
    if (!decimal(s.substr(i, j - i), INT_MAX, n)) bad(what, s, "bad time format");
    uint64_t mult = 1;
    if (j < s.size()) {
      switch (s[j]) {
        case 's':
        case 'S':
          mult = 1;
          break;
        case 'm':
        case 'M':
          mult = 60;
          break;
        case 'h':
        case 'H':
          mult = 3600;
          break;
        case 'd':
        case 'D':
          mult = 86400;
          break;
        case 'w':
        case 'W':
          mult = 604800;
          break;
        default:
          bad(what, s, "bad time unit");
      }
      ++j;
    }  // no unit: seconds, also after other units ("1m30" = 90, as sshd convtime)
    total += n * mult;
    if (total > INT_MAX) bad(what, s, "time too large");
    i = j;
  }
  return static_cast<int>(total);
}

std::string format_time(int seconds) {
  if (seconds <= 0) return "0";
  return std::to_string(seconds);
}

uint64_t parse_size(std::string_view s, std::string_view what) {
  uint64_t mult = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 'k':
      case 'K':
        mult = 1ull << 10;
        break;
      case 'm':
      case 'M':
        mult = 1ull << 20;
        break;
      case 'g':
      case 'G':
        mult = 1ull << 30;
        break;
      default:
        break;
    }
    if (mult != 1) s.remove_suffix(1);
  }
  uint64_t v = 0;
  if (!decimal(s, (1ull << 62) / mult, v)) bad(what, s, "bad size");
  return v * mult;
}

uint32_t parse_octal(std::string_view s, uint32_t max, std::string_view what) {
  if (s.empty() || s.size() > 12 || s.find_first_not_of("01234567") != std::string_view::npos) {
    bad(what, s, "not an octal number");
  }
  uint64_t v = 0;
  for (char c : s) v = v * 8 + static_cast<uint64_t>(c - '0');
  if (v > max) bad(what, s, "out of range");
  return static_cast<uint32_t>(v);
}

std::string format_octal(uint32_t v) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + (v & 7)));
    v >>= 3;
  } while (v);
  while (out.size() < 4) out.insert(out.begin(), '0');
  return out;
}

int parse_port(std::string_view s, std::string_view what) { return parse_int(s, 1, 65535, what); }

ListenAddress parse_listen_address(std::string_view s) {
  ListenAddress a;
  std::string_view port;
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) bad("ListenAddress", s, "missing ']'");
    a.host = std::string(s.substr(1, close - 1));
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') bad("ListenAddress", s, "expected ':' after ']'");
      port = rest.substr(1);
      if (port.empty()) bad("ListenAddress", s, "missing port");
    }
    unsigned char buf[16];
    if (inet_pton(AF_INET6, a.host.c_str(), buf) != 1) {
      bad("ListenAddress", s, "not an IPv6 address in brackets");
    }
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    size_t colon = s.find(':');
    a.host = std::string(s.substr(0, colon));
    port = s.substr(colon + 1);
    if (port.empty()) bad("ListenAddress", s, "missing port");
  } else {
    a.host = std::string(s);  // a host name, an IPv4 address or a bare IPv6 address
    unsigned char buf[16];
    if (a.host.find(':') != std::string::npos && inet_pton(AF_INET6, a.host.c_str(), buf) != 1) {
      bad("ListenAddress", s, "not an IPv6 address");
    }
  }
  if (a.host.empty()) bad("ListenAddress", s, "missing address");
  if (a.host.size() > 255 ||
      a.host.find_first_not_of(
          "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.:-_") !=
          std::string::npos) {
    bad("ListenAddress", s, "not an address or host name");
  }
  if (!port.empty()) a.port = parse_port(port, "ListenAddress port");
  return a;
}

std::string format_listen_address(const ListenAddress& a) {
  bool v6 = a.host.find(':') != std::string::npos;
  if (a.port == 0) return v6 ? "[" + a.host + "]" : a.host;
  return (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

LogLevel parse_log_level(std::string_view s) {
  for (const auto& l : kLevels) {
    if (iequals(s, l.name)) return l.level;
  }
  bad("LogLevel", s, "expected QUIET FATAL ERROR INFO VERBOSE DEBUG DEBUG1 DEBUG2 DEBUG3");
}

const char* log_level_name(LogLevel level) {
  for (const auto& l : kLevels) {
    if (l.level == level) return l.name;
  }
  return "INFO";
}

}  // namespace wharf::conf
