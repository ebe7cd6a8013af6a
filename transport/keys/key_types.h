// SSH public key algorithms Wharf knows: key types (RFC 4253 section 6.6, RFC 5656 section 6,
// RFC 8709) and the signature algorithms each type can make (RFC 8332 for RSA with SHA-2).
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::keys {

// A key that does not parse, load, or meet policy. Never carries secret material in what().
class KeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class KeyType { kEd25519, kEcdsaP256, kEcdsaP384, kEcdsaP521, kRsa };

struct KeyTypeInfo {
  KeyType type;
  std::string_view name;         // key type in blobs and files, e.g. "ecdsa-sha2-nistp256"
  std::string_view curve;        // ECDSA curve identifier (RFC 5656 section 6.1), e.g. "nistp256"
  std::string_view botan_curve;  // Botan's EC group name, e.g. "secp256r1"
  std::string_view hash;         // ECDSA hash by curve size (RFC 5656 section 6.2.1)
  std::string_view label;        // what `ssh-keygen -l` prints in parentheses
};

inline constexpr size_t kMinRsaBits = 2048;
inline constexpr size_t kMaxRsaBits = 16384;
inline constexpr size_t kDefaultRsaBits = 3072;

const KeyTypeInfo& key_info(KeyType type);
std::optional<KeyType> key_type_by_name(std::string_view name);
bool is_ecdsa(KeyType type);

struct SignatureAlgorithm {
  std::string_view name;  // e.g. "rsa-sha2-512"
  KeyType key;            // key type that makes it
  std::string_view hash;  // Botan hash name for RSA and ECDSA; empty for Ed25519
};

// The signature algorithm called `name`, or nullptr.
const SignatureAlgorithm* signature_algorithm(std::string_view name);
// The signature algorithms a key of `type` can make, strongest first. SHA-1 "ssh-rsa" only when
// asked for.
std::vector<std::string> signature_algorithms_for(KeyType type, bool with_ssh_rsa = false);

}  // namespace wharf::keys
