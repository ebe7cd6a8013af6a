// `ls -l` style long names as OpenSSH's sftp-server writes them in READDIR replies
// (sftp-common.c ls_file with remote=0), and a small uid/gid -> name cache.
#pragma once

#include <sys/stat.h>

#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wharf::sftp {

class NameCache {
 public:
  // The account name, or std::nullopt when the id has none.
  const std::optional<std::string>& user(uid_t uid);
  const std::optional<std::string>& group(gid_t gid);

 private:
  std::map<uid_t, std::optional<std::string>> users_;
  std::map<gid_t, std::optional<std::string>> groups_;
};

// "drwxr-xr-x" plus the trailing space BSD strmode(3) adds.
std::string mode_string(mode_t mode);

// e.g. "-rw-r--r--    1 alice    staff        1234 Jan  2 15:04 name"; dates older than six months
// (or in the future) show the year instead of the time.
std::string long_name(std::string_view name, const struct stat& st, NameCache& names, time_t now);

}  // namespace wharf::sftp
