#include "fs/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "fs/fdops.h"
#include "fs/root.h"

namespace wharf::fs {
namespace {

Errno last_errno() { return Errno{errno ? errno : EIO}; }

}  // namespace

AtomicUpload::~AtomicUpload() {
  // Abandoned: the partial data never reaches the final name.
  if (!temp_name.empty() && dir.valid()) ::unlinkat(dir.get(), temp_name.c_str(), 0);
}

Status AtomicUpload::commit(int fd) {
  // Data durable, then the name, then the directory entry (fsync file + directory).
  Status result;
  if (write_error != 0) {
    result = Errno{write_error};
  } else if (::fsync(fd) != 0) {
    result = last_errno();
  } else if (no_replace
                 ? ::renameat2(dir.get(), temp_name.c_str(), dir.get(), final_name.c_str(),
                               RENAME_NOREPLACE) != 0
                 : ::renameat(dir.get(), temp_name.c_str(), dir.get(), final_name.c_str()) != 0) {
    result = last_errno();
  } else {
    temp_name.clear();
    UniqueFd d(::openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!d.valid() || ::fsync(d.get()) != 0) result = last_errno();
  }
  if (!temp_name.empty()) {
    ::unlinkat(dir.get(), temp_name.c_str(), 0);
    temp_name.clear();
  }
  return result;
}

File::~File() = default;  // dropped without close(): its share of an upload goes, uncommitted

Result<size_t> File::pread(void* buf, size_t n, uint64_t offset) {
  if (!readable_) return Errno{EBADF};
  for (;;) {
    ssize_t got = ::pread(fd_.get(), buf, n, static_cast<off_t>(offset));
    if (got >= 0) {
      bytes_read_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
    if (errno != EINTR) return last_errno();
  }
}

Status File::pwrite(const void* buf, size_t n, uint64_t offset) {
  if (!writable_) return Errno{EBADF};
  Status s = write_all(buf, n, offset);
  if (s) bytes_written_ += n;
  // A failed write (a full disk) leaves a hole or a short file: an atomic upload that saw one is
  // never committed, whatever the client does next.
  if (!s && upload_ && upload_->write_error == 0) upload_->write_error = s.error();
  return s;
}

Status File::write_all(const void* buf, size_t n, uint64_t offset) {
  auto* p = static_cast<const uint8_t*>(buf);
  while (n > 0) {
    ssize_t put =
        append_ ? ::write(fd_.get(), p, n) : ::pwrite(fd_.get(), p, n, static_cast<off_t>(offset));
    if (put < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    if (put == 0) return Errno{ENOSPC};
    p += put;
    n -= static_cast<size_t>(put);
    offset += static_cast<uint64_t>(put);
  }
  return {};
}

Result<struct stat> File::stat() const {
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) return last_errno();
  return st;
}

Status File::setstat(const Attrs& attrs) {
  const Policy& policy = root_->policy();
  if (policy.read_only) return Errno{EACCES};
  if (policy.drop_box) {
    if (attrs.size || attrs.uid || attrs.gid) return Errno{EACCES};
    return {};  // times and modes: accepted, ignored
  }
  if (attrs.size && ::ftruncate(fd_.get(), static_cast<off_t>(*attrs.size)) != 0) {
    return last_errno();
  }
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) return last_errno();
  bool forced = S_ISDIR(st.st_mode) ? policy.dir_mode.has_value() : policy.file_mode.has_value();
  if (attrs.mode && !forced && ::fchmod(fd_.get(), *attrs.mode & 07777) != 0) return last_errno();
  if (attrs.atime || attrs.mtime) {
    struct timespec ts[2] = {{static_cast<time_t>(attrs.atime.value_or(0)), 0},
                             {static_cast<time_t>(attrs.mtime.value_or(0)), 0}};
    if (::futimens(fd_.get(), ts) != 0) return last_errno();
  }
  if ((attrs.uid || attrs.gid) && ::fchown(fd_.get(), attrs.uid.value_or(static_cast<uid_t>(-1)),
                                           attrs.gid.value_or(static_cast<gid_t>(-1))) != 0) {
    return last_errno();
  }
  return {};
}

Status File::fsync() {
  if (::fsync(fd_.get()) != 0) return last_errno();
  return {};
}

Result<struct statvfs> File::statvfs() const {
  struct statvfs vfs;
  if (::fstatvfs(fd_.get(), &vfs) != 0) return last_errno();
  return vfs;
}

Status File::close() {
  Status result;
  if (std::shared_ptr<AtomicUpload> up = std::move(upload_)) {
    // The last handle of the upload (no other File shares it) commits it; the others only close.
    if (up.use_count() == 1) result = up->commit(fd_.get());
  }
  if (fd_.valid() && ::close(fd_.release()) != 0 && result.ok()) result = last_errno();
  return result;
}

Result<std::optional<DirEntry>> Dir::next() {
  for (;;) {
    errno = 0;
    struct dirent* ent = ::readdir(dir_.get());
    if (ent == nullptr) {
      if (errno != 0) return last_errno();
      return std::optional<DirEntry>();
    }
    DirEntry e;
    e.name = ent->d_name;
    if (e.name == ".." && root_stat_) {
      e.st = *root_stat_;  // the root's parent is the root, as the client sees it
    } else if (::fstatat(::dirfd(dir_.get()), ent->d_name, &e.st, AT_SYMLINK_NOFOLLOW) != 0) {
      continue;
    }
    return std::optional<DirEntry>(std::move(e));
  }
}

namespace {

// Where `offset` of `file` lies between its holes (SEEK_DATA/SEEK_HOLE, lseek(2)): the bytes of
// hole from there to the next data (0 if data starts there), else the bytes of data from there
// to the next hole.
bool ranges_overlap(uint64_t a, uint64_t b, uint64_t length) {
  auto end = [length](uint64_t offset) {  // saturating: offsets near 2^64 must not wrap
    return length > UINT64_MAX - offset ? UINT64_MAX : offset + length;
  };
  return b < end(a) && a < end(b);
}

struct Extent {
  uint64_t hole = 0;
  uint64_t data = 0;
};

Extent extent_at(File& file, uint64_t offset, uint64_t size) {
  off_t data = ::lseek(file.fd(), static_cast<off_t>(offset), SEEK_DATA);
  if (data < 0) return {errno == ENXIO ? size - offset : 0, 0};  // ENXIO: no data to the end
  if (static_cast<uint64_t>(data) > offset) return {static_cast<uint64_t>(data) - offset, 0};
  off_t hole = ::lseek(file.fd(), static_cast<off_t>(offset), SEEK_HOLE);
  if (hole < 0 || static_cast<uint64_t>(hole) <= offset) return {0, UINT64_MAX};
  return {0, static_cast<uint64_t>(hole) - offset};
}

}  // namespace

Status Root::copy_range(File& from, uint64_t from_offset, uint64_t length, File& to,
                        uint64_t to_offset) {
  if (!from.readable() || !to.writable()) return Errno{EBADF};
  if (to.root_->policy().read_only) return Errno{EACCES};
  bool to_eof = length == 0;
  // One file under two handles is still one file: a copy onto an overlapping range of itself
  // is refused, and a copy "to the end" would chase its own writes until the disk is full.
  auto from_st = from.stat();
  auto to_st = to.stat();
  if (!from_st) return from_st.status();
  if (!to_st) return to_st.status();
  if (from_st->st_dev == to_st->st_dev && from_st->st_ino == to_st->st_ino &&
      (to_eof || ranges_overlap(from_offset, to_offset, length))) {
    return Errno{EDEADLK};
  }
  std::vector<uint8_t> buf;
  uint64_t to_size = static_cast<uint64_t>(to_st->st_size);
  const uint64_t from_size = static_cast<uint64_t>(from_st->st_size);
  while (to_eof || length > 0) {
    size_t want = to_eof ? (1u << 20) : static_cast<size_t>(std::min<uint64_t>(length, 1u << 20));
    // Past the destination's end, a hole of the source is left a hole: zeros either way, and
    // a sparse file of any apparent size (one WRITE far out) must not fill the disk.
    if (!to.append_ && to_offset >= to_size && from_offset < from_size) {
      Extent here = extent_at(from, from_offset, from_size);
      uint64_t skip = to_eof ? here.hole : std::min(here.hole, length);
      if (skip > 0) {
        from_offset += skip;
        to_offset += skip;
        if (!to_eof) length -= skip;
        continue;
      }
      want = static_cast<size_t>(std::min<uint64_t>(want, here.data));
    }
    loff_t in = static_cast<loff_t>(from_offset), out = static_cast<loff_t>(to_offset);
    ssize_t n = to.append_ ? -1 : ::copy_file_range(from.fd(), &in, to.fd(), &out, want, 0);
    if (n < 0) {
      // Not supported here (cross-device, special files, append): plain read and write.
      if (buf.empty()) buf.resize(1u << 20);
      auto got = from.pread(buf.data(), std::min(want, buf.size()), from_offset);
      if (!got) return got.status();
      n = static_cast<ssize_t>(*got);
      if (n > 0) {
        if (auto s = to.pwrite(buf.data(), *got, to_offset); !s) return s;
      }
    }
    if (n == 0) {
      if (!to_eof) return Errno{ENODATA};
      break;
    }
    from_offset += static_cast<uint64_t>(n);
    to_offset += static_cast<uint64_t>(n);
    to_size = std::max(to_size, to_offset);
    if (!to_eof) length -= static_cast<uint64_t>(n);
  }
  // A hole copied last still counts toward the size.
  if (to_offset > to_size && ::ftruncate(to.fd(), static_cast<off_t>(to_offset)) != 0) {
    return Errno{errno};
  }
  return {};
}

Status Root::copy_file(std::string_view from, std::string_view to, bool overwrite) {
  if (policy_.read_only || policy_.drop_box) return Errno{EACCES};
  auto src = open(from, O_RDONLY, 0);
  if (!src) return src.status();
  auto st = src->stat();
  if (!st) return st.status();
  if (!S_ISREG(st->st_mode)) return Errno{EINVAL};
  // A copy onto itself (the same name, or another link to it) would truncate the source first.
  if (auto target = stat(to, true);
      target && target->st_dev == st->st_dev && target->st_ino == st->st_ino) {
    return Errno{EDEADLK};
  }
  auto dst = open(to, O_WRONLY | O_CREAT | O_TRUNC | (overwrite ? 0 : O_EXCL), st->st_mode);
  if (!dst) return dst.status();
  if (auto s = copy_range(*src, 0, 0, *dst, 0); !s) return s;
  return dst->close();
}

}  // namespace wharf::fs
