#include "auth/virtual_users.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_set>

namespace wharf::auth {
namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> f;
  for (int i = 0; i < 5; ++i) {  // the sixth field (comment) keeps any further ':'
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) break;
    f.push_back(line.substr(0, colon));
    line.remove_prefix(colon + 1);
  }
  f.push_back(line);
  return f;
}

std::optional<uint32_t> parse_id(std::string_view s) {
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v == UINT32_MAX) {
    return std::nullopt;
  }
  return v;
}

// Checks the hash's scheme and shape; Botan does the real parsing when verifying.
bool valid_hash(std::string_view h) {
  if (h.empty()) return true;
  for (char c : h) {
    if (!std::isgraph(static_cast<unsigned char>(c))) return false;
  }
  if (h.starts_with("$argon2id$")) return h.size() < 512;
  const bool bcrypt_prefix =
      h.starts_with("$2a$") || h.starts_with("$2b$") || h.starts_with("$2y$");
  return bcrypt_prefix && h.size() == 60;  // $2b$NN$ + 22 salt + 31 hash characters
}

// Parses one non-blank, non-comment line. Returns an error message or "".
std::string parse_entry(std::string_view line, User& u) {
  const std::vector<std::string_view> f = split_fields(line);
  if (f.size() < 5) return "expected name:password-hash:uid:gid:home[:comment]";
  if (!valid_user_name(f[0])) return "invalid user name";
  u.name = std::string(f[0]);
  if (!valid_hash(f[1])) return "unsupported password hash (use wharf-passwd for Argon2id)";
  u.password_hash = std::string(f[1]);
  u.has_password_hash = !f[1].empty();
  if (f[2].empty() != f[3].empty()) return "uid and gid must be given together";
  u.has_ids = !f[2].empty();
  if (u.has_ids) {
    const auto uid = parse_id(f[2]);
    const auto gid = parse_id(f[3]);
    if (!uid) return "invalid uid";
    if (!gid) return "invalid gid";
    u.uid = *uid;
    u.gid = *gid;
    u.groups = {u.gid};
  }
  const std::string_view home = f[4];
  if (home.empty() || home[0] != '/') return "home must be an absolute path";
  u.home = std::string(home);
  u.is_virtual = true;
  return "";
}

}  // namespace

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserName || name[0] == '-') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' &&
        c != '@') {
      return false;
    }
  }
  return true;
}

const User* VirtualUsers::find(std::string_view name) const {
  for (const User& u : users) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

VirtualUsers parse_virtual_users(std::string_view content, const std::string& filename) {
  VirtualUsers out;
  auto error = [&](size_t line, const std::string& msg) {
    out.errors.push_back(filename + ":" + std::to_string(line) + ": " + msg);
  };
  if (content.size() > kMaxVirtualUsersFile) {
    error(0, "file too large");
    return out;
  }
  std::unordered_set<std::string> names;
  size_t n = 0;
  while (!content.empty()) {
    ++n;
    const size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxVirtualUsersLine) {
      error(n, "line too long");
      continue;
    }
    if (line.find('\0') != std::string_view::npos) {
      error(n, "line contains a NUL byte");
      continue;
    }
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    User u;
    if (std::string err = parse_entry(line, u); !err.empty()) {
      error(n, err);
      continue;
    }
    if (!names.insert(u.name).second) {
      error(n, "duplicate user \"" + u.name + "\"");
      continue;
    }
    if (out.users.size() == kMaxVirtualUsers) {
      error(n, "too many users");
      break;
    }
    u.group_names = group_names_of(u.groups);
    out.users.push_back(std::move(u));
  }
  return out;
}

VirtualUsers load_virtual_users(const std::string& path) {
  VirtualUsers fail;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    fail.errors.push_back(path + ": cannot open: " + std::strerror(errno));
    return fail;
  }
  struct stat st;
  std::string content;
  std::string problem;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    problem = "not a regular file";
  } else {
    char buf[16384];
    ssize_t r;
    while ((r = ::read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
      if (r < 0) continue;
      content.append(buf, static_cast<size_t>(r));
      if (content.size() > kMaxVirtualUsersFile) break;
    }
    if (r < 0) problem = std::string("read error: ") + std::strerror(errno);
  }
  ::close(fd);
  if (!problem.empty()) {
    fail.errors.push_back(path + ": " + problem);
    return fail;
  }
  return parse_virtual_users(content, path);
}

}  // namespace wharf::auth
