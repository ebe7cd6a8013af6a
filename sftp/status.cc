#include "sftp/status.h"

#include <cerrno>

#include "sftp/protocol.h"

namespace wharf::sftp {

uint32_t status_from_errno(int err) {
  switch (err) {
    case 0:
      return SSH_FX_OK;
    case ENOENT:
    case ENOTDIR:
    case EBADF:
    case ELOOP:
      return SSH_FX_NO_SUCH_FILE;
    case EPERM:
    case EACCES:
    case EFAULT:
      return SSH_FX_PERMISSION_DENIED;
    case ENAMETOOLONG:
    case EINVAL:
      return SSH_FX_BAD_MESSAGE;
    case ENOSYS:
      return SSH_FX_OP_UNSUPPORTED;
    default:
      return SSH_FX_FAILURE;
  }
}

const char* status_message(uint32_t code) {
  static const char* const kMessages[] = {
      "Success",     "End of file",   "No such file",    "Permission denied",     "Failure",
      "Bad message", "No connection", "Connection lost", "Operation unsupported",
  };
  return code < sizeof kMessages / sizeof kMessages[0] ? kMessages[code] : "Unknown error";
}

}  // namespace wharf::sftp
