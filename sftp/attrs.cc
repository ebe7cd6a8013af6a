#include "sftp/attrs.h"

#include "sftp/protocol.h"

namespace wharf::sftp {

FileAttrs FileAttrs::decode(wire::Reader& r) {
  FileAttrs a;
  a.flags = r.u32("attrs flags");
  if (a.flags & SSH_FILEXFER_ATTR_SIZE) a.size = r.u64("attrs size");
  if (a.flags & SSH_FILEXFER_ATTR_UIDGID) {
    a.uid = r.u32("attrs uid");
    a.gid = r.u32("attrs gid");
  }
  if (a.flags & SSH_FILEXFER_ATTR_PERMISSIONS) a.permissions = r.u32("attrs permissions");
  if (a.flags & SSH_FILEXFER_ATTR_ACMODTIME) {
    a.atime = r.u32("attrs atime");
    a.mtime = r.u32("attrs mtime");
  }
  if (a.flags & SSH_FILEXFER_ATTR_EXTENDED) {
    uint32_t count = r.u32("attrs extended count");
    for (uint32_t i = 0; i < count; ++i) {  // each pair consumes >= 8 bytes: bounded by input
      r.string("attrs extended type", kMaxMessage);
      r.string("attrs extended data", kMaxMessage);
    }
  }
  return a;
}

void FileAttrs::encode(wire::Writer& w) const {
  uint32_t f = flags & ~SSH_FILEXFER_ATTR_EXTENDED;
  w.u32(f);
  if (f & SSH_FILEXFER_ATTR_SIZE) w.u64(size);
  if (f & SSH_FILEXFER_ATTR_UIDGID) w.u32(uid).u32(gid);
  if (f & SSH_FILEXFER_ATTR_PERMISSIONS) w.u32(permissions);
  if (f & SSH_FILEXFER_ATTR_ACMODTIME) w.u32(atime).u32(mtime);
}

FileAttrs FileAttrs::from_stat(const struct stat& st) {
  FileAttrs a;
  a.flags = SSH_FILEXFER_ATTR_SIZE | SSH_FILEXFER_ATTR_UIDGID | SSH_FILEXFER_ATTR_PERMISSIONS |
            SSH_FILEXFER_ATTR_ACMODTIME;
  a.size = static_cast<uint64_t>(st.st_size);
  a.uid = st.st_uid;
  a.gid = st.st_gid;
  a.permissions = st.st_mode;
  a.atime = static_cast<uint32_t>(st.st_atime);
  a.mtime = static_cast<uint32_t>(st.st_mtime);
  return a;
}

fs::Attrs FileAttrs::to_fs() const {
  fs::Attrs a;
  if (flags & SSH_FILEXFER_ATTR_SIZE) a.size = size;
  if (flags & SSH_FILEXFER_ATTR_PERMISSIONS) a.mode = permissions & 07777;
  if (flags & SSH_FILEXFER_ATTR_ACMODTIME) {
    a.atime = atime;
    a.mtime = mtime;
  }
  if (flags & SSH_FILEXFER_ATTR_UIDGID) {
    a.uid = uid;
    a.gid = gid;
  }
  return a;
}

}  // namespace wharf::sftp
