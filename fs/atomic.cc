#include "fs/atomic.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "fs/fd.h"

namespace wharf::fs::atomic {
namespace {

Errno last_errno() { return Errno{errno ? errno : EIO}; }

bool is_hex_suffix(std::string_view s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Unlinks `entry` if it is a regular file nobody holds the lock of.
void remove_if_stale(int dir, const char* entry) {
  const int flags = O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  UniqueFd fd(::openat(dir, entry, O_RDONLY | flags));
  if (!fd.valid()) fd = UniqueFd(::openat(dir, entry, O_WRONLY | flags));  // a mode like 0200
  if (!fd.valid()) return;
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return;  // its owner is alive
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  if (st.st_size == 0 && now.tv_sec - st.st_ctim.tv_sec < 1) return;
  // Still the same file under that name (not one a live owner created meanwhile)?
  struct stat again;
  if (::fstatat(dir, entry, &again, AT_SYMLINK_NOFOLLOW) != 0 || again.st_ino != st.st_ino ||
      again.st_dev != st.st_dev) {
    return;
  }
  ::unlinkat(dir, entry, 0);
}

}  // namespace

bool is_temp_name(std::string_view entry) {
  const std::string_view marker = kTempMarker;
  if (entry.size() < 1 + marker.size() + 16 || entry[0] != '.') return false;
  std::string_view tail = entry.substr(entry.size() - 16 - marker.size());
  return tail.substr(0, marker.size()) == marker && is_hex_suffix(tail.substr(marker.size()));
}

std::string temp_name(const std::string& name, uint64_t nonce) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%s%016llx", kTempMarker,
                static_cast<unsigned long long>(nonce));
  std::string temp = "." + name + suffix;
  if (temp.size() > 255) temp = std::string(".upload") + suffix;
  return temp;
}

Status lock(int fd) {
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return last_errno();
  return {};
}

void remove_stale(int dir) {
  int list_fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (list_fd < 0) return;
  struct Closer {
    void operator()(DIR* d) const { ::closedir(d); }
  };
  std::unique_ptr<DIR, Closer> list(::fdopendir(list_fd));
  if (!list) {
    ::close(list_fd);
    return;
  }
  std::vector<std::string> stale;
  while (struct dirent* ent = ::readdir(list.get())) {
    if (is_temp_name(ent->d_name)) stale.emplace_back(ent->d_name);
  }
  for (const std::string& entry : stale) remove_if_stale(dir, entry.c_str());
}

Status copy_all(int from, int to) {
  loff_t in = 0, out = 0;
  for (;;) {
    ssize_t n = ::copy_file_range(from, &in, to, &out, 1 << 30, 0);
    if (n == 0) return {};
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS) {
      return last_errno();
    }
    break;  // not here: plain reads and writes
  }
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t got = ::pread(from, buf.data(), buf.size(), in);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return last_errno();
    if (got == 0) return {};
    for (ssize_t done = 0; done < got;) {
      ssize_t put = ::pwrite(to, buf.data() + done, static_cast<size_t>(got - done), out);
      if (put < 0 && errno == EINTR) continue;
      if (put <= 0) return put < 0 ? last_errno() : Status(Errno{ENOSPC});
      done += put;
      out += put;
    }
    in += got;
  }
}

}  // namespace wharf::fs::atomic
