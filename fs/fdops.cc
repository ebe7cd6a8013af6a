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

std::string proc_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

}  // namespace

int chmod(int fd, mode_t mode) {
  // fchmodat2(AT_EMPTY_PATH) works on O_PATH descriptors (Linux 6.6+); fchmod works on ordinary
  // ones; older kernels fall back to the /proc magic link of our own descriptor.
  if (::syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0) return 0;
  if (errno != ENOSYS && errno != EINVAL && errno != EBADF) return -1;
  if (::fchmod(fd, mode) == 0) return 0;
  if (errno != EBADF) return -1;
  return ::fchmodat(AT_FDCWD, proc_path(fd).c_str(), mode, 0);
}

int utimes(int fd, int64_t atime, int64_t mtime) {
  struct timespec ts[2] = {{static_cast<time_t>(atime), 0}, {static_cast<time_t>(mtime), 0}};
  if (::utimensat(fd, "", ts, AT_EMPTY_PATH) == 0) return 0;
  if (errno != EINVAL && errno != EBADF) return -1;
  if (::futimens(fd, ts) == 0) return 0;
  if (errno != EBADF) return -1;
  return ::utimensat(AT_FDCWD, proc_path(fd).c_str(), ts, 0);
}

int chown(int fd, uid_t uid, gid_t gid) { return ::fchownat(fd, "", uid, gid, AT_EMPTY_PATH); }

std::string kernel_path(int fd) {
  char buf[4097];
  ssize_t n = ::readlink(proc_path(fd).c_str(), buf, sizeof buf - 1);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf - 1) return {};
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace wharf::fs::fdops
