// Server logging: one line per event through fmt, filtered by LogLevel (sshd's names).
// Lines go to stderr as "wharfd[pid]: LEVEL: message". Never pass a secret to these functions.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string_view>

namespace wharf::log {

enum class Level { kQuiet, kFatal, kError, kInfo, kVerbose, kDebug1, kDebug2, kDebug3 };

// Parses sshd's LogLevel names (case-insensitive; DEBUG means DEBUG1).
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

void set_level(Level level);
Level level();
inline bool enabled(Level l) { return l != Level::kQuiet && l <= level(); }

// Writes one line if `l` is enabled. Control characters in the message are escaped so that
// client-supplied text cannot forge log lines.
void write(Level l, std::string_view message);

template <typename... Args>
void at(Level l, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(l)) write(l, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void fatal(fmt::format_string<Args...> f, Args&&... a) {
  at(Level::kFatal, f, std::forward<Args>(a)...);
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... a) {
  at(Level::kError, f, std::forward<Args>(a)...);
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... a) {
  at(Level::kInfo, f, std::forward<Args>(a)...);
}
template <typename... Args>
void verbose(fmt::format_string<Args...> f, Args&&... a) {
  at(Level::kVerbose, f, std::forward<Args>(a)...);
}
template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... a) {
  at(Level::kDebug1, f, std::forward<Args>(a)...);
}
template <typename... Args>
void debug2(fmt::format_string<Args...> f, Args&&... a) {
  at(Level::kDebug2, f, std::forward<Args>(a)...);
}
template <typename... Args>
void debug3(fmt::format_string<Args...> f, Args&&... a) {
  at(Level::kDebug3, f, std::forward<Args>(a)...);
}

// Makes client-supplied text safe to log: non-printable bytes become \xNN, length is capped.
std::string sanitize(std::string_view text, size_t max = 256);

}  // namespace wharf::log
