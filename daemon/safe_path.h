// Whether the daemon can trust a directory path as root: no other account may be able to
// replace a directory on it (and so point it elsewhere after it was checked). The rule of
// OpenSSH's safely_chroot() and StrictModes: each directory from '/' down is owned by root or by
// the daemon's own user and is not writable by group or others, except that a sticky directory
// such as /tmp passes (others cannot rename or remove what they do not own in it).
#pragma once

#include <optional>
#include <string>

namespace wharf::daemon {

// Checks the real path of the directory `path` (symlinks an administrator made are followed
// first, then each real component is opened with O_NOFOLLOW and fstat()ed): its ancestors, and
// `path` itself too when `include_last`. Returns std::nullopt when safe, else why not.
std::optional<std::string> unsafe_directory_path(const std::string& path, bool include_last);

}  // namespace wharf::daemon
