// OpenSSH's private key format, unencrypted (OpenSSH PROTOCOL.key):
//   "openssh-key-v1\0" string cipher "none", string kdf "none", string kdfoptions "",
//   uint32 1, string public key, string private section
// where the private section is two equal check-ints, the key's private fields, a comment and
// padding 1, 2, 3, ... to the cipher block size (8 for "none"); base64 inside
// "-----BEGIN OPENSSH PRIVATE KEY-----" armour, 70 columns.
#pragma once

#include <botan/secmem.h>

#include <string_view>

#include "transport/keys/host_key.h"

namespace wharf::keys {

inline constexpr std::string_view kOpensshArmorLabel = "OPENSSH PRIVATE KEY";

// Throws KeyError for encrypted files (with a hint to decrypt them), malformed files, and keys
// whose private and public halves disagree.
HostKey parse_openssh_key(std::string_view text);
Botan::secure_vector<uint8_t> encode_openssh_key(const HostKey& key);

}  // namespace wharf::keys
