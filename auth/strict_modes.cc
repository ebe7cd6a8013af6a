#include "auth/strict_modes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "fs/host_path.h"

namespace wharf::auth {
namespace {

KeyFileRead refused(std::string reason) {
  return {KeyFileRead::Status::kRefused, "", std::move(reason)};
}

KeyFileRead missing() { return {KeyFileRead::Status::kMissing, "", ""}; }

std::string errno_text(int e) { return std::strerror(e); }

// sshd safe_path: owned by root or the user, not writable by group or others.
bool safe_mode(const struct stat& st, uid_t uid) {
  return (st.st_uid == 0 || st.st_uid == uid) && (st.st_mode & 022) == 0;
}

// Whether the user has a permission by the mode bits (owner class, else group, else other).
bool user_may(const struct stat& st, const FileOwner& o, mode_t usr, mode_t grp, mode_t oth) {
  if (st.st_uid == o.uid) return (st.st_mode & usr) != 0;
  if (st.st_gid == o.gid ||
      std::find(o.groups.begin(), o.groups.end(), st.st_gid) != o.groups.end()) {
    return (st.st_mode & grp) != 0;
  }
  return (st.st_mode & oth) != 0;
}

// The StrictModes and readability checks on the opened file and its directories.
std::string check(const fs::HostDir& file, const std::vector<fs::HostDir>& dirs,
                  const FileOwner& owner, const std::optional<std::string>& home,
                  bool strict_modes) {
  if (strict_modes) {
    if (!safe_mode(file.st, owner.uid)) return "bad ownership or modes for file " + file.path;
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
      if (!safe_mode(it->st, owner.uid)) {
        return "bad ownership or modes for directory " + it->path;
      }
      if (home && it->path == *home) break;  // directories above the home are not checked
    }
  }
  if (::geteuid() == 0 && owner.uid != 0) {  // reading on the user's behalf
    if (!user_may(file.st, owner, S_IRUSR, S_IRGRP, S_IROTH)) {
      return "file " + file.path + " is not readable by the user";
    }
    for (const fs::HostDir& d : dirs) {
      if (!user_may(d.st, owner, S_IXUSR, S_IXGRP, S_IXOTH)) {
        return "directory " + d.path + " is not searchable by the user";
      }
    }
  }
  return "";
}

KeyFileRead read_bounded(int fd, const std::string& path, size_t max_size) {
  KeyFileRead out{KeyFileRead::Status::kOk, "", ""};
  char buf[16384];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return refused("cannot read " + path + ": " + errno_text(errno));
    if (n == 0) return out;
    if (out.content.size() + static_cast<size_t>(n) > max_size) {
      return refused("file " + path + " is larger than " + std::to_string(max_size) + " bytes");
    }
    out.content.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

KeyFileRead read_key_file(const std::string& path, const FileOwner& owner, bool strict_modes,
                          size_t max_size) {
  if (path.empty() || path[0] != '/') return refused("key file path is not absolute: " + path);
  const std::optional<fs::RealPath> real = fs::real_path(path);
  if (!real) {
    const int e = errno;
    if (e == ENOENT) return missing();
    return refused("cannot resolve " + path + ": " + errno_text(e));
  }
  const std::vector<std::string>& parts = real->names;
  if (parts.empty()) return refused("not a regular file: " + real->path);
  const fs::DirChain chain = fs::open_dir_chain(parts, parts.size() - 1);
  if (chain.error != 0) {
    if (chain.failed == "/") return refused("cannot open /");
    if (chain.error == ENOENT) return missing();
    return refused("cannot open directory " + chain.failed + ": " + errno_text(chain.error));
  }
  const fs::UniqueFd& dir = chain.last;

  // Check the type before opening, so a FIFO or device is never opened; then compare.
  fs::HostDir file{real->path, {}};
  if (::fstatat(dir.get(), parts.back().c_str(), &file.st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? missing() : refused("cannot stat " + real->path);
  }
  if (!S_ISREG(file.st.st_mode)) return refused("not a regular file: " + real->path);
  fs::UniqueFd fd(::openat(dir.get(), parts.back().c_str(),
                           O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  struct stat st;
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    return refused("cannot open " + real->path + ": " + errno_text(errno));
  }
  if (!S_ISREG(st.st_mode) || st.st_dev != file.st.st_dev || st.st_ino != file.st.st_ino) {
    return refused("file changed while being opened: " + real->path);
  }
  file.st = st;
  std::optional<std::string> home;
  if (!owner.home.empty()) {
    if (auto h = fs::real_path(owner.home)) home = std::move(h->path);
  }
  if (std::string why = check(file, chain.dirs, owner, home, strict_modes); !why.empty()) {
    return refused(std::move(why));
  }
  return read_bounded(fd.get(), real->path, max_size);
}

}  // namespace wharf::auth
