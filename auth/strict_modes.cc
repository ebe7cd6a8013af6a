#include "auth/strict_modes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>
#include <variant>

namespace wharf::auth {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

KeyFileRead refused(std::string reason) {
  return {KeyFileRead::Status::kRefused, "", std::move(reason)};
}

KeyFileRead missing() { return {KeyFileRead::Status::kMissing, "", ""}; }

std::string errno_text(int e) { return std::strerror(e); }

std::optional<std::string> real_path(const std::string& p) {
  char* r = ::realpath(p.c_str(), nullptr);
  if (r == nullptr) return std::nullopt;
  std::string out(r);
  std::free(r);
  return out;
}

std::vector<std::string> components(const std::string& abs) {
  std::vector<std::string> out;
  size_t pos = 1;
  while (pos < abs.size()) {
    const size_t slash = abs.find('/', pos);
    const size_t end = slash == std::string::npos ? abs.size() : slash;
    if (end > pos) out.push_back(abs.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

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

struct Checked {
  std::string path;
  struct stat st;
};

// Opens every directory of `real` from '/' with O_NOFOLLOW, recording each fstat().
// Returns the descriptor of the last directory, or a KeyFileRead on failure.
std::variant<Fd, KeyFileRead> open_dirs(const std::vector<std::string>& parts,
                                        std::vector<Checked>& dirs) {
  Fd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  Checked root{"/", {}};
  if (dir.get() < 0 || ::fstat(dir.get(), &root.st) != 0) return refused("cannot open /");
  dirs.push_back(root);
  std::string path;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += "/" + parts[i];
    Fd next(::openat(dir.get(), parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    Checked c{path, {}};
    if (next.get() < 0 || ::fstat(next.get(), &c.st) != 0) {
      const int e = errno;
      if (e == ENOENT) return missing();
      return refused("cannot open directory " + path + ": " + errno_text(e));
    }
    dirs.push_back(c);
    dir = std::move(next);
  }
  return dir;
}

// The StrictModes and readability checks on the opened file and its directories.
std::string check(const Checked& file, const std::vector<Checked>& dirs, const FileOwner& owner,
                  const std::optional<std::string>& home, bool strict_modes) {
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
    for (const Checked& d : dirs) {
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
  const std::optional<std::string> real = real_path(path);
  if (!real) {
    const int e = errno;
    if (e == ENOENT) return missing();
    return refused("cannot resolve " + path + ": " + errno_text(e));
  }
  const std::vector<std::string> parts = components(*real);
  if (parts.empty()) return refused("not a regular file: " + *real);
  std::vector<Checked> dirs;
  auto opened = open_dirs(parts, dirs);
  if (auto* r = std::get_if<KeyFileRead>(&opened)) return std::move(*r);
  const Fd& dir = std::get<Fd>(opened);

  // Check the type before opening, so a FIFO or device is never opened; then compare.
  Checked file{*real, {}};
  if (::fstatat(dir.get(), parts.back().c_str(), &file.st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? missing() : refused("cannot stat " + *real);
  }
  if (!S_ISREG(file.st.st_mode)) return refused("not a regular file: " + *real);
  Fd fd(::openat(dir.get(), parts.back().c_str(),
                 O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  struct stat st;
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    return refused("cannot open " + *real + ": " + errno_text(errno));
  }
  if (!S_ISREG(st.st_mode) || st.st_dev != file.st.st_dev || st.st_ino != file.st.st_ino) {
    return refused("file changed while being opened: " + *real);
  }
  file.st = st;
  const std::optional<std::string> home = owner.home.empty() ? std::nullopt : real_path(owner.home);
  if (std::string why = check(file, dirs, owner, home, strict_modes); !why.empty()) {
    return refused(std::move(why));
  }
  return read_bounded(fd.get(), *real, max_size);
}

}  // namespace wharf::auth
