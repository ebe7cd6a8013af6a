// authorized_keys files: sshd(8) "AUTHORIZED_KEYS FILE FORMAT".
//
// One key per line: `[options] keytype base64-blob [comment]`. Blank lines and lines starting
// with '#' are ignored. Supported key types: ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa.
// The blob is base64-decoded and its structure checked (RFC 4253 section 6.6, RFC 5656 section
// 3.1, RFC 8709 section 4): the embedded type string must equal the line's type name and the
// fields must be well-formed with nothing after them. Cryptographic validity (point on the
// curve, signature) is the caller's business: it compares the offered blob with `blob`.
//
// Every line stands alone: a malformed or unsupported line produces a diagnostic and is skipped,
// it never hides a valid line after it. A trailing '\r' is ignored (files edited on Windows).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "auth/key_options.h"
#include "transport/wire.h"

namespace wharf::auth {

inline constexpr size_t kMaxAuthorizedKeysFile = 1024 * 1024;  // bytes read from one file
inline constexpr size_t kMaxAuthorizedKeysLine = 32 * 1024;    // bytes in one line
inline constexpr size_t kMaxKeyBlob = 16 * 1024;               // OpenSSH SSH_MAX_PUBKEY_BYTES

struct AuthorizedKey {
  std::string key_type;  // e.g. "ssh-ed25519"
  wire::Bytes blob;      // the public key blob, as it travels in SSH_MSG_USERAUTH_REQUEST
  std::string comment;
  KeyOptions options;
  size_t line_number = 0;  // 1-based
};

struct KeysDiagnostic {
  size_t line_number = 0;
  std::string message;  // never contains key material
};

struct AuthorizedKeys {
  std::vector<AuthorizedKey> keys;
  std::vector<KeysDiagnostic> diagnostics;
};

// Parses the contents of one authorized_keys file.
AuthorizedKeys parse_authorized_keys(std::string_view content);

// True for the key types listed above.
bool is_supported_key_type(std::string_view type);

// Checks that `blob` is a well-formed public key blob of `type`. Returns an empty string when
// it is, else what is wrong.
std::string check_key_blob(std::string_view type, wire::ByteView blob);

// The outcome of looking an offered key up in the parsed files.
struct KeyMatch {
  const AuthorizedKey* entry = nullptr;  // the line that authorizes the key, if any
  KeyDecision decision;                  // its decision; else the last refusal (for the log)
};

// Finds the lines whose type and blob equal the offered key and evaluates their options, as
// sshd does: the first line whose options allow the connection wins; a line whose from= or
// expiry-time refuses does not stop the search. No matching line: entry null, reason set.
KeyMatch match_key(const AuthorizedKeys& keys, std::string_view type, wire::ByteView blob,
                   std::string_view client_address, std::time_t now);

}  // namespace wharf::auth
