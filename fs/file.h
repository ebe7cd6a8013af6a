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

// One atomic upload: a hidden temporary file in the final name's directory. The handles of a
// session opened on one name share it, so their writes land in one file as they would without
// atomic uploads; the last of them to be closed commits it (Files hold it by shared_ptr, Root
// only by weak_ptr, so the use count is the number of its open handles). Not committed (every
// handle dropped or closed after a failed write), the temporary file is removed.
struct AtomicUpload {
  AtomicUpload() = default;
  AtomicUpload(const AtomicUpload&) = delete;
  AtomicUpload& operator=(const AtomicUpload&) = delete;
  ~AtomicUpload();
  // fsyncs the data (through `fd`, any handle's), renames it over the final name (without
  // replacing one if no_replace) and fsyncs the directory; on failure removes it.
  Status commit(int fd);

  UniqueFd dir;
  std::string temp_name;  // empty once committed or removed
  std::string final_name;
  bool no_replace = false;  // O_EXCL, drop box
  int write_error = 0;      // the first failed write through any of its handles
};

// An open regular file. For an atomic upload the data goes to a hidden temporary file in the same
// directory (AtomicUpload); the close() of its last handle fsyncs it, renames it over the final
// name and fsyncs the directory. A dropped connection removes the temporary file, so the final
// name never holds a partial upload.
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
  // Bytes this handle has read and written (sftp-server's close log line).
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_written() const { return bytes_written_; }
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
  uint64_t bytes_read_ = 0;
  uint64_t bytes_written_ = 0;
  std::shared_ptr<AtomicUpload> upload_;  // set for an atomic upload until close()
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
