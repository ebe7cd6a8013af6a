// Attribute changes on a descriptor that may be O_PATH (no path is re-resolved, so no race).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace wharf::fs::fdops {

// On an O_PATH descriptor these need fchmodat2 (Linux 6.6+) or utimensat(AT_EMPTY_PATH), else
// /proc, which a chrooted session lacks: a directory is then reopened through "." and anything
// else fails with ENOENT, for the caller to reopen by path (Root::apply_attrs).
int chmod(int fd, mode_t mode);
int utimes(int fd, int64_t atime, int64_t mtime);
int chown(int fd, uid_t uid, gid_t gid);
// Reads the kernel's path of `fd` (/proc/self/fd); empty if /proc is unavailable.
std::string kernel_path(int fd);

namespace testing {
// When set, chmod() and utimes() act as on a kernel before 6.6 in a chroot: no fchmodat2, no
// AT_EMPTY_PATH, no /proc. Only tests set it, to reach the fallbacks this machine never needs.
extern bool pre_6_6_chroot;
}  // namespace testing

}  // namespace wharf::fs::fdops
