// expiry-time="YYYYMMDD[HHMM[SS]][Z]" (sshd(8); OpenSSH misc.c parse_absolute_time).
#include <ctime>
#include <optional>
#include <string_view>

#include "auth/key_options.h"

namespace wharf::auth {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::optional<int64_t> parse_expiry_time(std::string_view value) {
  bool utc = false;
  if (!value.empty() && (value.back() == 'Z' || value.back() == 'z')) {
    utc = true;
    value.remove_suffix(1);
  }
  if (value.size() != 8 && value.size() != 12 && value.size() != 14) return std::nullopt;
  int year, mon, day, hour = 0, min = 0, sec = 0;
  if (!digits(value, 0, 4, year) || !digits(value, 4, 2, mon) || !digits(value, 6, 2, day)) {
    return std::nullopt;
  }
  if (value.size() >= 12 && (!digits(value, 8, 2, hour) || !digits(value, 10, 2, min))) {
    return std::nullopt;
  }
  if (value.size() == 14 && !digits(value, 12, 2, sec)) return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) || hour > 23 || min > 59 ||
      sec > 60) {
    return std::nullopt;
  }
  if (utc) return days_from_civil(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;  // local time, daylight saving as the zone says (as sshd's mktime)
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<int64_t>(t);
}

}  // namespace wharf::auth
