// ATTRS (draft-ietf-secsh-filexfer-02 section 5): decoding, encoding, conversion from stat(2).
#pragma once

#include <sys/stat.h>

#include <cstdint>

#include "fs/file.h"
#include "transport/wire.h"

namespace wharf::sftp {

struct FileAttrs {
  uint32_t flags = 0;
  uint64_t size = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t permissions = 0;
  uint32_t atime = 0;
  uint32_t mtime = 0;

  // Extended attribute pairs are read and ignored (bounded by the message).
  static FileAttrs decode(wire::Reader& r);
  void encode(wire::Writer& w) const;
  static FileAttrs from_stat(const struct stat& st);
  fs::Attrs to_fs() const;
};

}  // namespace wharf::sftp
