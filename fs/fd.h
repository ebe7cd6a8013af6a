// Owned file descriptors and the raw openat2(2) call the confinement rests on.
#pragma once

#include <linux/openat2.h>
#include <unistd.h>

#include <utility>

namespace wharf::fs {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// The kernel's confined lookup: `path` is resolved under `root_fd` as if it were "/", with ".."
// clamped at the root and symlinks (absolute or relative) resolved inside it; /proc magic links
// are refused. Returns a descriptor or -1 with errno set. Linux 5.6+ (openat2(2)).
inline constexpr unsigned long long kConfined = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
int openat2_confined(int root_fd, const char* path, int flags, unsigned mode = 0);

}  // namespace wharf::fs
