// wharf::fs::Root — the one confined filesystem that SFTP and SCP both use (ARCHITECTURE.md).
//
// Every client path is resolved by the kernel under the user's root directory descriptor with
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): "/" is the root, ".." stops there, and
// symlinks (absolute or relative, planted or raced) resolve inside it. Operations that must not
// follow a final symlink act on the parent directory descriptor and the final name with the *at()
// calls. The client never sees a host path. Errors are errno values (fs/result.h).
//
// Usage from a protocol layer (an SCP sink, for example):
//   auto root = fs::Root::open("/srv/drop/alice", policy);          // Result<unique_ptr<Root>>
//   auto st = (*root)->stat("dir", /*follow=*/true);               // is it a directory?
//   auto f = (*root)->open("dir/file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
//   f->pwrite(data, n, offset); f->setstat({.atime = a, .mtime = m}); f->close();
//   (*root)->mkdir("dir/sub", 0755);  auto d = (*root)->opendir("dir");  d->next();
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "fs/fd.h"
#include "fs/file.h"
#include "fs/policy.h"
#include "fs/result.h"

namespace wharf::fs {

class Root {
 public:
  // Opens `host_dir` as the root for one session under `policy`.
  static Result<std::unique_ptr<Root>> open(const std::string& host_dir, Policy policy);

  const Policy& policy() const { return policy_; }
  int fd() const { return root_.get(); }

  // The canonical client path ("/a/b"), symlinks resolved inside the root. The final component
  // may be missing (as with OpenSSH); a missing directory on the way is ENOENT.
  // Works without /proc (a chrooted session has none): the path is walked a component at a
  // time, symlinks read and spliced in, as OpenSSH's sftp_realpath() does.
  Result<std::string> realpath(std::string_view path);
  // `follow` false is LSTAT: a final symlink is reported, not followed.
  Result<struct stat> stat(std::string_view path, bool follow);
  Status setstat(std::string_view path, const Attrs& attrs, bool follow);
  Result<struct statvfs> statvfs(std::string_view path);

  // `flags` are open(2) flags: O_RDONLY/O_WRONLY/O_RDWR with O_CREAT, O_TRUNC, O_EXCL, O_APPEND.
  // `mode` is the client's requested mode for a new file (umask / forced mode applied here).
  Result<File> open(std::string_view path, int flags, mode_t mode);
  // A new version of `path`, written under a hidden temporary name and renamed over it by a
  // clean close(), whatever the policy says about atomic uploads (the SCP sink always wants
  // that). A temporary file left by a killed process is swept like an atomic upload's.
  Result<File> create_replacing(std::string_view path, mode_t mode);
  Result<Dir> opendir(std::string_view path);

  Status remove(std::string_view path);
  Status mkdir(std::string_view path, mode_t mode);
  Status rmdir(std::string_view path);
  // `replace` false fails with EEXIST when `to` exists (SFTP v3 RENAME); true is POSIX rename.
  Status rename(std::string_view from, std::string_view to, bool replace);
  Result<std::string> readlink(std::string_view path);
  // Creates `link_path` pointing at `target`. Unless the root is the host's "/" (not chrooted),
  // the target must be relative and never climb (no ".." component), so that no host process
  // following the link, wherever it is moved later, can leave the root; refused with EPERM.
  Status symlink(std::string_view target, std::string_view link_path);
  Status link(std::string_view existing, std::string_view new_path);
  // Server-side copy of a regular file (copy-file extension).
  Status copy_file(std::string_view from, std::string_view to, bool overwrite);

  // Copies `length` bytes (0: to end of file) between open files (copy-data extension).
  static Status copy_range(File& from, uint64_t from_offset, uint64_t length, File& to,
                           uint64_t to_offset);

 private:
  Result<std::string> realpath_by_walk(std::string_view path);
  friend class File;
  Root(UniqueFd root, std::string host_path, struct stat root_stat, Policy policy);

  struct Parent {
    UniqueFd dir;
    std::string name;  // empty: `dir` is the path itself (a directory such as "/" or "a/..")
  };
  Result<Parent> resolve_parent(std::string_view path, int dir_flags = O_PATH | O_DIRECTORY);
  Result<UniqueFd> resolve(std::string_view path, int flags, mode_t mode = 0);
  Status check_path(std::string_view path) const;
  Status deny_if_read_only() const;
  Result<File> open_file(std::string_view path, int flags, mode_t mode, bool atomic);
  Result<File> open_atomic(std::string_view path, int flags, mode_t mode);
  Result<File> join_upload(std::shared_ptr<AtomicUpload> up, std::string_view path, int flags);
  void sweep_once(int dir);
  Status deny_reserved_name(std::string_view path) const;
  Status apply_attrs(int path_fd, std::string_view path, const Attrs& attrs, bool is_dir);
  UniqueFd reopen_same_file(int path_fd, std::string_view path);
  mode_t create_mode(mode_t requested, bool dir) const;
  void note_written(std::string_view path);
  bool wrote(std::string_view path) const;

  UniqueFd root_;
  std::string host_path_;
  struct stat root_stat_;
  Policy policy_;
  std::set<std::string> written_;                 // drop box: client paths this session uploaded
  std::set<std::pair<dev_t, ino_t>> swept_dirs_;  // directories stale temporaries left
  // This session's atomic uploads in progress, by directory and final name: a second handle
  // on the same name shares one (join_upload).
  using UploadKey = std::tuple<dev_t, ino_t, std::string>;
  std::map<UploadKey, std::weak_ptr<AtomicUpload>> uploads_;
};

}  // namespace wharf::fs
