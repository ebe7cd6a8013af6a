// The core requests of SFTP v3 (draft-ietf-secsh-filexfer-02 section 6). Every handler decodes
// all of its arguments and checks the end of the message before it acts, so a malformed request
// changes nothing.
#include <fcntl.h>

#include <ctime>

#include "sftp/attrs.h"
#include "sftp/server.h"
#include "sftp/status.h"

namespace wharf::sftp {
namespace {

int open_flags(uint32_t pflags) {
  int flags = O_RDONLY;
  if ((pflags & SSH_FXF_READ) && (pflags & SSH_FXF_WRITE)) {
    flags = O_RDWR;
  } else if (pflags & SSH_FXF_WRITE) {
    flags = O_WRONLY;
  }
  if (pflags & SSH_FXF_APPEND) flags |= O_APPEND;
  if (pflags & SSH_FXF_CREAT) flags |= O_CREAT;
  if (pflags & SSH_FXF_TRUNC) flags |= O_TRUNC;
  if (pflags & SSH_FXF_EXCL) flags |= O_EXCL;
  return flags;
}

// sftp-server's string_from_portable(): the flags as its open log line names them.
std::string flag_names(uint32_t pflags) {
  std::string out;
  auto add = [&](uint32_t bit, const char* name) {
    if (!(pflags & bit)) return;
    if (!out.empty()) out += ',';
    out += name;
  };
  add(SSH_FXF_READ, "READ");
  add(SSH_FXF_WRITE, "WRITE");
  add(SSH_FXF_APPEND, "APPEND");
  add(SSH_FXF_CREAT, "CREATE");
  add(SSH_FXF_TRUNC, "TRUNCATE");
  add(SSH_FXF_EXCL, "EXCL");
  return out;
}

}  // namespace

void Server::do_open(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "open path");
  uint32_t pflags = r.u32("open pflags");
  FileAttrs attrs = FileAttrs::decode(r);
  mode_t mode = (attrs.flags & SSH_FILEXFER_ATTR_PERMISSIONS) ? attrs.permissions & 07777 : 0666;
  note("open \"{}\" flags {} mode 0{:o}", path, flag_names(pflags), mode);
  auto file = root_.open(path, open_flags(pflags), mode);
  if (!file) return send_status(id, file.status());
  auto handle = handles_.add(std::move(*file), log_operations_ ? path : std::string());
  if (!handle) return send_status(id, SSH_FX_FAILURE, "Too many open handles");
  send_handle(id, std::move(*handle));
}

void Server::do_close(uint32_t id, wire::Reader& r) {
  wire::ByteView handle = r.string("handle", 256);
  std::string path = log_operations_ ? handles_.path(handle) : std::string();
  auto object = handles_.take(handle);
  if (!object) return send_status(id, SSH_FX_FAILURE);
  if (auto* file = std::get_if<fs::File>(&*object)) {
    note("close \"{}\" bytes read {} written {}", path, file->bytes_read(), file->bytes_written());
    return send_status(id, file->close());
  }
  note("closedir \"{}\"", path);
  send_status(id, SSH_FX_OK);
}

void Server::do_read(uint32_t id, wire::Reader& r) {
  fs::File* file = file_arg(r);
  uint64_t offset = r.u64("read offset");
  size_t len = std::min<size_t>(r.u32("read length"), kMaxReadLength);  // clamped, as OpenSSH
  if (file == nullptr) return send_status(id, SSH_FX_FAILURE);
  // pread() lands directly in the output queue after a 13-byte header: uint32 length, byte
  // SSH_FXP_DATA, uint32 id, uint32 data length (section 7).
  constexpr size_t kHeader = 13;
  uint8_t* p = out_.reserve(kHeader + len);
  auto got = file->pread(p + kHeader, len, offset);
  if (!got) return send_status(id, got.status());
  if (*got == 0) return send_status(id, SSH_FX_EOF);
  auto put32 = [](uint8_t* at, size_t v) {
    for (int i = 0; i < 4; ++i) at[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
  };
  put32(p, kHeader - 4 + *got);
  p[4] = SSH_FXP_DATA;
  put32(p + 5, id);
  put32(p + 9, *got);
  out_.commit(kHeader + *got);
}

void Server::do_write(uint32_t id, wire::Reader& r) {
  fs::File* file = file_arg(r);
  uint64_t offset = r.u64("write offset");
  wire::ByteView data = r.string("write data", kMaxMessage);  // in place: no copy
  if (file == nullptr) return send_status(id, SSH_FX_FAILURE);
  send_status(id, file->pwrite(data.data(), data.size(), offset));
}

void Server::do_lstat(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "lstat path");
  send_attrs(id, root_.stat(path, false));
}

void Server::do_stat(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "stat path");
  send_attrs(id, root_.stat(path, true));
}

void Server::do_fstat(uint32_t id, wire::Reader& r) {
  fs::File* file = file_arg(r);
  if (file == nullptr) return send_status(id, SSH_FX_FAILURE);
  send_attrs(id, file->stat());
}

void Server::do_setstat(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "setstat path");
  FileAttrs attrs = FileAttrs::decode(r);
  note_setstat(path, attrs);
  send_status(id, root_.setstat(path, attrs.to_fs(), true));
}

void Server::do_fsetstat(uint32_t id, wire::Reader& r) {
  wire::ByteView handle = r.string("handle", 256);
  FileAttrs attrs = FileAttrs::decode(r);
  fs::File* file = handles_.file(handle);
  if (file == nullptr) return send_status(id, SSH_FX_FAILURE);
  if (log_operations_) note_setstat(handles_.path(handle), attrs);
  send_status(id, file->setstat(attrs.to_fs()));
}

// sftp-server's process_setstat() log lines, one per attribute set.
void Server::note_setstat(const std::string& path, const FileAttrs& attrs) {
  if (!log_operations_) return;
  if (attrs.flags & SSH_FILEXFER_ATTR_SIZE) note("set \"{}\" size {}", path, attrs.size);
  if (attrs.flags & SSH_FILEXFER_ATTR_PERMISSIONS) {
    note("set \"{}\" mode {:04o}", path, attrs.permissions);
  }
  if (attrs.flags & SSH_FILEXFER_ATTR_ACMODTIME) {
    time_t t = attrs.mtime;
    struct tm tm {};
    char when[32] = "?";
    if (::localtime_r(&t, &tm) != nullptr) std::strftime(when, sizeof when, "%Y%m%d-%H:%M:%S", &tm);
    note("set \"{}\" modtime {}", path, when);
  }
  if (attrs.flags & SSH_FILEXFER_ATTR_UIDGID) {
    note("set \"{}\" owner {} group {}", path, attrs.uid, attrs.gid);
  }
}

void Server::do_opendir(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "opendir path");
  note("opendir \"{}\"", path);
  auto dir = root_.opendir(path);
  if (!dir) return send_status(id, dir.status());
  auto handle = handles_.add(OpenDir{std::move(*dir)}, log_operations_ ? path : std::string());
  if (!handle) return send_status(id, SSH_FX_FAILURE, "Too many open handles");
  send_handle(id, std::move(*handle));
}

void Server::do_readdir(uint32_t id, wire::Reader& r) {
  OpenDir* dir = handles_.dir(r.string("handle", 256));
  if (dir == nullptr) return send_status(id, SSH_FX_FAILURE);
  if (dir->at_end) return send_status(id, SSH_FX_EOF);
  size_t start = begin(SSH_FXP_NAME, id);
  size_t count_at = reply_.size();
  w_.u32(0);
  uint32_t count = 0;
  time_t now = std::time(nullptr);
  while (count < kReaddirBatch) {
    auto entry = dir->dir.next();
    if (!entry) return send_status(id, entry.status());
    if (!*entry) {
      dir->at_end = true;
      break;
    }
    const fs::DirEntry& e = **entry;
    w_.string(e.name).string(long_name(e.name, e.st, names_, now));
    FileAttrs::from_stat(e.st).encode(w_);
    ++count;
  }
  if (count == 0) return send_status(id, SSH_FX_EOF);
  w_.patch_u32(count_at, count);
  finish(start);
}

void Server::do_remove(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "remove path");
  note("remove name \"{}\"", path);
  send_status(id, root_.remove(path));
}

void Server::do_mkdir(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "mkdir path");
  FileAttrs attrs = FileAttrs::decode(r);
  mode_t mode = (attrs.flags & SSH_FILEXFER_ATTR_PERMISSIONS) ? attrs.permissions & 07777 : 0777;
  note("mkdir name \"{}\" mode 0{:o}", path, mode);
  send_status(id, root_.mkdir(path, mode));
}

void Server::do_rmdir(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "rmdir path");
  note("rmdir name \"{}\"", path);
  send_status(id, root_.rmdir(path));
}

void Server::do_realpath(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "realpath path");
  auto real = root_.realpath(path);
  if (!real) return send_status(id, real.status());
  send_name(id, *real);
}

void Server::do_rename(uint32_t id, wire::Reader& r) {
  std::string from = path_arg(r, "rename old path");
  std::string to = path_arg(r, "rename new path");
  note("rename old \"{}\" new \"{}\"", from, to);
  send_status(id, root_.rename(from, to, /*replace=*/false));
}

void Server::do_readlink(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "readlink path");
  auto target = root_.readlink(path);
  if (!target) return send_status(id, target.status());
  send_name(id, *target);
}

// OpenSSH sends SYMLINK's arguments as (target, link path), the reverse of the draft (OpenSSH
// PROTOCOL section 4.1), and most clients follow it. Clients that send the draft's order to a
// server not named OpenSSH are recognised by their identification (ServerOptions).
void Server::do_symlink(uint32_t id, wire::Reader& r) {
  std::string link;
  std::string_view target;  // stored as written
  if (symlink_draft_order_) {
    link = path_arg(r, "symlink link path");
    target = r.text("symlink target", kMaxPath);
  } else {
    target = r.text("symlink target", kMaxPath);
    link = path_arg(r, "symlink link path");
  }
  note("symlink old \"{}\" new \"{}\"", target, link);
  fs::Status made = root_.symlink(target, link);
  if (!made && made.error() == EPERM) {
    // fs refuses a target that could lead out of the root for a host process (Root::symlink).
    // Clients that show the server's message (WinSCP, lftp, paramiko) then say why.
    return send_status(id, SSH_FX_PERMISSION_DENIED,
                       "Permission denied: a symlink target must be relative, without \"..\"");
  }
  send_status(id, made);
}

}  // namespace wharf::sftp
