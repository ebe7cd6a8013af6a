// Framing, dispatch and reply encoding for wharf::sftp::Server (see server.h).
#include "sftp/server.h"

#include <algorithm>
#include <cstring>
#include <span>

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
    : root_(root),
      log_operations_(root.policy().log_file_operations),
      symlink_draft_order_(options.symlink_draft_order),
      check_file_left_(options.check_file_budget),
      handles_(std::min(options.max_handles, kMaxHandles)),
      output_high_water_(std::max<size_t>(options.output_high_water, 1)) {}

void Server::feed(wire::ByteView in) {
  while (!in.empty()) {
    if (stream_) {
      in = in.subspan(continue_write_stream(in));
      continue;
    }
    if (in_begin_ == in_end_) {
      // Nothing buffered: handle complete messages where they lie (no copy), and write the data
      // of a WRITE still arriving as it comes (write_stream.cc).
      in = in.subspan(process(in));
      if (size_t taken = start_write_stream(in)) {
        in = in.subspan(taken);
        continue;
      }
      if (in.empty()) break;
    }
    auto space = input_space();
    size_t n = std::min(space.size(), in.size());
    std::memcpy(space.data(), in.data(), n);
    in = in.subspan(n);
    commit_input(n);
    stream_buffered_write();
  }
}

std::span<uint8_t> Server::input_space() {
  if (in_.empty()) in_.resize(kInputBuffer);
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
  if (in_.size() - in_end_ < kMaxMessage + 4) {
    // Usually only a partial message is moved. Messages held back while output is backed up
    // (see process()) make the buffer grow for a caller that feeds anyway.
    std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
    if (in_.size() - in_end_ < kMaxMessage + 4) in_.resize(in_end_ + kInputBuffer);
  }
  return {in_.data() + in_end_, in_.size() - in_end_};
}

void Server::pump() { commit_input(0); }

void Server::commit_input(size_t n) {
  in_end_ += std::min(n, in_.size() - in_end_);
  in_begin_ += process({in_.data() + in_begin_, in_end_ - in_begin_});
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
}

// Handles the complete messages at the front of `data` until the output is backed up; returns
// the bytes consumed. Holding requests back keeps the working set (and latency) small. An
// oversized message is answered with SSH_FX_BAD_MESSAGE once its type and id are in, and the
// rest of it is discarded as it arrives.
size_t Server::process(wire::ByteView data) {
  size_t used = 0;
  for (;;) {
    wire::ByteView rest = data.subspan(used);
    if (skip_ > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(skip_, rest.size()));
      skip_ -= n;
      used += n;
      if (skip_ > 0) return used;
      continue;
    }
    if (rest.size() < 4 || output_backed_up()) return used;
    uint32_t len = be32(rest.data());
    if (len > kMaxMessage) {
      if (rest.size() < 9) return used;  // length, type and request id
      send_status(be32(rest.data() + 5), SSH_FX_BAD_MESSAGE, "Message too long");
      skip_ = uint64_t{len} + 4 - 9;
      used += 9;
      continue;
    }
    if (rest.size() - 4 < len) return used;
    handle_message(rest.subspan(4, len));
    used += 4 + size_t{len};
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

const Server::Request* Server::request_for(uint8_t type) {
  for (const auto& req : kRequests) {
    if (req.type == type) return &req;
  }
  return nullptr;
}

void Server::dispatch(uint8_t type, uint32_t id, wire::Reader& r) {
  const Request* req = request_for(type);
  if (req == nullptr) return send_status(id, SSH_FX_OP_UNSUPPORTED);
  run(req->name, req->does_write, req->handler, id, r);
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

bool Server::permitted(const char* name, bool does_write) const {
  const fs::Policy& policy = root_.policy();
  return policy.allows(name) && !(does_write && policy.read_only);
}

void Server::run(const char* name, bool does_write, Handler handler, uint32_t id, wire::Reader& r) {
  if (!permitted(name, does_write)) {
    send_status(id, SSH_FX_PERMISSION_DENIED);
    return;
  }
  // Handlers decode their fields before they reply, and an unfinished reply is discarded by the
  // next begin(), so nothing half-written is ever queued. Bytes after a request's fields are
  // ignored, as sftp-server's process() discards the rest of each message: rclone 1.60 (Go's
  // pkg/sftp 1.13.5) sends its whole 32 KiB buffer after a short WRITE's data, and newer drafts
  // add a flags word to STAT.
  try {
    (this->*handler)(id, r);
  } catch (const wire::DecodeError&) {
    send_status(id, SSH_FX_BAD_MESSAGE);
  } catch (const std::exception&) {
    send_status(id, SSH_FX_FAILURE);  // e.g. a crypto library failure; the session goes on
  }
}

size_t Server::begin(uint8_t type, uint32_t id) {
  reply_.clear();
  w_.u32(0).u8(type).u32(id);
  return 0;
}

void Server::finish(size_t start) {
  w_.patch_u32(start, static_cast<uint32_t>(reply_.size() - start - 4));
  out_.append(reply_);
  reply_.clear();
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

std::string Server::path_arg(wire::Reader& r, const char* what) {
  return from_start(r.text(what, kMaxPath));
}

std::string Server::from_start(std::string_view path) const {
  const std::string& start = root_.policy().start_directory;
  if (start == "/" || (!path.empty() && path[0] == '/')) return std::string(path);
  return start + "/" + std::string(path);  // "" and "." name the start directory itself
}

fs::File* Server::file_arg(wire::Reader& r) { return handles_.file(r.string("handle", 256)); }

}  // namespace wharf::sftp
