// SFTP version 3 constants: draft-ietf-secsh-filexfer-02 (section numbers below) plus OpenSSH's
// PROTOCOL file, section 4 ("sftp protocol changes").
#pragma once

#include <cstddef>
#include <cstdint>

#include "transport/wire.h"

namespace wharf::sftp {

inline constexpr uint32_t kVersion = 3;

// Section 3: packet types.
enum : uint8_t {
  SSH_FXP_INIT = 1,
  SSH_FXP_VERSION = 2,
  SSH_FXP_OPEN = 3,
  SSH_FXP_CLOSE = 4,
  SSH_FXP_READ = 5,
  SSH_FXP_WRITE = 6,
  SSH_FXP_LSTAT = 7,
  SSH_FXP_FSTAT = 8,
  SSH_FXP_SETSTAT = 9,
  SSH_FXP_FSETSTAT = 10,
  SSH_FXP_OPENDIR = 11,
  SSH_FXP_READDIR = 12,
  SSH_FXP_REMOVE = 13,
  SSH_FXP_MKDIR = 14,
  SSH_FXP_RMDIR = 15,
  SSH_FXP_REALPATH = 16,
  SSH_FXP_STAT = 17,
  SSH_FXP_RENAME = 18,
  SSH_FXP_READLINK = 19,
  SSH_FXP_SYMLINK = 20,
  SSH_FXP_STATUS = 101,
  SSH_FXP_HANDLE = 102,
  SSH_FXP_DATA = 103,
  SSH_FXP_NAME = 104,
  SSH_FXP_ATTRS = 105,
  SSH_FXP_EXTENDED = 200,
  SSH_FXP_EXTENDED_REPLY = 201,
};

// Section 7: status codes.
enum : uint32_t {
  SSH_FX_OK = 0,
  SSH_FX_EOF = 1,
  SSH_FX_NO_SUCH_FILE = 2,
  SSH_FX_PERMISSION_DENIED = 3,
  SSH_FX_FAILURE = 4,
  SSH_FX_BAD_MESSAGE = 5,
  SSH_FX_NO_CONNECTION = 6,
  SSH_FX_CONNECTION_LOST = 7,
  SSH_FX_OP_UNSUPPORTED = 8,
};

// Section 6.3: pflags of SSH_FXP_OPEN.
enum : uint32_t {
  SSH_FXF_READ = 0x01,
  SSH_FXF_WRITE = 0x02,
  SSH_FXF_APPEND = 0x04,
  SSH_FXF_CREAT = 0x08,
  SSH_FXF_TRUNC = 0x10,
  SSH_FXF_EXCL = 0x20,
};

// Section 5: attribute flags.
enum : uint32_t {
  SSH_FILEXFER_ATTR_SIZE = 0x1,
  SSH_FILEXFER_ATTR_UIDGID = 0x2,
  SSH_FILEXFER_ATTR_PERMISSIONS = 0x4,
  SSH_FILEXFER_ATTR_ACMODTIME = 0x8,
  SSH_FILEXFER_ATTR_EXTENDED = 0x80000000,
};

// statvfs@openssh.com f_flag bits (PROTOCOL 4.4).
inline constexpr uint64_t kStatvfsReadOnly = 0x1;
inline constexpr uint64_t kStatvfsNoSuid = 0x2;

// Limits (ARCHITECTURE.md "Hard limits"; reported by limits@openssh.com, PROTOCOL 4.8).
inline constexpr size_t kMaxMessage = wire::kMaxSftpMessage;
inline constexpr size_t kMaxReadLength = kMaxMessage - 1024;
inline constexpr size_t kMaxWriteLength = kMaxMessage - 1024;
inline constexpr size_t kMaxHandles = 256;
inline constexpr size_t kMaxPath = 64 * 1024;  // a path argument, far above PATH_MAX
inline constexpr size_t kReaddirBatch = 100;   // names per READDIR reply, as OpenSSH
inline constexpr size_t kInputBuffer = (1u << 20) + kMaxMessage + 4;
// Requests wait while this much output is queued: a small working set keeps the data in cache
// (measured: half the server CPU of a 4 MiB queue for downloads) and callers see backpressure.
inline constexpr size_t kOutputHighWater = 128u << 10;
// How many bytes check-file may hash in one session. Hashing costs 2.5-4 s of CPU per GiB, a
// request is a few bytes, and a sparse file makes any length cheap to create, so without a
// bound one request could keep a core busy for hours (and on after the client left, since a
// request runs to its end). 16 GiB, about a minute of CPU, covers verifying real uploads.
inline constexpr uint64_t kCheckFileBudget = 16ull << 30;

}  // namespace wharf::sftp
