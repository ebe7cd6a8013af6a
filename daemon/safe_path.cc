#include "daemon/safe_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fs/host_path.h"

namespace wharf::daemon {
namespace {

std::optional<std::string> unsafe(const fs::HostDir& dir) {
  if (dir.st.st_uid != 0 && dir.st.st_uid != ::geteuid()) {
    return dir.path + " is owned by uid " + std::to_string(dir.st.st_uid);
  }
  if ((dir.st.st_mode & (S_IWGRP | S_IWOTH)) && !(dir.st.st_mode & S_ISVTX)) {
    return dir.path + " is writable by group or others";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> unsafe_directory_path(const std::string& path, bool include_last) {
  const std::optional<fs::RealPath> real = fs::real_path(path);
  if (!real) return path + ": " + std::strerror(errno);
  const fs::DirChain chain = fs::open_dir_chain(real->names, real->names.size());
  // The directories opened are judged first: an unsafe one above a failed step is the reason.
  for (size_t i = 0; i < chain.dirs.size(); ++i) {
    const bool last = chain.error == 0 && i + 1 == chain.dirs.size();
    if (last && !include_last) break;
    if (auto why = unsafe(chain.dirs[i])) return why;
  }
  if (chain.error != 0) return chain.failed + ": " + std::strerror(chain.error);
  return std::nullopt;
}

}  // namespace wharf::daemon
