// StrictModes and safe reading of per-user key files (sshd(8) StrictModes; OpenSSH misc.c
// safe_path and auth2-pubkeyfile.c auth_openfile).
//
// The key file and every directory from it up to the user's home directory (or up to '/' when
// the file is not under the home directory) must be owned by root or by the user and must not
// be writable by group or others.
//
// Symlinks: like sshd, the checks apply to the file's real path (a symlink an administrator put
// in place works, and the real location is what is checked). Unlike a lexical check, the real
// path is then opened one component at a time from '/', each directory with
// O_PATH|O_NOFOLLOW|O_DIRECTORY relative to the previous one and the file with
// O_NOFOLLOW|O_NONBLOCK, and the checks use fstat() of those descriptors: a component swapped
// for a symlink after the check makes the open fail instead of leading elsewhere, and the bytes
// read come from exactly the file that was checked. A FIFO or device cannot block the reader.
//
// When the daemon runs as root it reads on the user's behalf, so the file must also be readable,
// and each directory searchable, by the user per the mode bits (sshd gets this by reading as the
// user).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace wharf::auth {

struct FileOwner {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, for the readability check
  std::string home;           // absolute; empty: check up to '/'
};

struct KeyFileRead {
  enum class Status {
    kOk,       // `content` holds the file
    kMissing,  // the file (or a directory on its path) does not exist: not an error
    kRefused,  // unsafe, unreadable, not a regular file or too large: `reason` says why
  };
  Status status = Status::kRefused;
  std::string content;
  std::string reason;  // for the log
};

// Reads the key file at absolute `path` for `owner`, applying StrictModes when `strict_modes`,
// and refusing files larger than `max_size` bytes.
KeyFileRead read_key_file(const std::string& path, const FileOwner& owner, bool strict_modes,
                          size_t max_size);

}  // namespace wharf::auth
