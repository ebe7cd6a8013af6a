#include "transport/keys/public_key.h"

#include <botan/base64.h>
#include <botan/bigint.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include "transport/keys/key_codec.h"

namespace wharf::keys {

namespace {

using wire::Reader;

// Most characters accepted in one "type base64 comment" line.
constexpr size_t kMaxKeyLine = 16 * 1024;

std::shared_ptr<const Botan::Public_Key> parse_ed25519(Reader& r, size_t& bits) {
  ByteView pk = r.string("ed25519 public key", 64);
  if (pk.size() != 32) throw KeyError("ed25519 public key is not 32 bytes");
  bits = 256;
  return std::make_shared<Botan::Ed25519_PublicKey>(pk.data(), pk.size());
}

std::shared_ptr<const Botan::Public_Key> parse_ecdsa(Reader& r, KeyType type, size_t& bits) {
  const KeyTypeInfo& info = key_info(type);
  if (r.text("ecdsa curve", wire::kMaxName) != info.curve) {
    throw KeyError("ecdsa curve does not match the key type");
  }
  ByteView q = r.string("ecdsa point", 256);
  Botan::EC_Group group{std::string(info.botan_curve)};
  bits = group.get_p_bits();
  return std::make_shared<Botan::ECDSA_PublicKey>(group, decode_ec_point(group, q));
}

std::shared_ptr<const Botan::Public_Key> parse_rsa(Reader& r, size_t& bits) {
  // RFC 4253 section 6.6: mpint e, mpint n. The exponent is at most 64 bits: real keys use
  // 65537 (a few old ones 35 or 2^32+1), and verification costs a squaring per exponent bit, so
  // a 512-bit exponent on a 16384-bit modulus made each signature check cost 66 ms for anyone.
  ByteView e_bytes = r.mpint_unsigned("rsa exponent", 8);
  ByteView n_bytes = r.mpint_unsigned("rsa modulus", kMaxRsaBits / 8);
  Botan::BigInt e(e_bytes.data(), e_bytes.size());
  Botan::BigInt n(n_bytes.data(), n_bytes.size());
  bits = n.bits();
  if (bits < kMinRsaBits) throw KeyError("rsa key is smaller than 2048 bits");
  if (e < 3 || e.is_even() || n.is_even() || e >= n) throw KeyError("rsa key is invalid");
  return std::make_shared<Botan::RSA_PublicKey>(n, e);
}

std::string unpadded_base64(ByteView data) {
  std::string b64 = Botan::base64_encode(data.data(), data.size());
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return b64;
}

}  // namespace

PublicKey PublicKey::parse(ByteView blob) {
  if (blob.size() > kMaxKeyBlob) throw KeyError("public key blob is too large");
  PublicKey key;
  try {
    Reader r(blob);
    std::string_view name = r.text("key type", wire::kMaxName);
    auto type = key_type_by_name(name);
    if (!type) throw KeyError("unsupported public key type");
    key.type_ = *type;
    if (*type == KeyType::kEd25519) {
      key.key_ = parse_ed25519(r, key.bits_);
    } else if (is_ecdsa(*type)) {
      key.key_ = parse_ecdsa(r, *type, key.bits_);
    } else {
      key.key_ = parse_rsa(r, key.bits_);
    }
    r.expect_end("public key blob");
  } catch (const wire::DecodeError& e) {
    throw KeyError(std::string("malformed public key: ") + e.what());
  } catch (const Botan::Exception& e) {
    throw KeyError(std::string("invalid public key: ") + e.what());
  }
  key.blob_.assign(blob.begin(), blob.end());
  return key;
}

PublicKey PublicKey::parse_line(std::string_view line) {
  if (line.size() > kMaxKeyLine) throw KeyError("public key line is too long");
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  auto next_field = [&](std::string_view& rest) {
    size_t b = 0;
    while (b < rest.size() && is_space(rest[b])) ++b;
    size_t e = b;
    while (e < rest.size() && !is_space(rest[e])) ++e;
    std::string_view field = rest.substr(b, e - b);
    rest.remove_prefix(e);
    return field;
  };
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  std::string_view rest = line;
  std::string_view type = next_field(rest);
  std::string_view b64 = next_field(rest);
  if (type.empty() || b64.empty()) throw KeyError("public key line needs a type and a key");
  Botan::secure_vector<uint8_t> blob;
  try {
    blob = Botan::base64_decode(b64.data(), b64.size());
  } catch (const Botan::Exception&) {
    throw KeyError("public key is not valid base64");
  }
  PublicKey key = parse(ByteView(blob.data(), blob.size()));
  if (key.type() != type) throw KeyError("public key line type does not match its key");
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  while (!rest.empty() && is_space(rest.back())) rest.remove_suffix(1);
  key.comment_ = std::string(rest);
  return key;
}

bool PublicKey::verify(std::string_view algorithm, ByteView data, ByteView signature_blob) const {
  const SignatureAlgorithm* alg = signature_algorithm(algorithm);
  if (alg == nullptr || alg->key != type_) return false;
  try {
    Reader r(signature_blob);
    if (r.text("signature algorithm", wire::kMaxName) != algorithm) return false;
    ByteView sig = r.string("signature", kMaxKeyBlob);
    r.expect_end("signature blob");
    size_t size = 0;
    if (is_ecdsa(type_)) {
      size = dynamic_cast<const Botan::ECDSA_PublicKey&>(*key_).domain().get_order().bytes();
    } else if (type_ == KeyType::kRsa) {
      size = dynamic_cast<const Botan::RSA_PublicKey&>(*key_).get_n().bytes();
    }
    auto raw = botan_signature(*alg, sig, size);
    if (!raw) return false;
    Botan::PK_Verifier verifier(*key_, botan_padding(*alg), Botan::IEEE_1363);
    return verifier.verify_message(data.data(), data.size(), raw->data(), raw->size());
  } catch (const wire::DecodeError&) {
    return false;
  } catch (const Botan::Exception&) {
    return false;
  }
}

std::string PublicKey::fingerprint() const {
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  auto digest = sha->process(blob_.data(), blob_.size());
  return "SHA256:" + unpadded_base64(ByteView(digest.data(), digest.size()));
}

std::string PublicKey::fingerprint_line() const {
  return std::to_string(bits_) + " " + fingerprint() + " " +
         (comment_.empty() ? std::string("no comment") : comment_) + " (" +
         std::string(key_info(type_).label) + ")";
}

std::string PublicKey::to_line() const {
  std::string line = std::string(type()) + " " + Botan::base64_encode(blob_);
  if (!comment_.empty()) line += " " + comment_;
  return line;
}

}  // namespace wharf::keys
