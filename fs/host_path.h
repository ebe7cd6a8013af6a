// Walking a host path from "/" without trusting its names, for the checks that decide whether a
// path on the host can be trusted (StrictModes for key files, the daemon's state directory and
// user roots). realpath() first, so links an administrator made are followed once; then every
// real component is opened with O_PATH | O_NOFOLLOW from its parent's descriptor and fstat()ed,
// so what is checked is what was opened (OpenSSH's safe_path() and safely_chroot() check by
// name).
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "fs/fd.h"

namespace wharf::fs {

// The real path of `path`, split into its names below "/"; std::nullopt with errno set when
// realpath() fails.
struct RealPath {
  std::string path;
  std::vector<std::string> names;
};
std::optional<RealPath> real_path(const std::string& path);

struct HostDir {
  std::string path;  // "/", "/srv", "/srv/sftp", ...
  struct stat st;
};

struct DirChain {
  std::vector<HostDir> dirs;  // "/" and each directory opened below it, in order
  UniqueFd last;              // the last directory opened
  int error = 0;              // errno of the step that failed, 0 when every step was done
  std::string failed;         // the path that step named
};

// Opens "/" and then names[0], names[1], ... names[count - 1] in turn as directories, each from
// the one before, never following a symlink. Stops at the first failure.
DirChain open_dir_chain(const std::vector<std::string>& names, size_t count);

}  // namespace wharf::fs
