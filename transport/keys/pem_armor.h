// PEM-style armour ("-----BEGIN LABEL-----", base64 lines, "-----END LABEL-----", RFC 7468) for
// private key files. Both directions keep the decoded bytes in secure buffers.
#pragma once

#include <botan/secmem.h>

#include <string_view>

#include "transport/wire.h"

namespace wharf::keys {

// The label of the first "-----BEGIN label-----" line, or empty if there is none.
std::string_view pem_label(std::string_view text);
// True if the armour carries RFC 1421 headers saying it is encrypted ("Proc-Type: 4,ENCRYPTED").
bool pem_is_encrypted(std::string_view text);
// The decoded body of the block labelled `label`; throws KeyError if absent or not base64.
Botan::secure_vector<uint8_t> pem_dearmor(std::string_view text, std::string_view label);
// `data` armoured under `label`, base64 lines of `width` columns, ending in a newline.
Botan::secure_vector<uint8_t> pem_armor(wire::ByteView data, std::string_view label, size_t width);

}  // namespace wharf::keys
