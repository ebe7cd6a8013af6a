// Password verification for the `password` method (RFC 4252 section 8).
//
// - Virtual users: the hash from the users file, Argon2id (Botan argon2_check_pwhash) or bcrypt
//   (Botan check_bcrypt).
// - System users: the shadow entry and crypt(3) (libxcrypt crypt_r), only when running as root.
// - Constant shape: whenever no real hash can be checked (unknown user, no password set, locked
//   account, shadow unreadable, over-long password), one dummy evaluation of the same kind of
//   function runs instead, so the reply comes after the same kind of delay. The dummy Argon2id
//   uses the parameters wharf-passwd writes; the dummy crypt uses the system's default method.
//   A real hash costs what its own parameters say (a bcrypt hash of work factor 12 takes ~0.8 s
//   here against ~0.08 s for the Argon2id default), so keep one kind of hash per users file.
// Passwords are never copied except into Botan secure buffers (wiped), and never logged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "auth/users.h"

namespace Botan {
class RandomNumberGenerator;
}

namespace wharf::auth {

inline constexpr size_t kMaxPasswordLength = 1024;

// Argon2id cost written by wharf-passwd: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
struct Argon2Params {
  size_t memory_kib = 19456;
  size_t iterations = 2;
  size_t parallelism = 1;
};

// An Argon2id hash string ("$argon2id$v=19$m=...,t=...,p=...$salt$hash") of `password`.
std::string hash_password(std::string_view password, Botan::RandomNumberGenerator& rng,
                          const Argon2Params& params = {});

// Verifies `password` against an Argon2id or bcrypt hash. False for any other or malformed
// hash, and for Argon2id parameters beyond sane bounds (1 GiB, 64 passes, 16 lanes).
bool verify_password_hash(std::string_view hash, std::string_view password);

// Verifies `password` against a crypt(3) hash from the shadow file ("$6$...", "$y$...") with a
// constant-time comparison. False for "", "*", "!..." and anything crypt rejects.
bool verify_crypt_hash(std::string_view stored, std::string_view password);

// Which dummy to run when the user is unknown (the kind of account the server serves). kBoth is
// for a server with virtual and system users alike: every failure then costs an Argon2id and a
// crypt(3) evaluation (one real, one dummy, or two dummies), so the time of a failure tells
// neither which kind a name is nor whether it exists.
enum class DummyShape { kArgon2id, kSystemCrypt, kBoth };

struct PasswordResult {
  bool ok = false;
  std::string reason;  // why it failed, for the log (never the password)
};

// Checks a password for `user` (nullptr: unknown user) with the constant shape above.
PasswordResult check_password(const User* user, std::string_view password,
                              DummyShape unknown_user_shape);

// The dummy evaluations, exposed for tests and for callers with their own failure paths.
void dummy_argon2id(std::string_view password);
void dummy_system_crypt(std::string_view password);

}  // namespace wharf::auth
