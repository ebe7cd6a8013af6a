#include "daemon/pid_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "log/log.h"

namespace wharf::daemon {

PidFile::PidFile(std::string path) : path_(std::move(path)), pid_(::getpid()) {
  if (path_.empty()) return;
  std::string text = std::to_string(pid_) + "\n";
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  if (fd >= 0 && ::close(fd) != 0) ok = false;
  if (!ok) {
    log::error("Couldn't create pid file \"{}\": {}", path_, std::strerror(err));
    return;
  }
  written_ = true;
}

PidFile::~PidFile() {
  // Only the listener removes it, never a forked connection child that inherited the object.
  if (written_ && ::getpid() == pid_) ::unlink(path_.c_str());
}

}  // namespace wharf::daemon
