#include "sftp/names.h"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace wharf::sftp {

const std::optional<std::string>& NameCache::user(uid_t uid) {
  auto it = users_.find(uid);
  if (it != users_.end()) return it->second;
  if (users_.size() > 4096) users_.clear();
  struct passwd pw, *res = nullptr;
  std::vector<char> buf(16384);
  std::optional<std::string> name;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &res) == 0 && res) name = res->pw_name;
  return users_.emplace(uid, std::move(name)).first->second;
}

const std::optional<std::string>& NameCache::group(gid_t gid) {
  auto it = groups_.find(gid);
  if (it != groups_.end()) return it->second;
  if (groups_.size() > 4096) groups_.clear();
  struct group gr, *res = nullptr;
  std::vector<char> buf(16384);
  std::optional<std::string> name;
  if (::getgrgid_r(gid, &gr, buf.data(), buf.size(), &res) == 0 && res) name = res->gr_name;
  return groups_.emplace(gid, std::move(name)).first->second;
}

std::string mode_string(mode_t mode) {
  std::string s(11, '-');
  switch (mode & S_IFMT) {
    case S_IFDIR:
      s[0] = 'd';
      break;
    case S_IFCHR:
      s[0] = 'c';
      break;
    case S_IFBLK:
      s[0] = 'b';
      break;
    case S_IFREG:
      s[0] = '-';
      break;
    case S_IFLNK:
      s[0] = 'l';
      break;
    case S_IFSOCK:
      s[0] = 's';
      break;
    case S_IFIFO:
      s[0] = 'p';
      break;
    default:
      s[0] = '?';
      break;
  }
  const char rwx[] = "rwx";
  for (int i = 0; i < 9; ++i) {
    if (mode & (0400 >> i)) s[1 + i] = rwx[i % 3];
  }
  auto special = [&](int pos, mode_t bit, char lower, char upper) {
    if (mode & bit) s[pos] = s[pos] == '-' ? upper : lower;
  };
  special(3, S_ISUID, 's', 'S');
  special(6, S_ISGID, 's', 'S');
  special(9, S_ISVTX, 't', 'T');
  s[10] = ' ';
  return s;
}

std::string long_name(std::string_view name, const struct stat& st, NameCache& names, time_t now) {
  std::string user = names.user(st.st_uid).value_or(std::to_string(st.st_uid));
  std::string group = names.group(st.st_gid).value_or(std::to_string(st.st_gid));
  char date[32] = "";
  struct tm tm;
  time_t mtime = st.st_mtime;
  if (::localtime_r(&mtime, &tm) != nullptr) {
    bool recent = now - (365 * 24 * 60 * 60) / 2 < mtime && now >= mtime;
    if (std::strftime(date, sizeof date, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm) == 0) {
      date[0] = '\0';
    }
  }
  int ulen = static_cast<int>(std::max<size_t>(user.size(), 8));
  int glen = static_cast<int>(std::max<size_t>(group.size(), 8));
  char head[512];
  std::snprintf(head, sizeof head, "%s %3u %-*s %-*s %8llu %s ", mode_string(st.st_mode).c_str(),
                static_cast<unsigned>(st.st_nlink), ulen, user.c_str(), glen, group.c_str(),
                static_cast<unsigned long long>(st.st_size), date);
  std::string out(head);
  out.append(name);
  return out;
}

}  // namespace wharf::sftp
