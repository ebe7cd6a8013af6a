#include "auth/users.h"

#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace wharf::auth {
namespace {

// Calls a *_r lookup with a growing buffer until it fits (bounded by kMaxPasswdBuffer).
template <typename Entry, typename Fn>
bool lookup_r(Fn&& fn, Entry& entry, std::vector<char>& buf) {
  buf.resize(1024);
  while (true) {
    Entry* result = nullptr;
    const int rc = fn(&entry, buf.data(), buf.size(), &result);
    if (rc == ERANGE && buf.size() < kMaxPasswdBuffer) {
      buf.resize(buf.size() * 2);
      continue;
    }
    return rc == 0 && result != nullptr;
  }
}

std::vector<gid_t> groups_of(const char* name, gid_t primary) {
  int n = 64;
  std::vector<gid_t> gids;
  while (true) {
    gids.resize(static_cast<size_t>(n));
    int count = n;
    if (::getgrouplist(name, primary, gids.data(), &count) >= 0) {
      gids.resize(static_cast<size_t>(count));
      break;
    }
    if (count <= n || static_cast<size_t>(count) > kMaxGroups) {
      gids.assign(1, primary);
      break;
    }
    n = count;
  }
  return gids;
}

// Shadow: locked ("!" prefix, sshd's LOCKED_PASSWD_PREFIX on Linux), expired (sp_expire, in
// days since the epoch, is today or earlier, as pam_unix), usable password.
void read_shadow(User& u) {
  struct spwd sp;
  std::vector<char> buf;
  const bool found =
      lookup_r([&](struct spwd* e, char* b, size_t n,
                   struct spwd** r) { return ::getspnam_r(u.name.c_str(), e, b, n, r); },
               sp, buf);
  if (!found) return;
  const long today = static_cast<long>(::time(nullptr) / 86400);
  u.expired = sp.sp_expire >= 0 && today >= sp.sp_expire;  // -1: no expiry date
  if (sp.sp_pwdp == nullptr) return;
  const std::string_view hash = sp.sp_pwdp;
  u.locked = hash.starts_with("!");
  u.has_password_hash = !hash.empty() && hash[0] == '$' && !u.locked;
}

}  // namespace

std::vector<std::string> group_names_of(const std::vector<gid_t>& gids) {
  std::vector<std::string> names;
  for (gid_t g : gids) {
    struct group gr;
    std::vector<char> buf;
    const bool found = lookup_r([&](struct group* e, char* b, size_t n,
                                    struct group** r) { return ::getgrgid_r(g, e, b, n, r); },
                                gr, buf);
    if (found && gr.gr_name != nullptr) names.emplace_back(gr.gr_name);
  }
  return names;
}

std::optional<User> lookup_system_user(const std::string& name) {
  if (name.empty() || name.find('\0') != std::string::npos) return std::nullopt;
  struct passwd pw;
  std::vector<char> buf;
  const bool found =
      lookup_r([&](struct passwd* e, char* b, size_t n,
                   struct passwd** r) { return ::getpwnam_r(name.c_str(), e, b, n, r); },
               pw, buf);
  if (!found) return std::nullopt;
  User u;
  u.name = pw.pw_name;
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  u.home = pw.pw_dir != nullptr ? pw.pw_dir : "";
  u.shell = pw.pw_shell != nullptr ? pw.pw_shell : "";
  u.groups = groups_of(pw.pw_name, pw.pw_gid);
  u.group_names = group_names_of(u.groups);
  if (::geteuid() == 0) read_shadow(u);
  return u;
}

}  // namespace wharf::auth
