#include "daemon/state_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "daemon/safe_path.h"

namespace wharf::daemon {

namespace {

std::string default_state_directory() {
  if (geteuid() == 0) return "/var/lib/wharf";
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg == '/') {
    return std::string(xdg) + "/wharf";
  }
  const char* home = std::getenv("HOME");
  if (!home || *home != '/') throw std::runtime_error("no StateDirectory and no $HOME");
  return std::string(home) + "/.local/state/wharf";
}

// mkdir -p with mode 0700 for what it creates.
void make_dirs(const std::string& path) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    std::string prefix = path.substr(0, pos);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      throw std::runtime_error("cannot create " + prefix + ": " + std::strerror(errno));
    }
  }
}

}  // namespace

std::string prepare_state_directory(const std::string& configured) {
  std::string dir = configured.empty() ? default_state_directory() : configured;
  if (dir.empty() || dir[0] != '/') {
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) throw std::runtime_error("getcwd failed");
    dir = std::string(cwd) + "/" + dir;
  }
  make_dirs(dir);
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw std::runtime_error("StateDirectory " + dir + " is not a directory");
  }
  // Host keys live here, and the demo's files are made here as root: like sshd's StrictModes,
  // refuse a directory others can write to, or own (and so fill with planted keys or symlinks
  // before the first start), or could swap for another higher up.
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    throw std::runtime_error("StateDirectory " + dir + " is writable by group or others");
  }
  if (st.st_uid != geteuid()) {
    throw std::runtime_error("StateDirectory " + dir + " is owned by uid " +
                             std::to_string(st.st_uid) + ", not by the server's");
  }
  if (auto why = unsafe_directory_path(dir, /*include_last=*/true)) {
    throw std::runtime_error("StateDirectory " + dir + ": " + *why);
  }
  return dir;
}

}  // namespace wharf::daemon
