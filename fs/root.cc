#include "fs/root.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "fs/atomic.h"
#include "fs/fdops.h"
#include "fs/path.h"

namespace wharf::fs {
namespace {

Errno last_errno() { return Errno{errno ? errno : EIO}; }

bool is_write_open(int flags) {
  return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND));
}

}  // namespace

Root::Root(UniqueFd root, std::string host_path, struct stat root_stat, Policy policy)
    : root_(std::move(root)),
      host_path_(std::move(host_path)),
      root_stat_(root_stat),
      policy_(std::move(policy)) {}

Result<std::unique_ptr<Root>> Root::open(const std::string& host_dir, Policy policy) {
  UniqueFd fd(::open(host_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return last_errno();
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return last_errno();
  std::string host = fdops::kernel_path(fd.get());
  if (host.empty()) {
    char* real = ::realpath(host_dir.c_str(), nullptr);
    if (real == nullptr) return last_errno();
    host = real;
    ::free(real);
  }
  return std::unique_ptr<Root>(new Root(std::move(fd), std::move(host), st, std::move(policy)));
}

Status Root::check_path(std::string_view path) const {
  if (has_nul(path)) return Errno{EINVAL};
  if (path.empty()) return Errno{ENOENT};
  return {};
}

Status Root::deny_if_read_only() const {
  if (policy_.read_only) return Errno{EACCES};
  return {};
}

// Names of atomic uploads' temporary files are ours: a client file under one would be taken for
// an abandoned temporary and swept (fs/atomic.h).
Status Root::deny_reserved_name(std::string_view path) const {
  if (atomic::is_temp_name(split_path(path).name)) return Errno{EACCES};
  return {};
}

Result<UniqueFd> Root::resolve(std::string_view path, int flags, mode_t mode) {
  if (auto s = check_path(path); !s) return s;
  std::string p(path);
  UniqueFd fd(openat2_confined(root_.get(), p.c_str(), flags, mode));
  if (!fd.valid()) return last_errno();
  return fd;
}

Result<Root::Parent> Root::resolve_parent(std::string_view path, int dir_flags) {
  if (auto s = check_path(path); !s) return s;
  SplitPath split = split_path(path);
  auto dir = resolve(split.name.empty() ? path : std::string_view(split.parent), dir_flags);
  if (!dir) return dir.status();
  return Parent{std::move(*dir), std::move(split.name)};
}

// The kernel cannot name a path for us without /proc, which a chrooted session lacks, so the
// path is walked (realpath_by_walk) in every mode: "link/.." is the parent of the link's target,
// and a dangling final link names its target, as OpenSSH's sftp_realpath() answers.
Result<std::string> Root::realpath(std::string_view path) {
  return realpath_by_walk(path.empty() ? std::string_view(".") : path);
}

namespace {

// Pushes the components of `path` on `todo` so that the first is on top (at the back).
void push_components(std::string_view path, std::vector<std::string>& todo) {
  std::vector<std::string> parts;
  for (size_t i = 0; i <= path.size();) {
    size_t slash = std::min(path.find('/', i), path.size());
    if (slash > i) parts.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  todo.insert(todo.end(), parts.rbegin(), parts.rend());
}

}  // namespace

// realpath(3) inside the root: every symlink met is read and spliced into what is left (an
// absolute target starts again at the root, as RESOLVE_IN_ROOT reads it), and ".." applies to
// what is already resolved, which holds no symlink. At most 40 links, as the kernel allows.
Result<std::string> Root::realpath_by_walk(std::string_view path) {
  if (has_nul(path)) return Errno{EINVAL};
  std::vector<std::string> todo;
  push_components(path, todo);
  std::string resolved = "/";
  int links = 0;
  while (!todo.empty()) {
    std::string name = std::move(todo.back());
    todo.pop_back();
    if (name == ".") continue;
    if (name == "..") {
      resolved = split_path(resolved).parent;
      if (resolved.empty()) resolved = "/";
      continue;
    }
    std::string next = resolved == "/" ? "/" + name : resolved + "/" + name;
    auto dir = resolve(resolved, O_PATH | O_DIRECTORY);
    if (!dir) return dir.status();
    struct stat st;
    if (::fstatat(dir->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT && todo.empty()) return next;  // a missing final component is allowed
      return last_errno();
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) return Errno{ELOOP};
      char target[4096];
      ssize_t n = ::readlinkat(dir->get(), name.c_str(), target, sizeof target);
      if (n < 0) return last_errno();
      if (static_cast<size_t>(n) == sizeof target) return Errno{ENAMETOOLONG};
      if (n > 0 && target[0] == '/') resolved = "/";
      push_components(std::string_view(target, static_cast<size_t>(n)), todo);
      continue;
    }
    if (!S_ISDIR(st.st_mode) && !todo.empty()) return Errno{ENOTDIR};
    resolved = std::move(next);
  }
  return resolved;
}

Result<struct stat> Root::stat(std::string_view path, bool follow) {
  struct stat st;
  if (follow) {
    auto fd = resolve(path, O_PATH);
    if (!fd) return fd.status();
    if (::fstat(fd->get(), &st) != 0) return last_errno();
  } else {
    auto parent = resolve_parent(path);
    if (!parent) return parent.status();
    int rc = parent->name.empty()
                 ? ::fstat(parent->dir.get(), &st)
                 : ::fstatat(parent->dir.get(), parent->name.c_str(), &st, AT_SYMLINK_NOFOLLOW);
    if (rc != 0) return last_errno();
  }
  // Drop box: directories may be inspected (clients check upload targets), files only if this
  // session wrote them.
  if (policy_.drop_box && !S_ISDIR(st.st_mode) && !wrote(path)) return Errno{EACCES};
  return st;
}

// fdops could not change an O_PATH descriptor's regular file (a kernel before 6.6 in a chroot:
// no fchmodat2, no /proc): the path is opened again, for reading or else for writing, and used
// only if it is still the same inode. errno is ENOENT when that fails.
UniqueFd Root::reopen_same_file(int path_fd, std::string_view path) {
  struct stat want, got;
  if (::fstat(path_fd, &want) != 0 || !S_ISREG(want.st_mode)) {
    errno = ENOENT;
    return UniqueFd();
  }
  for (int flags : {O_RDONLY, O_WRONLY}) {
    auto fd = resolve(path, flags | O_NONBLOCK | O_NOCTTY);
    if (fd && ::fstat(fd->get(), &got) == 0 && got.st_dev == want.st_dev &&
        got.st_ino == want.st_ino) {
      return std::move(*fd);
    }
  }
  errno = ENOENT;
  return UniqueFd();
}

Status Root::apply_attrs(int path_fd, std::string_view path, const Attrs& attrs, bool is_dir) {
  if (attrs.size) {
    auto fd = resolve(path, O_WRONLY | O_NONBLOCK);
    if (!fd) return fd.status();
    if (::ftruncate(fd->get(), static_cast<off_t>(*attrs.size)) != 0) return last_errno();
  }
  bool forced = is_dir ? policy_.dir_mode.has_value() : policy_.file_mode.has_value();
  if (attrs.mode && !forced && fdops::chmod(path_fd, *attrs.mode & 07777) != 0) {
    if (errno != ENOENT) return last_errno();
    UniqueFd same = reopen_same_file(path_fd, path);
    if (!same.valid() || ::fchmod(same.get(), *attrs.mode & 07777) != 0) return last_errno();
  }
  if ((attrs.atime || attrs.mtime) &&
      fdops::utimes(path_fd, attrs.atime.value_or(0), attrs.mtime.value_or(0)) != 0) {
    if (errno != ENOENT) return last_errno();
    UniqueFd same = reopen_same_file(path_fd, path);
    struct timespec ts[2] = {{static_cast<time_t>(attrs.atime.value_or(0)), 0},
                             {static_cast<time_t>(attrs.mtime.value_or(0)), 0}};
    if (!same.valid() || ::futimens(same.get(), ts) != 0) return last_errno();
  }
  if ((attrs.uid || attrs.gid) && fdops::chown(path_fd, attrs.uid.value_or(static_cast<uid_t>(-1)),
                                               attrs.gid.value_or(static_cast<gid_t>(-1))) != 0) {
    return last_errno();
  }
  return {};
}

Status Root::setstat(std::string_view path, const Attrs& attrs, bool follow) {
  if (auto s = deny_if_read_only(); !s) return s;
  if (policy_.drop_box) {
    // Times and modes are accepted and ignored so that `put -p` and similar clients succeed.
    if (attrs.size || attrs.uid || attrs.gid) return Errno{EACCES};
    return check_path(path);
  }
  UniqueFd target;
  if (follow) {
    auto fd = resolve(path, O_PATH);
    if (!fd) return fd.status();
    target = std::move(*fd);
  } else {
    if (attrs.size) return Errno{EINVAL};  // lsetstat@openssh.com: no size on a link
    auto parent = resolve_parent(path);
    if (!parent) return parent.status();
    if (parent->name.empty()) {
      target = std::move(parent->dir);
    } else {
      target = UniqueFd(
          ::openat(parent->dir.get(), parent->name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!target.valid()) return last_errno();
    }
  }
  struct stat st;
  if (::fstat(target.get(), &st) != 0) return last_errno();
  return apply_attrs(target.get(), path, attrs, S_ISDIR(st.st_mode));
}

Result<struct statvfs> Root::statvfs(std::string_view path) {
  auto fd = resolve(path, O_PATH);
  if (!fd) return fd.status();
  struct statvfs vfs;
  if (::fstatvfs(fd->get(), &vfs) != 0) return last_errno();
  return vfs;
}

mode_t Root::create_mode(mode_t requested, bool dir) const {
  const auto& forced = dir ? policy_.dir_mode : policy_.file_mode;
  if (forced) return *forced & 07777;
  return requested & 07777 & ~policy_.umask;
}

void Root::note_written(std::string_view path) {
  if (policy_.drop_box) written_.insert(normalize(path));
}

bool Root::wrote(std::string_view path) const { return written_.count(normalize(path)) != 0; }

Result<File> Root::open(std::string_view path, int flags, mode_t mode) {
  return open_file(path, flags, mode, policy_.atomic());
}

Result<File> Root::create_replacing(std::string_view path, mode_t mode) {
  return open_file(path, O_WRONLY | O_CREAT | O_TRUNC, mode, /*atomic=*/true);
}

Result<File> Root::open_file(std::string_view path, int flags, mode_t mode, bool atomic) {
  flags &= O_ACCMODE | O_CREAT | O_TRUNC | O_EXCL | O_APPEND;
  bool writing = is_write_open(flags);
  if (writing) {
    if (auto s = deny_if_read_only(); !s) return s;
  }
  if (flags & O_CREAT) {
    if (auto s = deny_reserved_name(path); !s) return s;
  }
  if (policy_.drop_box) {
    // Upload only: a new file, opened for writing, never read back.
    if ((flags & O_ACCMODE) != O_WRONLY || !(flags & O_CREAT)) return Errno{EACCES};
  }
  // A drop box always takes the atomic path, O_APPEND or not: that is where an existing file
  // is refused, so no flag combination may reach (and truncate or extend) another upload.
  if (atomic && (flags & O_CREAT) && (policy_.drop_box || !(flags & O_APPEND))) {
    return open_atomic(path, flags, mode);
  }
  int oflags = flags | O_NONBLOCK | O_NOCTTY;  // no hang on a FIFO; cleared below
  bool forced = (flags & O_CREAT) && policy_.file_mode;
  bool created = false;
  Result<UniqueFd> fd = Errno{ENOENT};
  if (forced && !(flags & O_EXCL)) {
    fd = resolve(path, oflags | O_EXCL, create_mode(mode, false));
    created = fd.ok();
    if (!fd && fd.error() == EEXIST) fd = resolve(path, oflags & ~O_CREAT);
  } else {
    fd = resolve(path, oflags, create_mode(mode, false));
    created = forced && fd.ok();
  }
  if (!fd) return fd.status();
  struct stat st;
  if (::fstat(fd->get(), &st) != 0) return last_errno();
  if (S_ISDIR(st.st_mode) && writing) return Errno{EISDIR};
  ::fcntl(fd->get(), F_SETFL, flags & O_APPEND);
  if (created && fdops::chmod(fd->get(), create_mode(mode, false)) != 0) return last_errno();
  File f;
  f.fd_ = std::move(*fd);
  f.root_ = this;
  f.readable_ = (flags & O_ACCMODE) != O_WRONLY;
  f.writable_ = (flags & O_ACCMODE) != O_RDONLY;
  f.append_ = flags & O_APPEND;
  return f;
}

// Stale temporary files are swept from a directory at its first atomic upload of the session
// only: a sweep reads the whole directory, and a drop box may hold many thousands of files.
void Root::sweep_once(int dir) {
  struct stat st;
  if (::fstat(dir, &st) != 0) return;
  if (!swept_dirs_.insert({st.st_dev, st.st_ino}).second) return;
  atomic::remove_stale(dir);
}

Result<File> Root::open_atomic(std::string_view path, int flags, mode_t mode) {
  auto parent = resolve_parent(path);
  if (!parent) return parent.status();
  if (parent->name.empty()) return Errno{EISDIR};
  const std::string& name = parent->name;
  struct stat st;
  if (::fstat(parent->dir.get(), &st) != 0) return last_errno();
  UploadKey key{st.st_dev, st.st_ino, name};
  if (auto it = uploads_.find(key); it != uploads_.end()) {
    if (std::shared_ptr<AtomicUpload> up = it->second.lock()) {
      return join_upload(std::move(up), path, flags);
    }
  }
  bool exists = ::fstatat(parent->dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  if (exists && (policy_.drop_box || (flags & O_EXCL))) {
    return Errno{policy_.drop_box ? EACCES : EEXIST};
  }
  if (exists && S_ISDIR(st.st_mode)) return Errno{EISDIR};
  // The rename at the end needs only write permission on the directory, but sftp-server and
  // scp.c open the existing file itself: a file the user may not write (read-only, someone
  // else's) is refused as they refuse it. A symlink under the name is replaced, not followed.
  if (exists && S_ISREG(st.st_mode) &&
      ::faccessat(parent->dir.get(), name.c_str(), W_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) != 0) {
    return last_errno();
  }
  // Writing into an existing file without O_TRUNC (scp in SFTP mode, a resumed upload): the
  // temporary file starts as a copy, so unwritten ranges keep their bytes and the final name
  // still changes only once, complete.
  UniqueFd existing;
  if (exists && !(flags & O_TRUNC)) {
    auto fd = resolve(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (!fd) return fd.status();
    if (::fstat(fd->get(), &st) != 0) return last_errno();
    if (!S_ISREG(st.st_mode)) return Errno{EINVAL};
    existing = std::move(*fd);
  }
  sweep_once(parent->dir.get());
  uint64_t nonce = 0;
  if (::getrandom(&nonce, sizeof nonce, 0) != sizeof nonce) return last_errno();
  std::string temp = atomic::temp_name(name, nonce);
  mode_t m = create_mode(mode, false);
  UniqueFd fd(::openat(parent->dir.get(), temp.c_str(),
                       O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, m));
  if (!fd.valid()) return last_errno();
  auto up = std::make_shared<AtomicUpload>();
  up->dir = std::move(parent->dir);
  up->temp_name = std::move(temp);
  up->final_name = name;
  up->no_replace = policy_.drop_box || (flags & O_EXCL);
  File f;  // from here on, an early return removes the temporary file
  f.fd_ = std::move(fd);
  f.root_ = this;
  f.readable_ = (flags & O_ACCMODE) != O_WRONLY;
  f.writable_ = true;
  f.upload_ = up;
  if (flags & O_APPEND) {  // only a new file gets here with O_APPEND: writes go to its end
    ::fcntl(f.fd(), F_SETFL, O_APPEND);
    f.append_ = true;
  }
  if (auto s = atomic::lock(f.fd()); !s) return s;
  if (existing.valid()) {
    if (auto s = atomic::copy_all(existing.get(), f.fd()); !s) return s;
    if (!policy_.file_mode && fdops::chmod(f.fd(), st.st_mode & 07777) != 0) return last_errno();
  }
  if (policy_.file_mode && fdops::chmod(f.fd(), m) != 0) return last_errno();
  std::erase_if(uploads_, [](const auto& entry) { return entry.second.expired(); });
  uploads_[key] = up;
  note_written(path);
  return f;
}

// Another handle on a name this session is uploading writes the same temporary file, as it would
// write the same file without atomic uploads; it never starts a second, competing upload.
Result<File> Root::join_upload(std::shared_ptr<AtomicUpload> up, std::string_view path, int flags) {
  if (policy_.drop_box || (flags & O_EXCL)) return Errno{policy_.drop_box ? EACCES : EEXIST};
  int oflags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | (flags & O_APPEND);
  UniqueFd fd(::openat(up->dir.get(), up->temp_name.c_str(), oflags));
  if (!fd.valid()) return last_errno();
  if ((flags & O_TRUNC) && ::ftruncate(fd.get(), 0) != 0) return last_errno();
  File f;
  f.fd_ = std::move(fd);
  f.root_ = this;
  f.readable_ = (flags & O_ACCMODE) != O_WRONLY;
  f.writable_ = true;
  f.append_ = flags & O_APPEND;
  f.upload_ = std::move(up);
  note_written(path);
  return f;
}

Result<Dir> Root::opendir(std::string_view path) {
  if (policy_.drop_box) return Errno{EACCES};
  auto fd = resolve(path, O_RDONLY | O_DIRECTORY);
  if (!fd) return fd.status();
  struct stat st;
  if (::fstat(fd->get(), &st) != 0) return last_errno();
  Dir d;
  if (st.st_dev == root_stat_.st_dev && st.st_ino == root_stat_.st_ino) d.root_stat_ = st;
  DIR* dir = ::fdopendir(fd->get());
  if (dir == nullptr) return last_errno();
  fd->release();
  d.dir_.reset(dir);
  return d;
}

Status Root::remove(std::string_view path) {
  if (auto s = deny_if_read_only(); !s) return s;
  if (policy_.drop_box) return Errno{EACCES};
  auto parent = resolve_parent(path);
  if (!parent) return parent.status();
  if (parent->name.empty()) return Errno{EISDIR};
  if (::unlinkat(parent->dir.get(), parent->name.c_str(), 0) != 0) return last_errno();
  return {};
}

Status Root::mkdir(std::string_view path, mode_t mode) {
  if (auto s = deny_if_read_only(); !s) return s;
  auto parent = resolve_parent(path);
  if (!parent) return parent.status();
  if (parent->name.empty()) return Errno{EEXIST};
  mode_t m = create_mode(mode, true);
  if (::mkdirat(parent->dir.get(), parent->name.c_str(), m) != 0) return last_errno();
  if (policy_.dir_mode) {
    // mkdir(2) drops set-id bits and honours the process umask: set the forced mode exactly, on a
    // descriptor so that a swapped-in symlink is never followed.
    UniqueFd d(::openat(parent->dir.get(), parent->name.c_str(),
                        O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!d.valid() || fdops::chmod(d.get(), m) != 0) return last_errno();
  }
  return {};
}

Status Root::rmdir(std::string_view path) {
  if (auto s = deny_if_read_only(); !s) return s;
  if (policy_.drop_box) return Errno{EACCES};
  auto parent = resolve_parent(path);
  if (!parent) return parent.status();
  if (parent->name.empty()) return Errno{EBUSY};
  if (::unlinkat(parent->dir.get(), parent->name.c_str(), AT_REMOVEDIR) != 0) return last_errno();
  return {};
}

Status Root::rename(std::string_view from, std::string_view to, bool replace) {
  if (auto s = deny_if_read_only(); !s) return s;
  if (policy_.drop_box) return Errno{EACCES};
  if (auto s = deny_reserved_name(to); !s) return s;
  auto src = resolve_parent(from);
  if (!src) return src.status();
  auto dst = resolve_parent(to);
  if (!dst) return dst.status();
  if (src->name.empty() || dst->name.empty()) return Errno{EBUSY};
  int a = src->dir.get();
  int b = dst->dir.get();
  const char* n1 = src->name.c_str();
  const char* n2 = dst->name.c_str();
  if (replace) {
    if (::renameat(a, n1, b, n2) != 0) return last_errno();
    return {};
  }
  if (::renameat2(a, n1, b, n2, RENAME_NOREPLACE) == 0) return {};
  if (errno != EINVAL && errno != ENOSYS) return last_errno();
  // A filesystem without RENAME_NOREPLACE: check, then rename (OpenSSH's stat-then-rename path).
  struct stat st;
  if (::fstatat(b, n2, &st, AT_SYMLINK_NOFOLLOW) == 0) return Errno{EEXIST};
  if (::renameat(a, n1, b, n2) != 0) return last_errno();
  return {};
}

Result<std::string> Root::readlink(std::string_view path) {
  if (policy_.drop_box) return Errno{EACCES};
  auto parent = resolve_parent(path);
  if (!parent) return parent.status();
  if (parent->name.empty()) return Errno{EINVAL};
  char buf[4097];
  ssize_t n = ::readlinkat(parent->dir.get(), parent->name.c_str(), buf, sizeof buf - 1);
  if (n < 0) return last_errno();
  std::string target(buf, static_cast<size_t>(n));
  // An absolute target planted by the host is shown as the client sees it: under the root it
  // loses the root's host prefix; anywhere else it is a host path the client never sees.
  if (host_path_ != "/" && !target.empty() && target[0] == '/') {
    if (target.size() > host_path_.size() &&
        target.compare(0, host_path_.size(), host_path_) == 0 && target[host_path_.size()] == '/') {
      target.erase(0, host_path_.size());
    } else {
      return Errno{EACCES};
    }
  }
  return target;
}

Status Root::symlink(std::string_view target, std::string_view link_path) {
  if (auto s = deny_if_read_only(); !s) return s;
  if (policy_.drop_box) return Errno{EACCES};
  if (has_nul(target)) return Errno{EINVAL};
  if (target.empty()) return Errno{ENOENT};
  // A dangling link to a reserved name would let an O_CREAT open through it make one.
  if (auto s = deny_reserved_name(target); !s) return s;
  bool absolute = target.front() == '/';
  // Unless the root is the host's own "/", a link must stay inside it wherever it is followed
  // from, and wherever it (or a directory above it) is moved to later: only a relative target
  // that never climbs ("a/b", not "../x" nor "x/../y") is sure to. A ".." checked at the link's
  // depth today escapes after a rename to a shallower place, or once a missing "x" appears.
  bool host_root = host_path_ == "/" && !policy_.chrooted;
  if (!host_root && (absolute || climbs(target))) return Errno{EPERM};
  if (!target_stays_inside(split_path(normalize(link_path)).parent, target)) {
    return Errno{EPERM};
  }
  auto parent = resolve_parent(link_path);
  if (!parent) return parent.status();
  if (parent->name.empty()) return Errno{EEXIST};
  std::string t(target);
  if (!absolute) {
    // The host's view: RESOLVE_BENEATH fails with EXDEV if the target, followed from the link's
    // directory through symlinks already present (absolute ones included), would leave the root.
    struct open_how how = {};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, parent->dir.get(), t.c_str(), &how, sizeof how);
    if (fd >= 0) ::close(static_cast<int>(fd));
    if (fd < 0 && (errno == EXDEV || errno == ELOOP || errno == EAGAIN)) return Errno{EPERM};
  }
  if (::symlinkat(t.c_str(), parent->dir.get(), parent->name.c_str()) != 0) return last_errno();
  return {};
}

Status Root::link(std::string_view existing, std::string_view new_path) {
  if (auto s = deny_if_read_only(); !s) return s;
  if (policy_.drop_box) return Errno{EACCES};
  if (auto s = deny_reserved_name(new_path); !s) return s;
  auto src = resolve_parent(existing);
  if (!src) return src.status();
  auto dst = resolve_parent(new_path);
  if (!dst) return dst.status();
  if (src->name.empty()) return Errno{EPERM};  // a directory cannot be hard-linked
  if (dst->name.empty()) return Errno{EEXIST};
  if (::linkat(src->dir.get(), src->name.c_str(), dst->dir.get(), dst->name.c_str(), 0) != 0) {
    return last_errno();
  }
  return {};
}

}  // namespace wharf::fs
