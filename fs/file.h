// Open files and directories handed out by fs::Root.
#pragma once

#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "fs/fd.h"
#include "fs/result.h"

namespace wharf::fs {

class Root;

// What SETSTAT/FSETSTAT may change; unset fields are left alone. Applied in OpenSSH's order:
// size, permissions, times, owner.
struct Attrs {
  std::optional<uint64_t> size;
  std::optional<mode_t> mode;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::optional<int64_t> atime;
  std::optional<int64_t> mtime;
};

// An open regular file. For an atomic upload the data goes to a hidden temporary file in the same
// directory; close() fsyncs it, renames it over the final name and fsyncs the directory. A File
// destroyed without close() (a dropped connection) removes the temporary file, so the final name
// never holds a partial upload.
class File {
 public:
  File(File&&) noexcept = default;
  File& operator=(File&&) noexcept = default;
  ~File();

  int fd() const { return fd_.get(); }
  bool readable() const { return readable_; }
  bool writable() const { return writable_; }
  bool append() const { return append_; }

  // Reads up to `n` bytes at `offset`; 0 at end of file.
  Result<size_t> pread(void* buf, size_t n, uint64_t offset);
  // Writes all `n` bytes at `offset` (at the end for an append-mode file).
  Status pwrite(const void* buf, size_t n, uint64_t offset);
  Result<struct stat> stat() const;
  Status setstat(const Attrs& attrs);
  Status fsync();
  Result<struct statvfs> statvfs() const;
  // Ends the file; commits an atomic upload unless one of its writes failed (then the temporary
  // file is removed and that write's error returned). Safe to call once.
  Status close();

 private:
  friend class Root;
  File() = default;
  Status write_all(const void* buf, size_t n, uint64_t offset);

  UniqueFd fd_;
  Root* root_ = nullptr;
  bool readable_ = false;
  bool writable_ = false;
  bool append_ = false;
  // Atomic upload state: the directory, temporary and final names, and whether the commit must
  // not replace an existing file (O_EXCL, drop box).
  UniqueFd dir_;
  std::string temp_name_;
  std::string final_name_;
  bool no_replace_ = false;
  int write_error_ = 0;  // the first failed write of an atomic upload
};

struct DirEntry {
  std::string name;
  struct stat st;  // lstat of the entry
};

// An open directory listing. Entries whose lstat fails (removed meanwhile) are skipped, as
// OpenSSH's sftp-server does. ".." of the root reports the root itself, never the host parent.
class Dir {
 public:
  Dir(Dir&&) noexcept = default;
  Dir& operator=(Dir&&) noexcept = default;
  ~Dir() = default;

  // The next entry, std::nullopt at the end.
  Result<std::optional<DirEntry>> next();

 private:
  friend class Root;
  Dir() = default;
  struct Closer {
    void operator()(DIR* d) const { ::closedir(d); }
  };
  std::unique_ptr<DIR, Closer> dir_;
  std::optional<struct stat> root_stat_;  // set when this directory is the root
};

}  // namespace wharf::fs
