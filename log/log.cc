#include "log/log.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cctype>
#include <string>

namespace wharf::log {

namespace {

std::atomic<Level> g_level{Level::kInfo};

struct Name {
  std::string_view name;
  Level level;
};

constexpr std::array<Name, 9> kNames = {{
    {"QUIET", Level::kQuiet},
    {"FATAL", Level::kFatal},
    {"ERROR", Level::kError},
    {"INFO", Level::kInfo},
    {"VERBOSE", Level::kVerbose},
    {"DEBUG", Level::kDebug1},
    {"DEBUG1", Level::kDebug1},
    {"DEBUG2", Level::kDebug2},
    {"DEBUG3", Level::kDebug3},
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  for (const auto& n : kNames) {
    if (iequals(name, n.name)) return n.level;
  }
  return std::nullopt;
}

std::string_view level_name(Level level) {
  for (const auto& n : kNames) {
    if (n.level == level) return n.name;
  }
  return "INFO";
}

void set_level(Level level) { g_level.store(level); }
Level level() { return g_level.load(); }

std::string sanitize(std::string_view text, size_t max) {
  std::string out;
  for (unsigned char c : text.substr(0, max)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

void write(Level l, std::string_view message) {
  if (!enabled(l)) return;
  std::string line = fmt::format("wharfd[{}]: {}: ", getpid(), level_name(l));
  for (unsigned char c : message) {
    // Newlines and other control bytes would let one event look like several.
    if (c < 0x20 || c == 0x7f) {
      line += fmt::format("\\x{:02x}", c);
    } else {
      line += static_cast<char>(c);
    }
  }
  line += '\n';
  // One write(2) per line so lines from several processes do not interleave.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace wharf::log
