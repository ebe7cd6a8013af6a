// Attribute changes on a descriptor that may be O_PATH (no path is re-resolved, so no race).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace wharf::fs::fdops {

int chmod(int fd, mode_t mode);
int utimes(int fd, int64_t atime, int64_t mtime);
int chown(int fd, uid_t uid, gid_t gid);
// Reads the kernel's path of `fd` (/proc/self/fd); empty if /proc is unavailable.
std::string kernel_path(int fd);

}  // namespace wharf::fs::fdops
