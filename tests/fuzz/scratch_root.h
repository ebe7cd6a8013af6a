// A throwaway root for the SFTP and SCP targets: one temporary directory per process (removed
// at exit), emptied and refilled with a small tree before every input, files capped at 1 MiB
// (RLIMIT_FSIZE, SIGXFSZ ignored so writes past it fail with EFBIG) so copies stay quick.
#pragma once

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fs/policy.h"
#include "tests/fuzz/fuzz_util.h"

namespace wharf::fuzz {

inline int remove_entry(const char* path, const struct stat*, int, struct FTW* ftw);
inline void remove_scratch();

inline const std::string& scratch_dir() {
  static const std::string* dir = [] {
    char templ[] = "/tmp/wharf-fs-fuzz-XXXXXX";
    check(::mkdtemp(templ) != nullptr);
    struct rlimit lim {
      1 << 20, 1 << 20
    };
    ::setrlimit(RLIMIT_FSIZE, &lim);
    ::signal(SIGXFSZ, SIG_IGN);  // writes past the cap fail with EFBIG instead
    std::atexit(remove_scratch);
    return new std::string(templ);
  }();
  return *dir;
}

inline int remove_entry(const char* path, const struct stat*, int, struct FTW* ftw) {
  if (ftw->level > 0) ::remove(path);
  return 0;
}

inline void remove_scratch() {
  const std::string& dir = scratch_dir();
  ::chmod(dir.c_str(), 0755);
  ::nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  ::rmdir(dir.c_str());
}

// Empties the root and puts back a small tree: a file, a directory with a file, a symlink.
inline void reset_root(const std::string& dir) {
  ::chmod(dir.c_str(), 0755);
  ::nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  auto write = [&](const std::string& name, std::string_view text) {
    int fd = ::open((dir + "/" + name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    (void)!::write(fd, text.data(), text.size());
    ::close(fd);
  };
  write("a.txt", "hello, fuzz\n");
  ::mkdir((dir + "/d").c_str(), 0755);
  write("d/b.bin", std::string(300, 'b'));
  (void)!::symlink("a.txt", (dir + "/link").c_str());
}

// Flags bits 0-1: plain, read-only, drop box, atomic uploads.
inline fs::Policy policy_for(uint8_t flags) {
  fs::Policy p;
  switch (flags & 3) {
    case 1:
      p.read_only = true;
      break;
    case 2:
      p.drop_box = true;
      break;
    case 3:
      p.atomic_uploads = true;
      break;
    default:
      break;
  }
  return p;
}

}  // namespace wharf::fuzz
