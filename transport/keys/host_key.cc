#include "transport/keys/host_key.h"

#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include "transport/keys/key_codec.h"

namespace wharf::keys {

HostKey::HostKey(KeyType type, std::unique_ptr<Botan::Private_Key> key, std::string comment)
    : type_(type),
      key_(std::move(key)),
      comment_(std::move(comment)),
      public_key_(PublicKey::parse(public_blob_of(type_, *key_))) {
  public_key_.set_comment(comment_);
}

HostKey::HostKey(HostKey&&) noexcept = default;
HostKey& HostKey::operator=(HostKey&&) noexcept = default;
HostKey::~HostKey() = default;

HostKey HostKey::generate(KeyType type, std::string comment, size_t rsa_bits) {
  Botan::RandomNumberGenerator& rng = Botan::system_rng();
  std::unique_ptr<Botan::Private_Key> key;
  if (type == KeyType::kEd25519) {
    key = std::make_unique<Botan::Ed25519_PrivateKey>(rng);
  } else if (is_ecdsa(type)) {
    Botan::EC_Group group{std::string(key_info(type).botan_curve)};
    key = std::make_unique<Botan::ECDSA_PrivateKey>(rng, group);
  } else {
    if (rsa_bits < kMinRsaBits || rsa_bits > kMaxRsaBits) throw KeyError("bad rsa key size");
    key = std::make_unique<Botan::RSA_PrivateKey>(rng, rsa_bits);
  }
  return HostKey(type, std::move(key), std::move(comment));
}

std::vector<std::string> HostKey::algorithms(bool with_ssh_rsa) const {
  return signature_algorithms_for(type_, with_ssh_rsa);
}

Bytes HostKey::sign(std::string_view algorithm, ByteView data) const {
  const SignatureAlgorithm* alg = signature_algorithm(algorithm);
  if (alg == nullptr || alg->key != type_) {
    throw KeyError("signature algorithm " + std::string(algorithm) + " does not fit this key");
  }
  Botan::RandomNumberGenerator& rng = Botan::system_rng();
  Botan::PK_Signer signer(*key_, rng, botan_padding(*alg), Botan::IEEE_1363);
  std::vector<uint8_t> raw = signer.sign_message(data.data(), data.size(), rng);
  Bytes blob = ssh_signature_blob(*alg, raw);
  // Never hand out a signature that does not verify (fault attacks on RSA-CRT and friends).
  if (!public_key_.verify(algorithm, data, blob)) throw KeyError("signature did not verify");
  return blob;
}

}  // namespace wharf::keys
