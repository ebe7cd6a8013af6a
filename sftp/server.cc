// Framing, dispatch and reply encoding for wharf::sftp::Server (see server.h).
#include "sftp/server.h"

#include <algorithm>
#include <cstring>

#include "sftp/attrs.h"
#include "sftp/status.h"

namespace wharf::sftp {
namespace {

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

// Request table: name for the policy lists, does-write for read-only sessions.
const Server::Request Server::kRequests[] = {
    {SSH_FXP_OPEN, "open", false, &Server::do_open},
    {SSH_FXP_CLOSE, "close", false, &Server::do_close},
    {SSH_FXP_READ, "read", false, &Server::do_read},
    {SSH_FXP_WRITE, "write", true, &Server::do_write},
    {SSH_FXP_LSTAT, "lstat", false, &Server::do_lstat},
    {SSH_FXP_FSTAT, "fstat", false, &Server::do_fstat},
    {SSH_FXP_SETSTAT, "setstat", true, &Server::do_setstat},
    {SSH_FXP_FSETSTAT, "fsetstat", true, &Server::do_fsetstat},
    {SSH_FXP_OPENDIR, "opendir", false, &Server::do_opendir},
    {SSH_FXP_READDIR, "readdir", false, &Server::do_readdir},
    {SSH_FXP_REMOVE, "remove", true, &Server::do_remove},
    {SSH_FXP_MKDIR, "mkdir", true, &Server::do_mkdir},
    {SSH_FXP_RMDIR, "rmdir", true, &Server::do_rmdir},
    {SSH_FXP_REALPATH, "realpath", false, &Server::do_realpath},
    {SSH_FXP_STAT, "stat", false, &Server::do_stat},
    {SSH_FXP_RENAME, "rename", true, &Server::do_rename},
    {SSH_FXP_READLINK, "readlink", false, &Server::do_readlink},
    {SSH_FXP_SYMLINK, "symlink", true, &Server::do_symlink},
    {SSH_FXP_EXTENDED, "extended", false, &Server::do_extended},
};

// Extensions, advertised in VERSION in this order (OpenSSH PROTOCOL section 4;
// draft-ietf-secsh-filexfer-extensions-00 for check-file, copy-file, space-available).
const Server::Extension Server::kExtensions[] = {
    {"posix-rename@openssh.com", "1", "posix-rename", true, &Server::ext_posix_rename},
    {"statvfs@openssh.com", "2", "statvfs", false, &Server::ext_statvfs},
    {"fstatvfs@openssh.com", "2", "fstatvfs", false, &Server::ext_fstatvfs},
    {"hardlink@openssh.com", "1", "hardlink", true, &Server::ext_hardlink},
    {"fsync@openssh.com", "1", "fsync", false, &Server::ext_fsync},
    {"lsetstat@openssh.com", "1", "lsetstat", true, &Server::ext_lsetstat},
    {"limits@openssh.com", "1", "limits", false, &Server::ext_limits},
    {"expand-path@openssh.com", "1", "expand-path", false, &Server::ext_expand_path},
    {"copy-data", "1", "copy-data", true, &Server::ext_copy_data},
    {"home-directory", "1", "home-directory", false, &Server::ext_home_directory},
    {"users-groups-by-id@openssh.com", "1", "users-groups-by-id", false, &Server::ext_users_groups},
    {"check-file-handle", "md5,sha1,sha256,sha512", "check-file-handle", false,
     &Server::ext_check_file_handle},
    {"check-file-name", "md5,sha1,sha256,sha512", "check-file-name", false,
     &Server::ext_check_file_name},
    // The handle form under its earlier draft name, as paramiko's SFTPFile.check() sends it.
    {"check-file", "md5,sha1,sha256,sha512", "check-file-handle", false,
     &Server::ext_check_file_handle},
    {"copy-file", "1", "copy-file", true, &Server::ext_copy_file},
    {"space-available", "1", "space-available", false, &Server::ext_space_available},
};

Server::Server(fs::Root& root, ServerOptions options)
    : root_(root), handles_(std::min(options.max_handles, kMaxHandles)) {}

void Server::feed(wire::ByteView in) {
  while (!in.empty()) take_frame(in);
}

// Takes at most one message's bytes from `in`. A message complete inside `in` is handled in
// place (no copy); otherwise its bytes collect in in_. An oversized message is answered with
// SSH_FX_BAD_MESSAGE and its remaining bytes discarded as they arrive.
void Server::take_frame(wire::ByteView& in) {
  auto take = [&](size_t n) {
    n = std::min(n, in.size());
    in_.insert(in_.end(), in.begin(), in.begin() + static_cast<ptrdiff_t>(n));
    in = in.subspan(n);
  };
  if (skip_ > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(skip_, in.size()));
    skip_ -= n;
    in = in.subspan(n);
    return;
  }
  if (in_.empty() && in.size() >= 4) {
    uint32_t len = be32(in.data());
    if (len <= kMaxMessage && in.size() - 4 >= len) {
      handle_message(in.subspan(4, len));
      in = in.subspan(4 + len);
      return;
    }
  }
  if (in_.size() < 4) {
    take(4 - in_.size());
    if (in_.size() < 4) return;
  }
  uint32_t len = be32(in_.data());
  if (len > kMaxMessage) {
    take(9 - in_.size());  // length, type and request id
    if (in_.size() < 9) return;
    send_status(be32(in_.data() + 5), SSH_FX_BAD_MESSAGE, "Message too long");
    skip_ = uint64_t{len} + 4 - in_.size();
    in_.clear();
    return;
  }
  take(4 + len - in_.size());
  if (in_.size() == 4 + size_t{len}) {
    handle_message(wire::ByteView(in_).subspan(4));
    in_.clear();
  }
}

void Server::handle_message(wire::ByteView msg) {
  wire::Reader r(msg);
  if (msg.empty()) {
    send_status(0, SSH_FX_BAD_MESSAGE);
    return;
  }
  uint8_t type = r.u8("type");
  if (type == SSH_FXP_INIT) {
    handle_init(r);
    return;
  }
  if (r.remaining() < 4) {
    send_status(0, SSH_FX_BAD_MESSAGE);
    return;
  }
  uint32_t id = r.u32("request id");
  if (!initialized_) {
    send_status(id, SSH_FX_FAILURE, "SSH_FXP_INIT expected first");
    return;
  }
  dispatch(type, id, r);
}

void Server::handle_init(wire::Reader& r) {
  if (initialized_ || r.remaining() < 4) {
    send_status(0, SSH_FX_BAD_MESSAGE, "Unexpected SSH_FXP_INIT");
    return;
  }
  r.u32("client version");  // any version: we answer with 3 (section 4)
  initialized_ = true;
  size_t start = begin(SSH_FXP_VERSION, kVersion);
  for (const auto& ext : kExtensions) w_.string(ext.wire_name).string(ext.version_data);
  finish(start);
}

void Server::dispatch(uint8_t type, uint32_t id, wire::Reader& r) {
  for (const auto& req : kRequests) {
    if (req.type == type) {
      run(req.name, req.does_write, req.handler, id, r);
      return;
    }
  }
  send_status(id, SSH_FX_OP_UNSUPPORTED);
}

void Server::do_extended(uint32_t id, wire::Reader& r) {
  std::string_view name = wire::as_text(r.string("extension name", 256));
  for (const auto& ext : kExtensions) {
    if (name == ext.wire_name) {
      run(ext.name, ext.does_write, ext.handler, id, r);
      return;
    }
  }
  send_status(id, SSH_FX_OP_UNSUPPORTED);
}

void Server::run(const char* name, bool does_write, Handler handler, uint32_t id, wire::Reader& r) {
  const fs::Policy& policy = root_.policy();
  if (!policy.allows(name) || (does_write && policy.read_only)) {
    send_status(id, SSH_FX_PERMISSION_DENIED);
    return;
  }
  size_t mark = out_.size();
  try {
    (this->*handler)(id, r);
  } catch (const wire::DecodeError&) {
    out_.resize(mark);  // nothing half-written survives
    send_status(id, SSH_FX_BAD_MESSAGE);
  } catch (const std::exception&) {
    out_.resize(mark);  // e.g. a crypto library failure: the request fails, the session goes on
    send_status(id, SSH_FX_FAILURE);
  }
}

void Server::consume(size_t n) {
  out_start_ += std::min(n, output_size());
  if (out_start_ == out_.size()) {
    out_.clear();
    out_start_ = 0;
  } else if (out_start_ >= (1u << 20) && out_start_ * 2 >= out_.size()) {
    out_.erase(out_.begin(), out_.begin() + static_cast<ptrdiff_t>(out_start_));
    out_start_ = 0;
  }
}

size_t Server::begin(uint8_t type, uint32_t id) {
  size_t start = out_.size();
  w_.u32(0).u8(type).u32(id);
  return start;
}

void Server::finish(size_t start) {
  w_.patch_u32(start, static_cast<uint32_t>(out_.size() - start - 4));
}

void Server::send_status(uint32_t id, uint32_t code, std::string_view message) {
  size_t start = begin(SSH_FXP_STATUS, id);
  w_.u32(code).string(message.empty() ? std::string_view(status_message(code)) : message);
  w_.string(std::string_view(""));  // language tag
  finish(start);
}

void Server::send_status(uint32_t id, fs::Status status) {
  send_status(id, status.ok() ? SSH_FX_OK : status_from_errno(status.error()));
}

void Server::send_handle(uint32_t id, fs::Result<std::string> handle) {
  if (!handle) return send_status(id, handle.status());
  size_t start = begin(SSH_FXP_HANDLE, id);
  w_.string(*handle);
  finish(start);
}

void Server::send_attrs(uint32_t id, fs::Result<struct stat> st) {
  if (!st) return send_status(id, st.status());
  size_t start = begin(SSH_FXP_ATTRS, id);
  FileAttrs::from_stat(*st).encode(w_);
  finish(start);
}

void Server::send_name(uint32_t id, std::string_view name) {
  size_t start = begin(SSH_FXP_NAME, id);
  w_.u32(1).string(name).string(name).u32(0);
  finish(start);
}

std::string_view Server::path_arg(wire::Reader& r, const char* what) {
  return r.text(what, kMaxPath);
}

fs::File* Server::file_arg(wire::Reader& r) { return handles_.file(r.string("handle", 256)); }

}  // namespace wharf::sftp
