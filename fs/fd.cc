#include "fs/fd.h"

#include <fcntl.h>
#include <sys/syscall.h>

#include <cerrno>

namespace wharf::fs {

int openat2_confined(int root_fd, const char* path, int flags, unsigned mode) {
  struct open_how how = {};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = kConfined;
  // EAGAIN means a concurrent rename made the kernel unsure a ".." stayed inside; it asks the
  // caller to retry (openat2(2)). Bounded, then reported as is.
  for (int attempt = 0; attempt < 64; ++attempt) {
    long fd = ::syscall(SYS_openat2, root_fd, path, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != EAGAIN) return -1;
  }
  return -1;
}

}  // namespace wharf::fs
