#include "fs/fdops.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

namespace wharf::fs::fdops {
namespace {

std::string proc_path(int fd) {
  if (testing::pre_6_6_chroot) return "/nonexistent-proc/self/fd/" + std::to_string(fd);
  return "/proc/self/fd/" + std::to_string(fd);
}

// Applies `change` to a directory's O_PATH descriptor opened for real through ".", when /proc
// is missing. Anything else fails with ENOENT, for the caller to reopen by path.
template <typename Change>
int through_reopened_directory(int fd, Change change) {
  int dir = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dir < 0) {
    errno = ENOENT;
    return -1;
  }
  int rc = change(dir);
  int saved = errno;
  ::close(dir);
  errno = saved;
  return rc;
}

}  // namespace

namespace testing {
bool pre_6_6_chroot = false;
}  // namespace testing

int chmod(int fd, mode_t mode) {
  // fchmodat2(AT_EMPTY_PATH) works on O_PATH descriptors (Linux 6.6+); fchmod works on ordinary
  // ones; older kernels fall back to the /proc magic link of our own descriptor.
  if (!testing::pre_6_6_chroot) {
    if (::syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0) return 0;
    if (errno != ENOSYS && errno != EINVAL && errno != EBADF) return -1;
  }
  if (::fchmod(fd, mode) == 0) return 0;
  if (errno != EBADF) return -1;
  if (::fchmodat(AT_FDCWD, proc_path(fd).c_str(), mode, 0) == 0) return 0;
  if (errno != ENOENT) return -1;
  return through_reopened_directory(fd, [mode](int dir) { return ::fchmod(dir, mode); });
}

int utimes(int fd, int64_t atime, int64_t mtime) {
  struct timespec ts[2] = {{static_cast<time_t>(atime), 0}, {static_cast<time_t>(mtime), 0}};
  if (!testing::pre_6_6_chroot) {
    if (::utimensat(fd, "", ts, AT_EMPTY_PATH) == 0) return 0;
    if (errno != EINVAL && errno != EBADF) return -1;
  }
  if (::futimens(fd, ts) == 0) return 0;
  if (errno != EBADF) return -1;
  if (::utimensat(AT_FDCWD, proc_path(fd).c_str(), ts, 0) == 0) return 0;
  if (errno != ENOENT) return -1;
  return through_reopened_directory(fd, [&ts](int dir) { return ::futimens(dir, ts); });
}

int chown(int fd, uid_t uid, gid_t gid) { return ::fchownat(fd, "", uid, gid, AT_EMPTY_PATH); }

std::string kernel_path(int fd) {
  char buf[4097];
  ssize_t n = ::readlink(proc_path(fd).c_str(), buf, sizeof buf - 1);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf - 1) return {};
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace wharf::fs::fdops
