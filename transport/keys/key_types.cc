#include "transport/keys/key_types.h"

#include <array>

namespace wharf::keys {

namespace {

constexpr std::array<KeyTypeInfo, 5> kKeyTypes = {{
    {KeyType::kEd25519, "ssh-ed25519", "", "", "", "ED25519"},
    {KeyType::kEcdsaP256, "ecdsa-sha2-nistp256", "nistp256", "secp256r1", "SHA-256", "ECDSA"},
    {KeyType::kEcdsaP384, "ecdsa-sha2-nistp384", "nistp384", "secp384r1", "SHA-384", "ECDSA"},
    {KeyType::kEcdsaP521, "ecdsa-sha2-nistp521", "nistp521", "secp521r1", "SHA-512", "ECDSA"},
    {KeyType::kRsa, "ssh-rsa", "", "", "", "RSA"},
}};

constexpr std::array<SignatureAlgorithm, 7> kSignatureAlgorithms = {{
    {"ssh-ed25519", KeyType::kEd25519, ""},
    {"ecdsa-sha2-nistp256", KeyType::kEcdsaP256, "SHA-256"},
    {"ecdsa-sha2-nistp384", KeyType::kEcdsaP384, "SHA-384"},
    {"ecdsa-sha2-nistp521", KeyType::kEcdsaP521, "SHA-512"},
    {"rsa-sha2-512", KeyType::kRsa, "SHA-512"},
    {"rsa-sha2-256", KeyType::kRsa, "SHA-256"},
    {"ssh-rsa", KeyType::kRsa, "SHA-1"},
}};

}  // namespace

const KeyTypeInfo& key_info(KeyType type) {
  for (const auto& info : kKeyTypes) {
    if (info.type == type) return info;
  }
  throw KeyError("unknown key type");
}

std::optional<KeyType> key_type_by_name(std::string_view name) {
  for (const auto& info : kKeyTypes) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

bool is_ecdsa(KeyType type) {
  return type == KeyType::kEcdsaP256 || type == KeyType::kEcdsaP384 || type == KeyType::kEcdsaP521;
}

const SignatureAlgorithm* signature_algorithm(std::string_view name) {
  for (const auto& alg : kSignatureAlgorithms) {
    if (alg.name == name) return &alg;
  }
  return nullptr;
}

std::vector<std::string> signature_algorithms_for(KeyType type, bool with_ssh_rsa) {
  std::vector<std::string> out;
  for (const auto& alg : kSignatureAlgorithms) {
    if (alg.key != type) continue;
    if (alg.name == "ssh-rsa" && !with_ssh_rsa) continue;
    out.emplace_back(alg.name);
  }
  return out;
}

}  // namespace wharf::keys
