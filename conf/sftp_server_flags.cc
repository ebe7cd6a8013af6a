#include "conf/sftp_server_flags.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace wharf::conf {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// sftp-server's log_level_number() and log_facility_number() names.
bool is_log_level(const std::string& v) {
  static constexpr std::array<const char*, 9> kLevels = {
      "QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"};
  return std::find(kLevels.begin(), kLevels.end(), v) != kLevels.end();
}

bool is_log_facility(const std::string& v) {
  static constexpr std::array<const char*, 12> kFacilities = {
      "DAEMON", "USER",   "AUTH",   "AUTHPRIV", "LOCAL0", "LOCAL1",
      "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5",   "LOCAL6", "LOCAL7"};
  return std::find(kFacilities.begin(), kFacilities.end(), v) != kFacilities.end();
}

std::vector<std::string> request_list(const std::string& list) {
  std::vector<std::string> names;
  size_t i = 0;
  while (i <= list.size()) {
    size_t comma = std::min(list.find(',', i), list.size());
    if (comma > i) names.push_back(list.substr(i, comma - i));
    i = comma + 1;
  }
  return names;
}

}  // namespace

std::optional<std::string> parse_sftp_server_flags(const std::vector<std::string>& args,
                                                   SftpServerFlags& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-R") {
      out.read_only = true;
      continue;
    }
    if (flag == "-e" || flag == "-h") continue;  // logging to stderr; help (never served)
    bool takes_value = flag == "-u" || flag == "-p" || flag == "-P" || flag == "-d" ||
                       flag == "-f" || flag == "-l";
    if (!takes_value) return "internal-sftp: unsupported flag " + flag;
    if (i + 1 >= args.size()) return "internal-sftp: " + flag + " needs a value";
    const std::string& v = args[++i];
    if (flag == "-u") {
      unsigned mask = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), mask, 8);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size() || mask > 0777) {
        return "internal-sftp: bad umask " + v;
      }
      out.umask = mask;
    } else if (flag == "-p") {
      out.allowed = request_list(v);
    } else if (flag == "-P") {
      auto names = request_list(v);
      out.denied.insert(out.denied.end(), names.begin(), names.end());
    } else if (flag == "-d") {
      if (!expand_start_directory(v, "/", "u")) {
        return "internal-sftp: bad start directory " + v + " (only %d, %u and %% expand)";
      }
      out.start_directory = v;
    } else if (flag == "-l") {
      if (!is_log_level(upper(v))) return "internal-sftp: bad log level " + v;
      out.log_level = upper(v);
    } else if (!is_log_facility(upper(v))) {
      return "internal-sftp: bad log facility " + v;
    }
  }
  return std::nullopt;
}

std::optional<std::string> expand_start_directory(const std::string& pattern,
                                                  const std::string& home,
                                                  const std::string& user) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    if (++i == pattern.size()) return std::nullopt;
    switch (pattern[i]) {
      case 'd':
        out += home;
        break;
      case 'u':
        out += user;
        break;
      case '%':
        out += '%';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

}  // namespace wharf::conf
