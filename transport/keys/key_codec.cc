#include "transport/keys/key_codec.h"

#include <botan/bigint.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/rsa.h>

#include <algorithm>

namespace wharf::keys {

namespace {

wire::Bytes left_pad(wire::ByteView v, size_t size) {
  wire::Bytes out(size - v.size(), 0);
  out.insert(out.end(), v.begin(), v.end());
  return out;
}

}  // namespace

Botan::PointGFp decode_ec_point(const Botan::EC_Group& group, wire::ByteView encoded) {
  // Only the uncompressed form that OpenSSH writes (SEC1 2.3.3); this also keeps blobs canonical.
  const size_t field = group.get_p_bytes();
  if (encoded.size() != 1 + 2 * field || encoded[0] != 0x04) {
    throw KeyError("ec point is not an uncompressed point of the right size");
  }
  try {
    Botan::PointGFp point = group.OS2ECP(encoded.data(), encoded.size());
    if (point.is_zero() || !point.on_the_curve()) throw KeyError("ec point is not on the curve");
    return point;
  } catch (const Botan::Exception&) {
    throw KeyError("ec point is not on the curve");
  }
}

wire::Bytes public_blob_of(KeyType type, const Botan::Public_Key& key) {
  wire::Writer w;
  const KeyTypeInfo& info = key_info(type);
  w.string(info.name);
  if (type == KeyType::kEd25519) {
    w.string(wire::ByteView(dynamic_cast<const Botan::Ed25519_PublicKey&>(key).get_public_key()));
  } else if (is_ecdsa(type)) {
    const auto& ec = dynamic_cast<const Botan::ECDSA_PublicKey&>(key);
    w.string(info.curve);
    w.string(wire::ByteView(ec.public_point().encode(Botan::PointGFp::UNCOMPRESSED)));
  } else {
    const auto& rsa = dynamic_cast<const Botan::RSA_PublicKey&>(key);
    w.mpint_unsigned(wire::ByteView(Botan::BigInt::encode(rsa.get_e())));
    w.mpint_unsigned(wire::ByteView(Botan::BigInt::encode(rsa.get_n())));
  }
  return w.take();
}

std::string botan_padding(const SignatureAlgorithm& alg) {
  if (alg.key == KeyType::kEd25519) return "Pure";
  if (is_ecdsa(alg.key)) return "EMSA1(" + std::string(alg.hash) + ")";
  return "EMSA3(" + std::string(alg.hash) + ")";  // RSASSA-PKCS1-v1_5, RFC 8332 section 3
}

wire::Bytes ssh_signature_blob(const SignatureAlgorithm& alg, wire::ByteView botan_sig) {
  wire::Writer w;
  w.string(alg.name);
  if (is_ecdsa(alg.key)) {
    // RFC 5656 section 3.1.2: string containing mpint r, mpint s.
    const size_t half = botan_sig.size() / 2;
    wire::Writer inner;
    inner.mpint_unsigned(botan_sig.first(half));
    inner.mpint_unsigned(botan_sig.subspan(half));
    w.string(wire::ByteView(inner.bytes()));
  } else {
    w.string(botan_sig);
  }
  return w.take();
}

std::optional<wire::Bytes> botan_signature(const SignatureAlgorithm& alg, wire::ByteView ssh_sig,
                                           size_t size) {
  if (alg.key == KeyType::kEd25519) {
    if (ssh_sig.size() != 64) return std::nullopt;
    return wire::Bytes(ssh_sig.begin(), ssh_sig.end());
  }
  if (alg.key == KeyType::kRsa) {
    // RFC 8332 section 3 says the signature is as long as the modulus; like OpenSSH, accept a
    // shorter one from peers that strip leading zeros.
    if (ssh_sig.empty() || ssh_sig.size() > size) return std::nullopt;
    return left_pad(ssh_sig, size);
  }
  try {
    wire::Reader r(ssh_sig);
    wire::ByteView rr = r.mpint_unsigned("ecdsa r", size);
    wire::ByteView ss = r.mpint_unsigned("ecdsa s", size);
    r.expect_end("ecdsa signature");
    wire::Bytes out = left_pad(rr, size);
    wire::Bytes s = left_pad(ss, size);
    out.insert(out.end(), s.begin(), s.end());
    return out;
  } catch (const wire::DecodeError&) {
    return std::nullopt;
  }
}

}  // namespace wharf::keys
