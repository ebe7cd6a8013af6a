#include "transport/keys/pem_key_file.h"

#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include "transport/keys/pem_armor.h"

namespace wharf::keys {

namespace {

// RFC 5915 section 3: SEQUENCE { version 1, OCTET STRING key, [0] OID parameters, [1] point }.
Botan::OID sec1_curve(const Botan::secure_vector<uint8_t>& der) {
  Botan::secure_vector<uint8_t> scalar;
  Botan::OID curve;
  Botan::BER_Decoder(der)
      .start_cons(Botan::SEQUENCE)
      .decode_and_check<size_t>(1, "unknown EC private key version")
      .decode(scalar, Botan::OCTET_STRING)
      .decode_optional(curve, Botan::ASN1_Tag(0), Botan::PRIVATE)
      .discard_remaining();
  if (curve.empty()) throw KeyError("EC private key does not name its curve");
  return curve;
}

std::unique_ptr<Botan::Private_Key> load_sec1(const Botan::secure_vector<uint8_t>& der) {
  Botan::EC_Group group(sec1_curve(der));
  Botan::AlgorithmIdentifier alg(Botan::OID::from_string("ECDSA"),
                                 group.DER_encode(Botan::EC_DOMPAR_ENC_OID));
  return std::make_unique<Botan::ECDSA_PrivateKey>(alg, der);
}

std::unique_ptr<Botan::Private_Key> load_pkcs1(const Botan::secure_vector<uint8_t>& der) {
  Botan::AlgorithmIdentifier alg(Botan::OID::from_string("RSA"),
                                 Botan::AlgorithmIdentifier::USE_NULL_PARAM);
  return std::make_unique<Botan::RSA_PrivateKey>(alg, der);
}

KeyType type_of(const Botan::Private_Key& key) {
  const std::string name = key.algo_name();
  if (name == "Ed25519") return KeyType::kEd25519;
  if (name == "RSA") {
    if (key.key_length() < kMinRsaBits) throw KeyError("rsa key is smaller than 2048 bits");
    return KeyType::kRsa;
  }
  if (name == "ECDSA") {
    const auto& ec = dynamic_cast<const Botan::ECDSA_PrivateKey&>(key);
    for (KeyType t : {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521}) {
      if (ec.domain() == Botan::EC_Group(std::string(key_info(t).botan_curve))) return t;
    }
  }
  throw KeyError("unsupported private key algorithm " + name);
}

}  // namespace

HostKey parse_pem_key(std::string_view text) {
  const std::string_view label = pem_label(text);
  if (label == "ENCRYPTED PRIVATE KEY" || pem_is_encrypted(text)) {
    throw KeyError("encrypted private keys are not supported (decrypt with ssh-keygen -p)");
  }
  try {
    std::unique_ptr<Botan::Private_Key> key;
    if (label == "PRIVATE KEY") {
      Botan::secure_vector<uint8_t> der = pem_dearmor(text, label);
      Botan::DataSource_Memory source(der);
      key = Botan::PKCS8::load_key(source);
    } else if (label == "RSA PRIVATE KEY") {
      key = load_pkcs1(pem_dearmor(text, label));
    } else if (label == "EC PRIVATE KEY") {
      key = load_sec1(pem_dearmor(text, label));
    } else {
      throw KeyError("unknown private key format");
    }
    if (!key->check_key(Botan::system_rng(), false)) throw KeyError("inconsistent private key");
    KeyType type = type_of(*key);
    return HostKey(type, std::move(key), "");
  } catch (const Botan::Exception& e) {
    throw KeyError(std::string("invalid PEM private key: ") + e.what());
  }
}

}  // namespace wharf::keys
