// errno -> SSH_FX_* (draft-ietf-secsh-filexfer-02 section 7), mapped as OpenSSH's sftp-server
// errno_to_portable() does so that clients print the same messages.
#pragma once

#include <cstdint>

namespace wharf::sftp {

uint32_t status_from_errno(int err);
const char* status_message(uint32_t code);

}  // namespace wharf::sftp
