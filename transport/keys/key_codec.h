// Conversions between SSH encodings and Botan objects, shared by PublicKey and HostKey:
// public key blobs (RFC 4253 section 6.6, RFC 5656 section 3.1, RFC 8709 section 4) and
// signature blobs (RFC 4253 section 6.6, RFC 5656 section 3.1.2, RFC 8332 section 3, RFC 8709
// section 6).
#pragma once

#include <optional>
#include <string>

#include "transport/keys/key_types.h"
#include "transport/wire.h"

namespace Botan {
class EC_Group;
class PointGFp;
class Public_Key;
}  // namespace Botan

namespace wharf::keys {

// Decodes an uncompressed point (0x04 || X || Y) of `group`; throws KeyError unless it is on the
// curve and not the point at infinity.
Botan::PointGFp decode_ec_point(const Botan::EC_Group& group, wire::ByteView encoded);

// The SSH public key blob of a Botan public key of the given type.
wire::Bytes public_blob_of(KeyType type, const Botan::Public_Key& key);

// Botan's padding/encoding name for a signature algorithm ("Pure", "EMSA1(SHA-256)", ...).
std::string botan_padding(const SignatureAlgorithm& alg);

// Wraps a signature as Botan made it (ECDSA in IEEE 1363 r||s form) into the SSH signature blob
// `string algorithm, string signature`.
wire::Bytes ssh_signature_blob(const SignatureAlgorithm& alg, wire::ByteView botan_sig);

// The inverse: the signature inside an SSH blob's `string signature`, converted to what Botan
// verifies. `size` is the ECDSA group order size or the RSA modulus size in bytes. nullopt if
// malformed.
std::optional<wire::Bytes> botan_signature(const SignatureAlgorithm& alg, wire::ByteView ssh_sig,
                                           size_t size);

}  // namespace wharf::keys
