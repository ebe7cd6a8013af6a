// SSH_FXP_EXTENDED requests: OpenSSH's (PROTOCOL section 4) and, from
// draft-ietf-secsh-filexfer-extensions-00, check-file (section 3), space-available (section 4)
// and copy-file (section 6). Each decodes fully and checks the end before acting.
#include <botan/hash.h>
#include <sys/statvfs.h>

#include <string>

#include "sftp/attrs.h"
#include "sftp/server.h"
#include "sftp/status.h"

namespace wharf::sftp {
namespace {

// The first algorithm of the client's list we can compute, as (wire name, Botan name).
std::optional<std::pair<std::string, std::string>> pick_hash(std::string_view list) {
  static const std::pair<const char*, const char*> kHashes[] = {
      {"md5", "MD5"},        {"sha1", "SHA-160"},   {"sha224", "SHA-224"},
      {"sha256", "SHA-256"}, {"sha384", "SHA-384"}, {"sha512", "SHA-512"},
  };
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view name = list.substr(pos, comma - pos);
    for (const auto& h : kHashes) {
      if (name == h.first) return std::make_pair(std::string(h.first), std::string(h.second));
    }
    pos = comma + 1;
  }
  return std::nullopt;
}

}  // namespace

void Server::ext_posix_rename(uint32_t id, wire::Reader& r) {
  std::string from = path_arg(r, "posix-rename old path");
  std::string to = path_arg(r, "posix-rename new path");
  note("posix-rename old \"{}\" new \"{}\"", from, to);
  send_status(id, root_.rename(from, to, /*replace=*/true));
}

void Server::send_statvfs(uint32_t id, fs::Result<struct statvfs> vfs) {
  if (!vfs) return send_status(id, vfs.status());
  uint64_t flag = ((vfs->f_flag & ST_RDONLY) ? kStatvfsReadOnly : 0) |
                  ((vfs->f_flag & ST_NOSUID) ? kStatvfsNoSuid : 0);
  size_t start = begin(SSH_FXP_EXTENDED_REPLY, id);
  w_.u64(vfs->f_bsize).u64(vfs->f_frsize).u64(vfs->f_blocks).u64(vfs->f_bfree);
  w_.u64(vfs->f_bavail).u64(vfs->f_files).u64(vfs->f_ffree).u64(vfs->f_favail);
  w_.u64(vfs->f_fsid).u64(flag).u64(vfs->f_namemax);
  finish(start);
}

void Server::ext_statvfs(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "statvfs path");
  send_statvfs(id, root_.statvfs(path));
}

void Server::ext_fstatvfs(uint32_t id, wire::Reader& r) {
  fs::File* file = file_arg(r);
  if (file == nullptr) return send_status(id, SSH_FX_FAILURE);
  send_statvfs(id, file->statvfs());
}

void Server::ext_hardlink(uint32_t id, wire::Reader& r) {
  std::string existing = path_arg(r, "hardlink old path");
  std::string link = path_arg(r, "hardlink new path");
  note("hardlink old \"{}\" new \"{}\"", existing, link);
  send_status(id, root_.link(existing, link));
}

void Server::ext_fsync(uint32_t id, wire::Reader& r) {
  fs::File* file = file_arg(r);
  if (file == nullptr) return send_status(id, SSH_FX_FAILURE);
  send_status(id, file->fsync());  // answered only once the data is on disk
}

void Server::ext_lsetstat(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "lsetstat path");
  FileAttrs attrs = FileAttrs::decode(r);
  note_setstat(path, attrs);
  send_status(id, root_.setstat(path, attrs.to_fs(), /*follow=*/false));
}

void Server::ext_limits(uint32_t id, wire::Reader& /*r: no fields*/) {
  size_t start = begin(SSH_FXP_EXTENDED_REPLY, id);
  w_.u64(kMaxMessage).u64(kMaxReadLength).u64(kMaxWriteLength).u64(handles_.max());
  finish(start);
}

// "~" and "~/rest" expand to the policy's home; then REALPATH (PROTOCOL 4.10).
void Server::ext_expand_path(uint32_t id, wire::Reader& r) {
  std::string path(r.text("expand-path path", kMaxPath));
  const std::string& home = root_.policy().home;
  if (path == "~") {
    path = home;
  } else if (path.rfind("~/", 0) == 0) {
    path = home + path.substr(1);
  } else if (!path.empty() && path[0] == '~') {
    return send_status(id, SSH_FX_NO_SUCH_FILE);  // other users' homes are not visible
  } else {
    path = from_start(path);
  }
  auto real = root_.realpath(path);
  if (!real) return send_status(id, real.status());
  send_name(id, *real);
}

void Server::ext_copy_data(uint32_t id, wire::Reader& r) {
  wire::ByteView from_handle = r.string("copy-data read handle", 256);
  uint64_t from_offset = r.u64("copy-data read offset");
  uint64_t length = r.u64("copy-data length");
  wire::ByteView to_handle = r.string("copy-data write handle", 256);
  uint64_t to_offset = r.u64("copy-data write offset");
  fs::File* from = handles_.file(from_handle);
  fs::File* to = handles_.file(to_handle);
  if (from == nullptr || to == nullptr) return send_status(id, SSH_FX_FAILURE);
  if (log_operations_) {
    note("copy-data from \"{}\" offset {} length {} to \"{}\" offset {}",
         handles_.path(from_handle), from_offset, length, handles_.path(to_handle), to_offset);
  }
  // Copying a file onto an overlapping range of itself, through one handle or two, is refused
  // by fs (EDEADLK: SSH_FX_FAILURE), although PROTOCOL 4.11 allows it.
  send_status(id, fs::Root::copy_range(*from, from_offset, length, *to, to_offset));
}

void Server::ext_home_directory(uint32_t id, wire::Reader& r) {
  r.text("home-directory user", 256);  // only the session's own home exists here
  auto real = root_.realpath(root_.policy().home);
  if (!real) return send_status(id, real.status());
  send_name(id, *real);
}

void Server::ext_users_groups(uint32_t id, wire::Reader& r) {
  wire::Reader uids = r.sub_string("uids", kMaxMessage);
  wire::Reader gids = r.sub_string("gids", kMaxMessage);
  if (uids.remaining() % 4 != 0 || gids.remaining() % 4 != 0) {
    return send_status(id, SSH_FX_BAD_MESSAGE);
  }
  wire::Writer users, groups;
  while (!uids.empty()) users.string(names_.user(uids.u32("uid")).value_or(""));
  while (!gids.empty()) groups.string(names_.group(gids.u32("gid")).value_or(""));
  if (users.size() + groups.size() + 64 > kMaxMessage) return send_status(id, SSH_FX_FAILURE);
  size_t start = begin(SSH_FXP_EXTENDED_REPLY, id);
  w_.string(wire::ByteView(users.bytes())).string(wire::ByteView(groups.bytes()));
  finish(start);
}

void Server::ext_check_file_handle(uint32_t id, wire::Reader& r) {
  fs::File* file = file_arg(r);
  if (file == nullptr) {
    // Still decode the rest so a malformed request is reported as such.
    r.text("hash list", 1024);
    r.u64("start offset");
    r.u64("length");
    r.u32("block size");
    return send_status(id, SSH_FX_FAILURE);
  }
  check_file(id, *file, r);
}

void Server::ext_check_file_name(uint32_t id, wire::Reader& r) {
  std::string path(path_arg(r, "check-file-name path"));
  wire::Reader rest = r.sub(r.remaining(), "check-file-name arguments");
  auto file = root_.open(path, O_RDONLY, 0);
  if (!file) {
    rest.text("hash list", 1024);
    rest.u64("start offset");
    rest.u64("length");
    rest.u32("block size");
    return send_status(id, file.status());
  }
  check_file(id, *file, rest);
}

// Reply: string "check-file", string algorithm, then the hashes of each block back to back
// (draft-ietf-secsh-filexfer-extensions-00 section 3).
void Server::check_file(uint32_t id, fs::File& file, wire::Reader& r) {
  std::string_view list = r.text("hash list", 1024);
  uint64_t offset = r.u64("start offset");
  uint64_t length = r.u64("length");
  uint32_t block = r.u32("block size");
  auto algo = pick_hash(list);
  if (!algo) return send_status(id, SSH_FX_OP_UNSUPPORTED);
  if (block != 0 && block < 256) return send_status(id, SSH_FX_BAD_MESSAGE);
  auto st = file.stat();
  if (!st) return send_status(id, st.status());
  uint64_t size = static_cast<uint64_t>(st->st_size);
  if (!S_ISREG(st->st_mode)) return send_status(id, SSH_FX_FAILURE);
  if (offset > size) offset = size;
  if (length == 0 || length > size - offset) length = size - offset;
  auto hash = Botan::HashFunction::create_or_throw(algo->second);
  uint64_t blocks = block == 0 ? 1 : (length + block - 1) / block;
  if (blocks == 0) blocks = 1;
  if (blocks * hash->output_length() + 1024 > kMaxMessage) {
    return send_status(id, SSH_FX_FAILURE, "Too many blocks");
  }
  // Refused whole, before any work, as from a server without check-file (sftp-server).
  if (length > check_file_left_) {
    return send_status(id, SSH_FX_OP_UNSUPPORTED,
                       "check-file: this session's hashing budget is spent");
  }
  check_file_left_ -= length;
  std::vector<uint8_t> buf(256 * 1024), digests;
  uint64_t block_len = block == 0 ? length : block;
  for (uint64_t b = 0; b < blocks; ++b) {
    uint64_t left = std::min(block_len, length - std::min(length, b * block_len));
    uint64_t pos = offset + b * block_len;
    while (left > 0) {
      auto got = file.pread(buf.data(), std::min<uint64_t>(left, buf.size()), pos);
      if (!got) return send_status(id, got.status());
      if (*got == 0) break;
      hash->update(buf.data(), *got);
      left -= *got;
      pos += *got;
    }
    auto d = hash->final();
    digests.insert(digests.end(), d.begin(), d.end());
  }
  size_t start = begin(SSH_FXP_EXTENDED_REPLY, id);
  w_.string(std::string_view("check-file")).string(algo->first).raw(wire::ByteView(digests));
  finish(start);
}

void Server::ext_copy_file(uint32_t id, wire::Reader& r) {
  std::string from = path_arg(r, "copy-file source");
  std::string to = path_arg(r, "copy-file destination");
  bool overwrite = r.boolean("copy-file overwrite");
  note("copy-file old \"{}\" new \"{}\"", from, to);
  send_status(id, root_.copy_file(from, to, overwrite));
}

void Server::ext_space_available(uint32_t id, wire::Reader& r) {
  std::string path = path_arg(r, "space-available path");
  auto vfs = root_.statvfs(path);
  if (!vfs) return send_status(id, vfs.status());
  uint64_t unit = vfs->f_frsize ? vfs->f_frsize : vfs->f_bsize;
  size_t start = begin(SSH_FXP_EXTENDED_REPLY, id);
  w_.u64(vfs->f_blocks * unit).u64(vfs->f_bfree * unit);
  w_.u64(vfs->f_bavail * unit).u64(vfs->f_bavail * unit);
  w_.u32(static_cast<uint32_t>(std::min<uint64_t>(unit, UINT32_MAX)));
  finish(start);
}

}  // namespace wharf::sftp
