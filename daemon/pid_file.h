// PidFile (sshd_config(5)): the listener's process id, written once it is listening and removed
// when it stops. Like sshd, a pid file that cannot be written is logged and the server runs on.
#pragma once

#include <sys/types.h>

#include <string>

namespace wharf::daemon {

class PidFile {
 public:
  // An empty path ("PidFile none") writes nothing.
  explicit PidFile(std::string path);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

  bool written() const { return written_; }

 private:
  std::string path_;
  pid_t pid_;
  bool written_ = false;
};

}  // namespace wharf::daemon
