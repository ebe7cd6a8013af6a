// One side's ephemeral key pair in a single-round exchange: X25519 (RFC 8731), ECDH (RFC 5656)
// or finite-field DH (RFC 4253 section 8, RFC 8268, RFC 4419). Private values stay inside, in
// Botan's secure storage.
#pragma once

#include <botan/secmem.h>

#include <memory>
#include <string>

#include "transport/wire.h"

namespace Botan {
class DL_Group;
}

namespace wharf::kex {

class Agreement {
 public:
  virtual ~Agreement() = default;
  // Our public value: the point/key bytes (Q_C/Q_S), or for DH the magnitude of e/f.
  virtual wire::Bytes public_value() const = 0;
  // Validates the peer's public value and returns the shared secret K as big-endian unsigned
  // bytes. Throws ProtocolError(kKeyExchangeFailed) for invalid values.
  virtual Botan::secure_vector<uint8_t> agree(wire::ByteView peer) = 0;
};

std::unique_ptr<Agreement> make_x25519();
// `botan_curve`: "secp256r1", "secp384r1" or "secp521r1".
std::unique_ptr<Agreement> make_ecdh(const std::string& botan_curve);
std::unique_ptr<Agreement> make_dh(const Botan::DL_Group& group);

}  // namespace wharf::kex
